/**
 * Prints an error in one short block and exits: tfjs-backend-wasm's Emscripten module rethrows
 * uncaught errors from its own handler, which makes Node print the whole minified module.
 */
export function exitOnError(error: unknown): never {
  console.error(`\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}

process.on('unhandledRejection', exitOnError);
