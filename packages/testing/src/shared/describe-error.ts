const MISSING_GRADIENT = /gradient function not found for (\w+)/;

/**
 * The message of an error, with the fix appended when TensorFlow.js has no gradient registered
 * (tfjs-core alone registers none; `createRuntime` from `@sparse/core` registers them).
 */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const kernel = MISSING_GRADIENT.exec(message)?.[1];
  if (kernel === undefined) return message;
  return `${message} (no gradient is registered for ${kernel}: create the runtime first, \`await createRuntime({ backend })\` from @sparse/core registers them, or load '@tensorflow/tfjs' once in the test setup)`;
}
