import { echoValue, SparseError } from '@sparse/core';

/** Throws `E_ARGUMENT` unless `factory` is a function. */
export function validateFactory(caller: string, factory: unknown): void {
  if (typeof factory !== 'function') {
    throw new SparseError('E_ARGUMENT', `${caller}: factory must be a function returning a fresh implementation, got ${typeof factory}.`, {
      field: 'factory',
      received: typeof factory,
      allowed: 'a function',
    });
  }
}

/** Throws `E_ARGUMENT` unless `seed` is absent or a non-negative safe integer. */
export function validateSeed(caller: string, seed: unknown): void {
  if (seed !== undefined && !(Number.isSafeInteger(seed) && (seed as number) >= 0)) {
    throw new SparseError('E_ARGUMENT', `${caller}: options.seed must be a non-negative integer, got ${String(seed)}.`, {
      field: 'seed',
      received: seed,
      allowed: 'a non-negative integer',
    });
  }
}

/** Throws `E_ARGUMENT` unless `steps` is absent or a non-empty, increasing list of non-negative integers. */
export function validateSteps(caller: string, steps: readonly number[] | undefined): void {
  if (steps === undefined) return;
  const bad = steps.findIndex((step, i) => !Number.isSafeInteger(step) || step < 0 || (i > 0 && step <= (steps[i - 1] ?? -1)));
  if (steps.length === 0 || bad >= 0) {
    throw new SparseError(
      'E_ARGUMENT',
      `${caller}: options.steps must be a non-empty, strictly increasing list of non-negative integers${bad >= 0 ? `; steps[${bad}] is ${steps[bad]}` : ''}.`,
      { field: bad >= 0 ? `steps[${bad}]` : 'steps', received: bad >= 0 ? steps[bad] : steps, allowed: 'increasing non-negative integers' },
    );
  }
}

/** Throws `E_ARGUMENT` unless `values` is absent or a non-empty list of allowed values. */
export function validateChoices(caller: string, field: string, values: readonly string[] | undefined, allowed: readonly string[]): void {
  if (values === undefined) return;
  const bad = values.find((value) => !allowed.includes(value));
  if (values.length === 0 || bad !== undefined) {
    throw new SparseError('E_ARGUMENT', `${caller}: options.${field} must list one or more of ${allowed.join(', ')}; got ${echoValue(values)}.`, {
      field,
      received: values,
      allowed,
    });
  }
}

/** Throws `E_ARGUMENT` unless `learningRate` is absent or a finite number > 0. */
export function validateLearningRate(caller: string, learningRate: unknown): void {
  if (learningRate !== undefined && !(typeof learningRate === 'number' && Number.isFinite(learningRate) && learningRate > 0)) {
    throw new SparseError('E_ARGUMENT', `${caller}: options.learningRate must be a finite number > 0 (0 is always checked), got ${String(learningRate)}.`, {
      field: 'learningRate',
      received: learningRate,
      allowed: '(0, ∞)',
    });
  }
}
