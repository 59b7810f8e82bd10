import { echoValue, SparseError } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendAvailability } from './backend-availability.js';
import { BACKEND_CONFORMANCE_CASES } from './backend-conformance-cases.js';
import { runConformanceCase, type BackendConformanceCheckOptions } from './check-backend-conformance.js';

/**
 * Options of {@link describeBackendConformance}.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import type { BackendConformanceOptions } from '@sparse/testing';
 *
 * const options: BackendConformanceOptions = {
 *   name: 'cpu',
 *   activate: async () => {
 *     await createRuntime({ backend: 'cpu' });
 *   },
 * };
 * ```
 */
export interface BackendConformanceOptions extends BackendConformanceCheckOptions {
  /** The TensorFlow.js backend name `tf.getBackend()` must return once activated. */
  readonly name: string;
  /** Makes the backend the active one (typically `createRuntime({ backend: name, plugins })`). */
  readonly activate: () => Promise<unknown>;
  /** When given and not available, the whole suite is skipped with the reason in its name. */
  readonly availability?: BackendAvailability;
  /**
   * Cases this backend is known to fail, by case name, with the reason. They run as tests that
   * expect the mismatch, so a fix (or a regression elsewhere) is noticed.
   */
  readonly knownDeviations?: Readonly<Record<string, string>>;
}

/**
 * Declares a vitest suite that activates a backend and runs every backend conformance case on
 * it: one test per case, each asserting no mismatch against the plain-JavaScript reference and
 * no leaked tensor. Call it at the top level of a test file; use top-level `await` to probe an
 * optional backend first.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { nodeBackend, probeNodeBackend } from '@sparse/backend-node';
 * import { describeBackendConformance } from '@sparse/testing';
 *
 * describeBackendConformance({
 *   name: 'tensorflow',
 *   availability: await probeNodeBackend(),
 *   activate: () => createRuntime({ backend: 'tensorflow', plugins: [nodeBackend()] }),
 * });
 * ```
 */
export function describeBackendConformance(options: BackendConformanceOptions): void {
  const { name, activate, availability, knownDeviations = {}, ...checkOptions } = options;
  const cases = checkOptions.cases ?? BACKEND_CONFORMANCE_CASES;
  validate(name, knownDeviations, cases.map((c) => c.name));
  const unavailable = availability !== undefined && !availability.available;
  const title = `backend conformance: ${name}${unavailable ? ` (skipped: ${availability.reason ?? 'unavailable'})` : ''}`;
  describe.skipIf(unavailable)(title, () => {
    beforeAll(async () => {
      await activate();
    });
    for (const conformanceCase of cases) {
      const deviation = knownDeviations[conformanceCase.name];
      if (deviation === undefined) {
        it(conformanceCase.name, async () => {
          expect(tf.getBackend()).toBe(name);
          const { violations } = await runConformanceCase(conformanceCase, checkOptions);
          expect(violations).toEqual([]);
        });
      } else {
        it(`${conformanceCase.name} (known deviation on ${name}: ${deviation})`, async () => {
          expect(tf.getBackend()).toBe(name);
          const { violations } = await runConformanceCase(conformanceCase, checkOptions);
          expect(violations.filter((line) => line.startsWith('left ')), 'a known deviation must still not leak').toEqual([]);
          expect(violations.length, `'${conformanceCase.name}' now conforms on ${name}: remove it from knownDeviations`).toBeGreaterThan(0);
        });
      }
    }
  });
}

function validate(name: string, knownDeviations: Readonly<Record<string, string>>, caseNames: readonly string[]): void {
  if (typeof name !== 'string' || name === '') {
    throw new SparseError('E_CONFIG', `describeBackendConformance: name must be the backend's TensorFlow.js name (e.g. 'wasm'), got ${echoValue(name)}.`, {
      field: 'name',
      received: name,
    });
  }
  for (const key of Object.keys(knownDeviations)) {
    if (!caseNames.includes(key)) {
      throw new SparseError('E_CONFIG', `describeBackendConformance: knownDeviations names an unknown case '${key}'; cases: ${caseNames.join('; ')}.`, {
        field: 'knownDeviations',
        received: key,
        allowed: caseNames,
      });
    }
  }
}
