import { deriveSeed } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { createSeededRandom } from '../random/seeded-random.js';
import { describeError } from '../shared/describe-error.js';
import type { ConformanceCase } from './conformance-case.js';
import { BACKEND_CONFORMANCE_CASES } from './backend-conformance-cases.js';
import { DEFAULT_CONFORMANCE_TOLERANCE, type ConformanceTolerance } from './tolerance.js';

/**
 * Options of {@link checkBackendConformance}.
 *
 * @example
 * ```ts
 * import type { BackendConformanceCheckOptions } from '@sparse/testing';
 *
 * const options: BackendConformanceCheckOptions = { seed: 7, tolerance: { atol: 1e-3 } };
 * ```
 */
export interface BackendConformanceCheckOptions {
  /** The base seed, an integer in `[0, 2^53)`; each case derives its own from it and its name (`deriveSeed` of `@sparse/core`). Defaults to 20241. */
  readonly seed?: number;
  /** Overrides of {@link DEFAULT_CONFORMANCE_TOLERANCE}. */
  readonly tolerance?: Partial<ConformanceTolerance>;
  /** The cases to run; defaults to {@link BACKEND_CONFORMANCE_CASES}. */
  readonly cases?: readonly ConformanceCase[];
}

/**
 * The outcome of one conformance case: its mismatches, including leaked tensors and errors
 * thrown (empty when the backend conforms).
 *
 * @example
 * ```ts
 * import type { ConformanceCaseResult } from '@sparse/testing';
 *
 * const result: ConformanceCaseResult = { name: 'topk', violations: [] };
 * ```
 */
export interface ConformanceCaseResult {
  readonly name: string;
  readonly violations: readonly string[];
}

/** The default base seed of the conformance inputs. */
const DEFAULT_SEED = 20241;

/**
 * Runs one conformance case on the active backend with its own seeded inputs, and adds a
 * violation when it throws or leaves tensors behind.
 *
 * @example
 * ```ts
 * import { BACKEND_CONFORMANCE_CASES, runConformanceCase } from '@sparse/testing';
 *
 * const [first] = BACKEND_CONFORMANCE_CASES;
 * if (first) console.log(await runConformanceCase(first));
 * ```
 */
export async function runConformanceCase(
  conformanceCase: ConformanceCase,
  options: Omit<BackendConformanceCheckOptions, 'cases'> = {},
): Promise<ConformanceCaseResult> {
  const random = createSeededRandom(deriveSeed(options.seed ?? DEFAULT_SEED, conformanceCase.name));
  const tolerance = { ...DEFAULT_CONFORMANCE_TOLERANCE, ...options.tolerance };
  const before = tf.memory().numTensors;
  const violations: string[] = [];
  try {
    violations.push(...(await conformanceCase.run({ random, tolerance })));
  } catch (error) {
    violations.push(`threw on backend '${tf.getBackend()}': ${describeError(error)}`);
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) violations.push(`left ${leaked} tensor(s) allocated (tf.memory().numTensors ${before} → ${before + leaked})`);
  return { name: conformanceCase.name, violations };
}

/**
 * Runs the backend conformance cases on the active TensorFlow.js backend and returns each
 * case's violations. {@link describeBackendConformance} wraps it in vitest tests.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { checkBackendConformance } from '@sparse/testing';
 *
 * await createRuntime({ backend: 'cpu' });
 * const failures = (await checkBackendConformance()).filter((result) => result.violations.length > 0);
 * console.log(failures);
 * ```
 */
export async function checkBackendConformance(options: BackendConformanceCheckOptions = {}): Promise<ConformanceCaseResult[]> {
  const results: ConformanceCaseResult[] = [];
  for (const conformanceCase of options.cases ?? BACKEND_CONFORMANCE_CASES) results.push(await runConformanceCase(conformanceCase, options));
  return results;
}
