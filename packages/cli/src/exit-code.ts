import { isSparseError } from '@sparse/core';
import { EXIT_FAILURE, EXIT_USAGE } from './command.js';

const USAGE_CODES = new Set(['E_CONFIG', 'E_ARGUMENT', 'E_NOT_FOUND', 'E_PLUGIN']);

/**
 * The exit code for an error thrown by a command: {@link EXIT_USAGE} (2) for `SparseError`s
 * about the invocation (`E_CONFIG`, `E_ARGUMENT`, `E_NOT_FOUND`), {@link EXIT_FAILURE} (1) for
 * everything else (files that cannot be read or written, malformed files, bugs).
 *
 * @example
 * ```ts
 * import { SparseError } from '@sparse/core';
 * import { exitCodeOf } from '@sparse/cli';
 *
 * console.log(exitCodeOf(new SparseError('E_CONFIG', 'bad flag'))); // 2
 * console.log(exitCodeOf(new SparseError('E_FORMAT', 'bad file'))); // 1
 * ```
 */
export function exitCodeOf(error: unknown): number {
  return isSparseError(error) && USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
}
