/**
 * Vitest setup file (vitest.config.ts `setupFiles`): tfjs's production mode for the tests.
 *
 * tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js…" on its first
 * tensor under `IS_NODE`, through tfjs-core's `warn`, which is silent when the `PROD` flag (or
 * `IS_TEST`) is set. `PROD` changes nothing else in tfjs 4.22 (it only gates `log` and `warn`);
 * `IS_TEST` would also turn on tfjs's own per-kernel leak checks, which is not what we test. So
 * every test file runs without that banner, and `console` is untouched: any warning of ours, or a
 * test that spies on `console.warn`, behaves as before.
 */
import * as tf from '@tensorflow/tfjs-core';

tf.enableProdMode();
