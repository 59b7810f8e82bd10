import type { ConformanceTolerance } from './tolerance.js';

/**
 * What a conformance case receives: a random source seeded for this case only, and the tolerance.
 *
 * @example
 * ```ts
 * import type { ConformanceContext } from '@sparse/testing';
 *
 * const describeContext = (context: ConformanceContext): string => `atol ${context.tolerance.atol}`;
 * ```
 */
export interface ConformanceContext {
  /** Deterministic random numbers (float32-exact floats, integers). */
  readonly random: {
    uniform(low: number, high: number): number;
    int(low: number, high: number): number;
    floats(count: number, low: number, high: number): number[];
    ints(count: number, low: number, high: number): number[];
  };
  /** How close float results must be to the reference. */
  readonly tolerance: ConformanceTolerance;
}

/**
 * One check of the backend conformance suite: runs some ops on the active backend, compares them
 * with plain-JavaScript references, and returns one line per mismatch (empty when it conforms).
 * It must dispose every tensor it creates; the runner checks that none leaked.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { ConformanceCase } from '@sparse/testing';
 *
 * const squareCase: ConformanceCase = {
 *   name: 'square',
 *   run: () => {
 *     const value = tf.tidy(() => tf.square(tf.scalar(3)).dataSync()[0]);
 *     return value === 9 ? [] : [`square(3) is ${value}, expected 9`];
 *   },
 * };
 * ```
 */
export interface ConformanceCase {
  /** A short, unique name, used as the test name. */
  readonly name: string;
  /** Runs the check on the active backend. */
  run(context: ConformanceContext): readonly string[] | Promise<readonly string[]>;
}

