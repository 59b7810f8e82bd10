import { fatalErrorReport, reportFatalErrors } from '@sparse/core';

/**
 * Prints an error and exits as every entry point does (`fatalErrorReport` of @sparse/core): a
 * SparseError as its one-line message with exit code 2 (usage) or 1, anything else with its stack
 * and exit code 1. Importing this module also routes uncaught errors and unhandled rejections
 * here, so nothing prints tfjs-backend-wasm's minified Emscripten module.
 */
export function exitOnError(error: unknown): never {
  const { text, exitCode } = fatalErrorReport(error, 'benchmark failed');
  process.stderr.write(`\n${text}`);
  process.exit(exitCode);
}

reportFatalErrors('benchmark failed');
