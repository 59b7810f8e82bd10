import { totalmem } from 'node:os';
import { SparseError } from '@sparse/core';

/** The largest WebAssembly memory (32-bit addresses): what the wasm backend's tensors live in. */
const WASM_MEMORY_BYTES = 4 * 2 ** 30;

/**
 * What one replicate of an MLP needs, roughly: on the backend the variables, Adam's two moments,
 * the gradients and the masks (5 float32 copies of the parameters) and a batch's activations and
 * their gradients; on the host θ0, θk, the re-initialisation, the dense trained weights, a
 * checkpoint (weights and moments) and a training engine's own copy (about 12 more copies).
 *
 * @example
 * ```ts
 * import { replicateMemory } from '@sparse/lth';
 *
 * const { parameters, backendBytes, totalBytes } = replicateMemory([784, 300, 100, 10], 60);
 * console.log(parameters, backendBytes < totalBytes); // 266610 true
 * ```
 */
export function replicateMemory(layerSizes: readonly number[], batchSize: number): { parameters: number; backendBytes: number; totalBytes: number } {
  let parameters = 0;
  for (let l = 1; l < layerSizes.length; l += 1) parameters += ((layerSizes[l - 1] as number) + 1) * (layerSizes[l] as number);
  const widths = layerSizes.reduce((sum, width) => sum + width, 0);
  const backendBytes = 4 * (5 * parameters + 3 * batchSize * widths);
  return { parameters, backendBytes, totalBytes: backendBytes + 4 * 12 * parameters };
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Checks, before any work, that the replicates running at once fit in this machine's memory and,
 * on the `wasm` backend, that one replicate's tensors fit in a WebAssembly memory (4 GiB).
 *
 * @throws SparseError `E_CONFIG` (field `model.layerSizes`) with the estimate and the limit.
 *
 * @example
 * ```ts
 * import { checkReplicateMemory } from '@sparse/lth';
 *
 * checkReplicateMemory({ layerSizes: [784, 300, 100, 10], batchSize: 60, replicates: 2, backend: 'wasm' }); // fits
 * ```
 */
export function checkReplicateMemory(options: { readonly layerSizes: readonly number[]; readonly batchSize: number; readonly replicates: number; readonly backend: string; readonly machineBytes?: number }): void {
  const { layerSizes, batchSize, replicates, backend } = options;
  const { parameters, backendBytes, totalBytes } = replicateMemory(layerSizes, batchSize);
  const layers = `[${layerSizes.join(', ')}]`;
  if (backend === 'wasm' && backendBytes > WASM_MEMORY_BYTES) {
    throw new SparseError(
      'E_CONFIG',
      `model.layerSizes: ${layers} has ${parameters} parameters; their weights, Adam moments, gradients and masks and a batch of ${batchSize} need about ${gib(backendBytes)}, more than the ${gib(WASM_MEMORY_BYTES)} of a WebAssembly memory (backend wasm). Use smaller layers.`,
      { field: 'model.layerSizes', received: layerSizes, allowed: `at most ${gib(WASM_MEMORY_BYTES)} of tensors per replicate` },
    );
  }
  const machine = options.machineBytes ?? totalmem();
  if (totalBytes * replicates > machine) {
    throw new SparseError(
      'E_CONFIG',
      `model.layerSizes: ${layers} has ${parameters} parameters; ${replicates} replicate(s) at once need about ${gib(totalBytes * replicates)} (${gib(totalBytes)} each), more than this machine's ${gib(machine)}. Use smaller layers or fewer workers.`,
      { field: 'model.layerSizes', received: layerSizes, allowed: `at most ${gib(machine)} for ${replicates} replicate(s)` },
    );
  }
}
