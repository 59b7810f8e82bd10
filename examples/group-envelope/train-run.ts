/**
 * One training run of the experiment: dense, GSEF or group lasso, with the prox after Adam, then
 * (for the regularized runs) the hard top-k selection and a short fine-tune with the masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { train, type MaskSet } from '@sparse/core';
import type { BatchLoader, ImageSet } from '@sparse/datasets';
import { groupLasso, gsef, type GroupProxEvent, type GroupProxRegularizer, type GroupSpec, type GroupTarget } from '@sparse/group-envelope';
import { modelParameters } from '@sparse/layers';
import { accuracy, createMlp, lossOf } from './mlp.js';

/** The groups: the hidden neurons, each with its bias (the output layer stays whole). */
export const HIDDEN_NEURONS: GroupSpec[] = [
  { kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' },
  { kind: 'dense-neurons', kernel: 'fc2/kernel', bias: 'fc2/bias' },
];

export interface RunSettings {
  readonly seed: number;
  readonly epochs: number;
  readonly fineTuneEpochs: number;
  readonly learningRate: number;
  readonly fineTuneLearningRate: number;
  readonly warmupEpochs: number;
  readonly target: GroupTarget;
  /** Record the nonzero groups every this many steps. */
  readonly recordEvery: number;
}

export interface RunResult {
  readonly method: 'dense' | 'gsef' | 'group-lasso';
  readonly lambda?: number;
  readonly model: tfl.Sequential;
  /** The masks of the hard selection (regularized runs). */
  readonly masks?: MaskSet;
  /** Nonzero groups per layer over training: step → [fc1, fc2]. */
  readonly history: readonly { readonly step: number; readonly nonzero: readonly number[] }[];
  /** Validation accuracy after each epoch (training, then fine-tune). */
  readonly validationCurve: readonly { readonly epoch: number; readonly accuracy: number }[];
  /** Nonzero groups per layer at the end of training, before the hard selection. */
  readonly nonzeroBeforeSelection?: readonly number[];
  /** Groups kept per layer by the hard selection, and nonzero after the fine-tune. */
  readonly kept?: readonly number[];
  readonly nonzeroAfterFineTune?: readonly number[];
  readonly testBeforeSelection: number;
  readonly testAfterSelection?: number;
  readonly testAfterFineTune?: number;
  readonly seconds: number;
}

export async function runMethod(
  method: RunResult['method'],
  lambda: number | undefined,
  settings: RunSettings,
  loader: BatchLoader,
  validation: ImageSet<Float32Array>,
  test: ImageSet<Float32Array>,
  log: (line: string) => void,
): Promise<RunResult> {
  const started = performance.now();
  const model = createMlp(settings.seed);
  const parameters = modelParameters(model);
  const loss = lossOf(model);
  const steps = loader.stepsPerEpoch;
  const history: { step: number; nonzero: number[] }[] = [];
  const curve: { epoch: number; accuracy: number }[] = [];
  const onStep = (event: GroupProxEvent): void => {
    if (event.step % settings.recordEvery === 0) history.push({ step: event.step, nonzero: event.sets.map((s) => s.nonzero) });
  };
  const common = { groups: HIDDEN_NEURONS, warmupSteps: settings.warmupEpochs * steps, onStep };
  let regularizer: GroupProxRegularizer | undefined;
  let gsefRegularizer: ReturnType<typeof gsef> | undefined;
  let lassoRegularizer: ReturnType<typeof groupLasso> | undefined;
  if (method === 'gsef') regularizer = gsefRegularizer = gsef({ ...common, lambda: lambda ?? 0, ...settings.target });
  if (method === 'group-lasso') regularizer = lassoRegularizer = groupLasso({ ...common, lambda: lambda ?? 0 });

  const epochHook = (offset: number) => ({
    onEpochEnd: (event: { epoch: number }) => {
      const value = accuracy(model, validation);
      curve.push({ epoch: offset + event.epoch + 1, accuracy: value });
      log(`  ${method} epoch ${offset + event.epoch + 1}: validation ${(100 * value).toFixed(2)} %`);
    },
  });
  const optimizer = tf.train.adam(settings.learningRate);
  await train({
    parameters,
    loss,
    optimizer,
    batches: (epoch) => loader.epoch(epoch),
    epochs: settings.epochs,
    disposeBatches: true,
    learningRate: settings.learningRate,
    ...(regularizer === undefined ? {} : { regularizers: [regularizer.bind(parameters)] }),
    hooks: epochHook(0),
  });
  optimizer.dispose();
  const testBeforeSelection = accuracy(model, test);
  if (regularizer === undefined) {
    return { method, model, history, validationCurve: curve, testBeforeSelection, seconds: (performance.now() - started) / 1000 };
  }

  const counts = regularizer.nonzeroGroups(parameters).map((c) => c.nonzero);
  const selection = gsefRegularizer?.selectTopGroups(parameters) ?? lassoRegularizer?.selectTopGroups(parameters, settings.target);
  if (selection === undefined) throw new Error('no selection');
  const { masks } = selection;
  // Zero the removed groups now (the fine-tune's optimizer would do it at its first step).
  tf.tidy(() => {
    for (const p of parameters) {
      const mask = masks.get(p.name);
      if (mask !== undefined) p.variable.assign(tf.mul(p.variable, mask));
    }
  });
  const testAfterSelection = accuracy(model, test);
  const fineTune = tf.train.adam(settings.fineTuneLearningRate);
  await train({
    parameters,
    loss,
    optimizer: fineTune,
    batches: (epoch) => loader.epoch(epoch),
    epochs: settings.fineTuneEpochs,
    initialEpoch: settings.epochs,
    initialStep: settings.epochs * steps,
    disposeBatches: true,
    masks,
    hooks: epochHook(0),
  });
  fineTune.dispose();
  const nonzeroAfter = regularizer.nonzeroGroups(parameters).map((c) => c.nonzero);
  return {
    method,
    ...(lambda === undefined ? {} : { lambda }),
    model,
    masks,
    history,
    validationCurve: curve,
    nonzeroBeforeSelection: counts,
    kept: selection.sets.map((s) => s.kept),
    nonzeroAfterFineTune: nonzeroAfter,
    testBeforeSelection,
    testAfterSelection,
    testAfterFineTune: accuracy(model, test),
    seconds: (performance.now() - started) / 1000,
  };
}
