// Worker threads started by tests preload register-source-aliases.mjs, which imports this: under
// Vitest (workers inherit its VITEST environment variable) tfjs runs in production mode, as the
// setup file quiet-tfjs.ts sets it in the test process, so no worker prints tfjs-backend-cpu's
// "running TensorFlow.js in Node.js" banner. tfjs's flags live on its one global engine.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

if (process.env.VITEST !== undefined) {
  const tfjsCore = createRequire(new URL('../../package.json', import.meta.url)).resolve('@tensorflow/tfjs-core');
  const tf = await import(pathToFileURL(tfjsCore).href);
  tf.enableProdMode();
}
