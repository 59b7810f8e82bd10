import { isSparseError, type SparseErrorCode } from './errors.js';

/** Codes about how a program was called (its flags, its config): exit code 2, as a usage error. */
const USAGE_CODES: readonly SparseErrorCode[] = ['E_CONFIG', 'E_ARGUMENT', 'E_NOT_FOUND', 'E_PLUGIN'];

/**
 * The report of an error that ends a program, and its exit code: a `SparseError` is its message
 * alone (`<program>: <message>`, no stack trace: it is about the input, not the code), exit code
 * 2 for a usage problem (`E_CONFIG`, `E_ARGUMENT`, `E_NOT_FOUND`, `E_PLUGIN`) and 1 otherwise;
 * anything else is a bug, reported with its stack, exit code 1.
 *
 * @example
 * ```ts
 * import { SparseError, fatalErrorReport } from '@sparse/core';
 *
 * const { text, exitCode } = fatalErrorReport(new SparseError('E_CONFIG', '--epochs must be >= 1.'), 'bench');
 * console.log(text, exitCode); // 'bench: --epochs must be >= 1.\n' 2
 * ```
 */
export function fatalErrorReport(error: unknown, program: string): { readonly text: string; readonly exitCode: 1 | 2 } {
  if (isSparseError(error)) return { text: `${program}: ${error.message}\n`, exitCode: USAGE_CODES.includes(error.code) ? 2 : 1 };
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return { text: `${program}: ${text}\n`, exitCode: 1 };
}

/**
 * Makes a Node script report an error that nothing caught (a throw, an unhandled rejection) as
 * {@link fatalErrorReport} says, then exit with its code: one line for a `SparseError`, not a
 * stack trace. For entry points (the CLI's bin, example and bench scripts). Returns a function
 * that removes the handlers. Outside Node it does nothing.
 *
 * @param program - the name the report starts with (`sparse`, `bench/training`).
 *
 * @example
 * ```ts
 * import { SparseError, reportFatalErrors } from '@sparse/core';
 *
 * reportFatalErrors('my-script');
 * throw new SparseError('E_CONFIG', '--epochs must be >= 1.'); // prints "my-script: --epochs must be >= 1.", exit code 2
 * ```
 */
export function reportFatalErrors(program: string): () => void {
  if (typeof process === 'undefined' || typeof process.on !== 'function') return () => undefined;
  const report = (error: unknown): void => {
    const { text, exitCode } = fatalErrorReport(error, program);
    process.stderr.write(text);
    process.exit(exitCode);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
  return () => {
    process.removeListener('uncaughtException', report);
    process.removeListener('unhandledRejection', report);
  };
}
