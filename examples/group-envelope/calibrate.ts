/**
 * λ calibration for the experiment: short runs of GSEF and group lasso over a grid of λ, printing
 * the nonzero neurons per hidden layer at the end of training and the validation accuracy after
 * the hard selection and fine-tune (never the test set). Evidence for the λ the experiment uses.
 *
 *   cd examples && pnpm tsx group-envelope/calibrate.ts --epochs 4 --gsef 0.05,0.2,1 --gl 0.1,0.5
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createBatchLoader, loadFashionMnist, splitValidation } from '@sparse/datasets';
import { accuracy } from './mlp.js';
import { runMethod, type RunSettings } from './train-run.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/datasets/fashion-mnist' },
    epochs: { type: 'string', default: '4' },
    'fine-tune': { type: 'string', default: '1' },
    gsef: { type: 'string', default: '0.05,0.2,1' },
    gl: { type: 'string', default: '0.1,0.5' },
  },
});
await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
const data = await loadFashionMnist({ source: { dir: values.data } });
const { train: fit, validation } = splitValidation(data.train, { validationSize: 5000, seed: 1 });
const loader = createBatchLoader(fit, { batchSize: 128, seed: 1 });
const settings: RunSettings = {
  seed: 1,
  epochs: Number(values.epochs),
  fineTuneEpochs: Number(values['fine-tune']),
  learningRate: 1e-3,
  fineTuneLearningRate: 5e-4,
  warmupEpochs: 1,
  target: { targetGroupSparsity: 0.75 },
  recordEvery: 50,
};
const grid = [
  ...values.gsef.split(',').filter(Boolean).map((l) => ['gsef', Number(l)] as const),
  ...values.gl.split(',').filter(Boolean).map((l) => ['group-lasso', Number(l)] as const),
];
console.log(`${settings.epochs} + ${settings.fineTuneEpochs} epochs; method λ | nonzero fc1/fc2 | validation after fine-tune`);
for (const [method, lambda] of grid) {
  const run = await runMethod(method, lambda, settings, loader, validation, validation, () => {});
  console.log(`${method} λ=${lambda} | ${run.nonzeroBeforeSelection?.join('/')} | ${(100 * accuracy(run.model, validation)).toFixed(2)} % (${run.seconds.toFixed(0)} s)`);
  run.model.dispose();
  if (run.masks !== undefined) tf.dispose([...run.masks.values()]);
}
loader.dispose();
