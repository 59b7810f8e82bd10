import { SparseError } from '../errors.js';

/**
 * Validation shared by the built-in schedules. Every failure is a `SparseError` with code
 * `E_CONFIG` whose message names the schedule, the field, the received value and the allowed
 * range, so a typo in an experiment config is caught when the schedule is built, not mid-run.
 */

/** Rejects option names the schedule does not know (a config typo would otherwise be ignored). */
export function rejectUnknownOptions(schedule: string, options: unknown, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SparseError('E_CONFIG', `${schedule}: options must be an object with ${allowed.join(', ')}; got ${describe(options)}.`, {
      field: 'options',
      received: options,
      allowed,
    });
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new SparseError('E_CONFIG', `${schedule}: unknown option '${key}'; allowed: ${allowed.join(', ')}.`, {
        field: key,
        received: key,
        allowed,
      });
    }
  }
}

/** An integer option in `[min, max]` (either bound optional), or its default when absent. */
export function integerOption(
  schedule: string,
  field: string,
  value: unknown,
  range: { readonly min?: number; readonly max?: number; readonly default?: number; readonly allowedText?: string },
): number {
  const resolved = value === undefined ? range.default : value;
  const allowedText = range.allowedText ?? integerRangeText(range.min, range.max);
  if (
    typeof resolved !== 'number' ||
    !Number.isSafeInteger(resolved) ||
    (range.min !== undefined && resolved < range.min) ||
    (range.max !== undefined && resolved > range.max)
  ) {
    throw new SparseError(
      'E_CONFIG',
      `${schedule}: ${field} must be ${allowedText}; got ${describe(value)}.`,
      { field, received: value, allowed: allowedText },
    );
  }
  return resolved;
}

/** A finite number in a half-open or closed interval, or its default when absent. */
export function numberOption(
  schedule: string,
  field: string,
  value: unknown,
  range: {
    readonly min: number;
    readonly max: number;
    readonly minExclusive?: boolean;
    readonly maxExclusive?: boolean;
    readonly default?: number;
  },
): number {
  const resolved = value === undefined ? range.default : value;
  const allowedText = `a number in ${range.minExclusive === true ? '(' : '['}${range.min}, ${range.max}${range.maxExclusive === true ? ')' : ']'}`;
  const ok =
    typeof resolved === 'number' &&
    Number.isFinite(resolved) &&
    (range.minExclusive === true ? resolved > range.min : resolved >= range.min) &&
    (range.maxExclusive === true ? resolved < range.max : resolved <= range.max);
  if (!ok) {
    throw new SparseError('E_CONFIG', `${schedule}: ${field} must be ${allowedText}; got ${describe(value)}.`, {
      field,
      received: value,
      allowed: allowedText,
    });
  }
  return resolved;
}

/**
 * tfmot's `end_step`: an integer ≥ `begin`, or `-1` ("forever") when `allowForever`. Any other
 * negative value is rejected, as tfmot's `_validate_step` does.
 */
export function endOption(schedule: string, value: unknown, begin: number, allowForever: boolean, fallback?: number): number {
  const allowedText = allowForever ? `-1 (forever) or an integer ≥ begin (${begin})` : `an integer ≥ begin (${begin}); -1 (forever) is not allowed here`;
  const resolved = value === undefined ? fallback : value;
  const ok =
    typeof resolved === 'number' &&
    Number.isSafeInteger(resolved) &&
    (resolved >= begin || (allowForever && resolved === -1));
  if (!ok) {
    throw new SparseError('E_CONFIG', `${schedule}: end must be ${allowedText}; got ${describe(value)}.`, {
      field: 'end',
      received: value,
      allowed: allowedText,
    });
  }
  return resolved;
}

/** Throws `E_ARGUMENT` for a step that is not a finite number (NaN would silently never prune). */
export function checkStep(schedule: string, step: number): void {
  if (!Number.isFinite(step)) {
    throw new SparseError('E_ARGUMENT', `${schedule}: step must be a finite number; got ${describe(step)}.`, {
      field: 'step',
      received: step,
      allowed: 'a finite number (an integer training step)',
    });
  }
}

/** `a mod n` with the sign of `n`, like Python's `%` and TensorFlow's `floormod`. */
export function floorMod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function integerRangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an integer in [${min}, ${max}]`;
  if (min !== undefined) return `an integer ≥ ${min}`;
  if (max !== undefined) return `an integer ≤ ${max}`;
  return 'an integer';
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the option is required)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
