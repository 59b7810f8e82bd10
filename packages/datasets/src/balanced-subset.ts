import { SparseError } from '@sparse/core';
import { shuffleInPlace } from './random/shuffle.js';
import { assertSeed, seededRandom, type RandomFactory } from './random/uniform-random.js';

/**
 * Options of {@link balancedSubsetIndices}.
 *
 * @example
 * ```ts
 * import type { BalancedSubsetOptions } from '@sparse/datasets';
 *
 * const options: BalancedSubsetOptions = { perClass: 600, seed: 2024, name: 'train' };
 * ```
 */
export interface BalancedSubsetOptions {
  /** Examples to take from each class. */
  readonly perClass: number;
  /** The seed of the draw. */
  readonly seed: number;
  /** Number of classes, labels 0 … numClasses − 1 (default 10). */
  readonly numClasses?: number;
  /** Names the draw, so that two subsets from one seed (train, test) are independent (default `subset`). */
  readonly name?: string;
  /** The generator (default {@link seededRandom}), called as `random(seed, 'balanced-subset', '<name>/class <c>')`. */
  readonly random?: RandomFactory;
}

/**
 * Picks a class-balanced, seeded sample: `perClass` examples of every class, drawn uniformly
 * without replacement (a Fisher–Yates shuffle of each class's indices). Returns their indices in
 * ascending order, ready for {@link selectExamples}. Throws `E_ARGUMENT` when a class has fewer
 * than `perClass` examples or a label is out of range.
 *
 * @example
 * ```ts
 * import { balancedSubsetIndices } from '@sparse/datasets';
 *
 * const labels = new Uint8Array([0, 1, 0, 1, 0, 1]);
 * const picked = balancedSubsetIndices(labels, { perClass: 2, seed: 0, numClasses: 2 });
 * console.log(picked.length); // 4: two 0s and two 1s
 * ```
 */
export function balancedSubsetIndices(labels: Uint8Array, options: BalancedSubsetOptions): Int32Array {
  const { perClass, seed, numClasses = 10, name = 'subset' } = options;
  const random = options.random ?? seededRandom;
  assertSeed(seed);
  if (!Number.isInteger(perClass) || perClass < 0) {
    throw new SparseError('E_ARGUMENT', `perClass must be a non-negative integer, got ${String(perClass)}.`, { field: 'perClass', received: perClass });
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new SparseError('E_ARGUMENT', `numClasses must be a positive integer, got ${String(numClasses)}.`, { field: 'numClasses', received: numClasses });
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, index) => {
    const members = byClass[label];
    if (members === undefined) {
      throw new SparseError('E_ARGUMENT', `labels[${index}] is ${label}, outside the ${numClasses} classes.`, {
        field: `labels[${index}]`,
        received: label,
        allowed: `[0, ${numClasses})`,
      });
    }
    members.push(index);
  });
  const picked: number[] = [];
  byClass.forEach((members, label) => {
    if (members.length < perClass) {
      throw new SparseError('E_ARGUMENT', `Class ${label} has ${members.length} example(s), fewer than perClass = ${perClass}.`, {
        field: 'perClass',
        received: perClass,
        allowed: `≤ ${Math.min(...byClass.map((m) => m.length))}`,
      });
    }
    shuffleInPlace(members, random(seed, 'balanced-subset', `${name}/class ${label}`));
    picked.push(...members.slice(0, perClass));
  });
  return Int32Array.from(picked).sort();
}
