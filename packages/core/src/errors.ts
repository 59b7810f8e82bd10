/**
 * Every {@link SparseErrorCode}, in one list (the type is derived from it):
 *
 * - `E_CONFIG`: a configuration or option value is invalid.
 * - `E_ARGUMENT`: a function argument is invalid (wrong shape, range or type).
 * - `E_PLUGIN`: a plugin is malformed or two plugins conflict.
 * - `E_NOT_FOUND`: a named implementation or backend is not registered.
 * - `E_BACKEND_UNAVAILABLE`: a backend is registered but cannot initialise here.
 * - `E_FROZEN`: something tried to change a runtime after it was created.
 * - `E_IO`: a file could not be read or written.
 * - `E_FORMAT`: a file or payload is not in the expected format.
 * - `E_INTERNAL`: an invariant of the library itself was broken (a bug).
 *
 * @example
 * ```ts
 * import { SPARSE_ERROR_CODES } from '@sparse/core';
 *
 * console.log(SPARSE_ERROR_CODES.includes('E_IO')); // true
 * ```
 */
export const SPARSE_ERROR_CODES = Object.freeze([
  'E_CONFIG',
  'E_ARGUMENT',
  'E_PLUGIN',
  'E_NOT_FOUND',
  'E_BACKEND_UNAVAILABLE',
  'E_FROZEN',
  'E_IO',
  'E_FORMAT',
  'E_INTERNAL',
] as const);

/**
 * Machine-readable codes carried by every {@link SparseError}: one of {@link SPARSE_ERROR_CODES},
 * which says what each means.
 *
 * @example
 * ```ts
 * import { SparseError, type SparseErrorCode } from '@sparse/core';
 *
 * function isConfigProblem(error: unknown): boolean {
 *   const code: SparseErrorCode = 'E_CONFIG';
 *   return error instanceof SparseError && error.code === code;
 * }
 * ```
 */
export type SparseErrorCode = (typeof SPARSE_ERROR_CODES)[number];

/**
 * Tells whether a value is one of the {@link SPARSE_ERROR_CODES}, e.g. the `code` of an error that
 * crossed a worker boundary as plain data.
 *
 * @example
 * ```ts
 * import { isSparseErrorCode } from '@sparse/core';
 *
 * console.log(isSparseErrorCode('E_IO'), isSparseErrorCode('ENOENT')); // true false
 * ```
 */
export function isSparseErrorCode(value: unknown): value is SparseErrorCode {
  return typeof value === 'string' && (SPARSE_ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Structured context attached to a {@link SparseError}: which field or name was wrong and what
 * would have been accepted.
 *
 * @example
 * ```ts
 * import type { SparseErrorDetails } from '@sparse/core';
 *
 * const details: SparseErrorDetails = { field: 'backend', received: 'gpu', allowed: ['cpu', 'wasm'] };
 * ```
 */
export interface SparseErrorDetails {
  /** The option, field or parameter that is wrong, as a dotted path (`pruning.sparsity`). */
  readonly field?: string;
  /** The value that was received, when it is safe to show. */
  readonly received?: unknown;
  /** The values or range that would have been accepted. */
  readonly allowed?: readonly unknown[] | string;
  /** Every problem found, when a whole config was checked at once (path, message, allowed values). */
  readonly issues?: readonly { readonly path: readonly (string | number)[]; readonly message: string; readonly allowed?: readonly unknown[] }[];
}

/**
 * The one error class thrown by every `@sparse` package. Its `code` says what kind of problem it
 * is, its message says what is wrong and how to fix it, and `details` carries the same facts in
 * machine-readable form.
 *
 * @example
 * ```ts
 * import { SparseError } from '@sparse/core';
 *
 * try {
 *   throw new SparseError('E_CONFIG', 'sparsity must be in [0, 1], got 1.5.', {
 *     field: 'sparsity',
 *     received: 1.5,
 *     allowed: '[0, 1]',
 *   });
 * } catch (error) {
 *   if (error instanceof SparseError && error.code === 'E_CONFIG') console.error(error.message);
 * }
 * ```
 */
export class SparseError extends Error {
  /** What kind of problem this is. */
  readonly code: SparseErrorCode;
  /** Machine-readable context: field, received value, allowed values. */
  readonly details: SparseErrorDetails;

  constructor(
    code: SparseErrorCode,
    message: string,
    details: SparseErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SparseError';
    this.code = code;
    this.details = details;
  }
}

/**
 * Tells whether a value is a {@link SparseError}, optionally of one code. Works across two
 * installed copies of `@sparse/core`, where `instanceof` would not.
 *
 * @example
 * ```ts
 * import { isSparseError } from '@sparse/core';
 *
 * try {
 *   JSON.parse('{');
 * } catch (error) {
 *   console.log(isSparseError(error, 'E_FORMAT')); // false: a SyntaxError
 * }
 * ```
 */
export function isSparseError(value: unknown, code?: SparseErrorCode): value is SparseError {
  if (!(value instanceof Error) || value.name !== 'SparseError') return false;
  const actual = (value as { code?: unknown }).code;
  return typeof actual === 'string' && (code === undefined || actual === code);
}
