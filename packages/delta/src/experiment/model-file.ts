import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encodeTensorData, openSafetensors, writeSafetensors, type DenseMlpLayer } from '@sparse/core';
import type { Weights } from './mlp.js';

/**
 * Writes a model's weights as a safetensors file (atomically), kernels `[inputs, outputs]`, so
 * the pretrained and fine-tuned models of a run can be pruned again with `sparse dare`.
 *
 * @example
 * ```ts
 * import { initialWeights, mlpLayers } from './mlp.js';
 * import { writeModelFile } from './model-file.js';
 *
 * const layers = mlpLayers([32]);
 * await writeModelFile('/tmp/base.safetensors', layers, initialWeights(layers, 0));
 * ```
 */
export async function writeModelFile(path: string, layers: readonly DenseMlpLayer[], weights: Weights): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeSafetensors(
    path,
    layers.flatMap(({ name, inputs, outputs }) => [
      { name: `${name}/kernel`, dtype: 'F32' as const, shape: [inputs, outputs], data: encodeTensorData('F32', weights.get(`${name}/kernel`) as Float32Array) },
      { name: `${name}/bias`, dtype: 'F32' as const, shape: [outputs], data: encodeTensorData('F32', weights.get(`${name}/bias`) as Float32Array) },
    ]),
    { metadata: { producer: '@sparse/delta experiment' } },
  );
}

/**
 * Reads a model written by {@link writeModelFile}.
 *
 * @example
 * ```ts
 * import { mlpLayers } from './mlp.js';
 * import { readModelFile } from './model-file.js';
 *
 * const weights = await readModelFile('/tmp/base.safetensors', mlpLayers([32]));
 * ```
 */
export async function readModelFile(path: string, layers: readonly DenseMlpLayer[]): Promise<Weights> {
  const file = await openSafetensors(path);
  try {
    const weights: Weights = new Map();
    for (const { name } of layers) {
      for (const part of ['kernel', 'bias']) weights.set(`${name}/${part}`, await file.readFloat32(`${name}/${part}`));
    }
    return weights;
  } finally {
    await file.close();
  }
}
