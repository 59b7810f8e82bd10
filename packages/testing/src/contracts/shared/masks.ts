import type { MaskSet, NamedParameter } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../random/seeded-random.js';

/**
 * Masks that prune exactly `round(fraction · size)` weights of each parameter: the ones `rank`
 * puts first (lowest value), or random ones. The masked weights are set to zero, as the
 * training integration keeps them.
 */
export function createMasks(
  parameters: readonly NamedParameter[],
  fraction: number,
  random: SeededRandom,
  rank?: (parameter: NamedParameter) => readonly number[],
): Map<string, tf.Tensor> {
  const masks = new Map<string, tf.Tensor>();
  for (const parameter of parameters) {
    const size = parameter.variable.size;
    const order = rank === undefined ? shuffledIndices(size, random) : sortedIndices(rank(parameter));
    const values = new Array<number>(size).fill(1);
    for (const index of order.slice(0, Math.round(fraction * size))) values[index] = 0;
    const mask = tf.tensor(values, parameter.variable.shape, 'float32');
    masks.set(parameter.name, mask);
    tf.tidy(() => parameter.variable.assign(tf.mul(parameter.variable, mask)));
  }
  return masks;
}

/** Disposes every tensor of a mask set. */
export function disposeMasks(masks: MaskSet): void {
  for (const mask of masks.values()) mask.dispose();
}

function shuffledIndices(size: number, random: SeededRandom): number[] {
  const indices = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = random.int(0, i + 1);
    [indices[i], indices[j]] = [indices[j] ?? j, indices[i] ?? i];
  }
  return indices;
}

function sortedIndices(keys: readonly number[]): number[] {
  return keys.map((key, index) => ({ key, index })).sort((a, b) => a.key - b.key || a.index - b.index).map((entry) => entry.index);
}
