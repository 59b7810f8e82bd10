// Runs in headless Chromium from an esbuild bundle: a runtime on wasm, a transposed matMul through
// the fast kernels, and a gradient. Posts what it saw back to the test's server.
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';

async function main(): Promise<Record<string, unknown>> {
  const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  const a = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
  const b = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const product = tf.matMul(a, b, true, false);
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2]));
  return { backend: runtime.backend, product: Array.from(await product.data()), gradient: Array.from(await gradient.data()) };
}

main()
  .then((result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) }))
  .catch((error: unknown) => fetch('/result', { method: 'POST', body: JSON.stringify({ error: String(error) }) }));
