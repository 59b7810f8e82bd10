import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  captureAdamState,
  restoreAdamState,
  topOneAccuracy,
  train,
  type AdamState,
  type Batch,
  type EngineStepper,
  type LabelledExamples,
  type MaskSet,
  type NamedParameter,
  type RegularizerBinding,
  type SparseRuntime,
  type TrainOptions,
} from '@sparse/core';
import { resolveTrainingEngine, type JsonObject, type UnitContext } from '@sparse/experiments';
import { compactModel, maxOutputDifference, modelFlops, modelParameters } from '@sparse/layers';
import type { GroupEnvelopeExperimentConfig } from './config.js';
import type { ReplicateData } from './experiment-data.js';
import { groupRegularizerOf } from './group-regularizer-of.js';
import { decodeMethodCheckpoint, encodeMethodCheckpoint, type MethodCheckpoint, type MethodProgress } from './method-checkpoint.js';
import type { GroupEnvelopeMethodResult, NonzeroRecord, SelectionSummary } from './method-result.js';
import { masksForEngine, type EngineMasks } from './engine-masks.js';
import { createMlp, mlpLoss, mlpTrainableModel } from './mlp.js';
import { saveFinalModel } from './model-store.js';
import type { PlannedUnit } from './plan.js';
import { selectGroups } from './select-groups.js';

/** What a method unit needs besides its unit context. */
export interface MethodEnvironment {
  readonly config: GroupEnvelopeExperimentConfig;
  readonly runtime: SparseRuntime;
  readonly data: ReplicateData;
  /** Steps done within the unit, after each step. */
  readonly progress: (stepsDone: number) => void;
}

/** The batches of an epoch, stopping early (without making the next batch) once `signal` is aborted. */
function* epochBatches(data: ReplicateData, epoch: number, signal: AbortSignal): Generator<Batch> {
  for (let step = 0; step < data.loader.stepsPerEpoch; step += 1) {
    if (signal.aborted) return;
    yield data.loader.batch(epoch, step);
  }
}

const pad = (n: number): string => String(n).padStart(4, '0');

/** How a phase takes its Adam steps: `tf.train.adam` through core's `train` (no `engine` in the config), or a started training engine. */
interface Stepping {
  readonly optimizer?: tf.Optimizer;
  readonly stepper?: EngineStepper;
  /** Adam's state now, for a checkpoint (tfjs's layout either way). */
  adamState(): Promise<AdamState>;
  dispose(): Promise<void>;
}

/**
 * Trains one method from one seed as a resumable unit, epoch by epoch (a checkpoint after each):
 * Adam with the regularizer's proximal step after every update once `warmupEpochs` have passed;
 * then, for a regularizer, the hard selection of `k` groups per set at `targetGroupSparsity`, a
 * masked fine-tune with a fresh Adam, and compaction. The final weights and masks go to the run's
 * `models/` store (for the latency step). A resumed unit continues from its last epoch with the
 * same weights, optimizer state and records, so its output equals an uninterrupted one.
 *
 * With the config's `engine`, each phase steps through that training engine (started on the MLP
 * as a `TrainableModel`, from the checkpoint's Adam state when resuming): core's `train` runs the
 * proximal step between its steps, the fine-tune gives it the kernels' masks (see
 * `masksForEngine` for the biases'), and the output records the engine's name.
 */
export async function trainMethod(unit: PlannedUnit, environment: MethodEnvironment, context: UnitContext): Promise<GroupEnvelopeMethodResult> {
  const { config, runtime, data } = environment;
  const { method, seed } = unit;
  const model = createMlp(config.model.layerSizes, seed);
  const parameters = modelParameters(model);
  const loss = mlpLoss(model);
  const accuracy = (set: LabelledExamples): number => topOneAccuracy((x) => model.predict(x) as tf.Tensor, set);
  const shapes = new Map(parameters.map((p) => [p.name, [...p.variable.shape]] as const));
  const steps = data.loader.stepsPerEpoch;
  const regularizer = method.ref === undefined ? undefined : groupRegularizerOf(runtime, method.ref, method.field ?? 'methods');
  const binding = regularizer?.bind(parameters);
  const resume = context.resume === undefined ? undefined : decodeMethodCheckpoint(context.resume);
  const tags = { seed, method: method.label };
  let masks: MaskSet | undefined;
  try {
    if (resume !== undefined) restoreParameters(parameters, resume.parameters);
    let progress: MethodProgress = resume?.progress ?? { phase: 'train', epochsDone: 0, history: [], curve: [] };

    // A phase's Adam: tf.train.adam (the default path), or the config's engine started on the model
    // with the kernels' masks (its `adam` continues a checkpoint's state).
    let engineName: string | undefined;
    const startStepping = async (learningRate: number, initialStep: number, adam: AdamState | undefined, engineMasks: MaskSet): Promise<Stepping> => {
      if (config.engine === undefined) {
        const optimizer = tf.train.adam(learningRate);
        try {
          if (adam !== undefined) await restoreAdamState(optimizer, adam);
        } catch (error) {
          optimizer.dispose();
          throw error;
        }
        return { optimizer, adamState: () => captureAdamState(optimizer), dispose: async () => optimizer.dispose() };
      }
      const trainable = mlpTrainableModel(parameters, loss);
      const engine = resolveTrainingEngine(runtime, config.engine, trainable, [...engineMasks.keys()]);
      const stepper = await engine.start(trainable, engineMasks, { learningRate, initialStep, batchSize: config.batchSize, ...(adam === undefined ? {} : { adam }) });
      engineName = engine.name;
      return { stepper, adamState: () => stepper.adamState(), dispose: () => stepper.dispose() };
    };

    const epoch = async (
      stepping: Stepping,
      index: number,
      options: { readonly binding?: RegularizerBinding; readonly masks?: MaskSet; readonly keeper?: RegularizerBinding; readonly learningRate: number },
      history: NonzeroRecord[],
    ): Promise<void> => {
      const done = index * steps;
      const record = options.binding === undefined || regularizer === undefined ? undefined : regularizer;
      // With an engine, the masks are the engine's (the kernels') and the keeper's (the rest): only proximal steps go to train.
      const regularizers = [options.binding, stepping.stepper === undefined ? undefined : options.keeper].filter((r): r is RegularizerBinding => r !== undefined);
      const stepOptions: Pick<TrainOptions, 'optimizer' | 'engine' | 'learningRate' | 'regularizers' | 'masks'> =
        stepping.stepper === undefined
          ? { optimizer: stepping.optimizer as tf.Optimizer, learningRate: options.learningRate, ...(regularizers.length === 0 ? {} : { regularizers }), ...(options.masks === undefined ? {} : { masks: options.masks }) }
          : { engine: stepping.stepper, ...(regularizers.length === 0 ? {} : { regularizers, learningRate: options.learningRate }) };
      await train({
        parameters,
        loss,
        ...stepOptions,
        batches: (e) => epochBatches(data, e, context.signal),
        epochs: 1,
        initialEpoch: index,
        initialStep: index * steps,
        disposeBatches: true,
        ...(record === undefined
          ? {}
          : {
              hooks: {
                onStepEnd: ({ step }) => {
                  if (step % config.recordEvery === 0) history.push({ step, nonzero: record.nonzeroGroups(parameters).map((c) => c.nonzero) });
                },
              },
            }),
        onProgress: (p) => environment.progress(done + p.stepsDone),
      });
      stepping.stepper?.sync();
      context.signal.throwIfAborted();
    };

    if (progress.phase === 'train') {
      const adam = await startStepping(config.learningRate, progress.epochsDone * steps, resume?.adam, new Map());
      try {
        const history = [...progress.history];
        const curve = [...progress.curve];
        for (let index = progress.epochsDone; index < config.epochs; index += 1) {
          const proximal = binding !== undefined && index >= config.warmupEpochs;
          await epoch(adam, index, { ...(proximal ? { binding } : {}), learningRate: config.learningRate }, history);
          const value = accuracy(data.validation);
          curve.push({ epoch: index + 1, accuracy: value });
          const nonzero = proximal && regularizer !== undefined ? { nonzero: regularizer.nonzeroGroups(parameters).map((c) => c.nonzero) } : {};
          await context.metric({ ...tags, phase: 'train', epoch: index + 1, validationAccuracy: value, ...nonzero });
          progress = { phase: 'train', epochsDone: index + 1, history: [...history], curve: [...curve] };
          await context.checkpoint(`train/epoch-${pad(index + 1)}`, encodeMethodCheckpoint({ progress, parameters: await readParameters(parameters), adam: await adam.adamState() }, shapes));
        }
      } finally {
        await adam.dispose();
      }
    }
    const engineRecord = (): { engine?: string } => (config.engine === undefined || engineName === undefined ? {} : { engine: engineName });

    if (regularizer === undefined) {
      const testBeforeSelection = accuracy(data.test);
      await saveFinalModel(context, parameters, shapes, undefined);
      return { ...denseResult(unit, model, progress, testBeforeSelection, config.model.layerSizes), ...engineRecord() };
    }

    let selection: SelectionSummary;
    if (progress.phase === 'train' || resume?.masks === undefined) {
      const counts = regularizer.nonzeroGroups(parameters);
      const testBeforeSelection = accuracy(data.test);
      const selected = selectGroups(regularizer, parameters, config.targetGroupSparsity);
      masks = selected.selection.masks;
      applyMasks(parameters, masks);
      selection = {
        testBeforeSelection,
        testAfterSelection: accuracy(data.test),
        sets: selected.selection.sets.map((set, s) => ({ name: set.name, groups: set.groups, k: selected.k[s] ?? set.kept, nonzeroBeforeSelection: counts[s]?.nonzero ?? 0, kept: set.kept })),
      };
      await context.metric({ ...tags, event: 'selection', ...(selection as unknown as JsonObject) });
      progress = { phase: 'fine-tune', epochsDone: 0, history: progress.history, curve: progress.curve, selection };
    } else {
      masks = new Map([...resume.masks].map(([name, { shape, values }]) => [name, tf.tensor(values, [...shape], 'float32')] as const));
      selection = progress.selection as SelectionSummary;
    }

    // The masks were applied above (or restored with the weights), as masksForEngine needs.
    const split: EngineMasks = config.engine === undefined ? { engineMasks: new Map() } : masksForEngine(mlpTrainableModel(parameters, loss), masks);
    const fineTune = await startStepping(config.fineTuneLearningRate, (config.epochs + progress.epochsDone) * steps, resume?.progress.phase === 'fine-tune' ? resume.adam : undefined, split.engineMasks);
    try {
      const curve = [...progress.curve];
      const maskValues = await readMasks(masks);
      for (let index = progress.epochsDone; index < config.fineTuneEpochs; index += 1) {
        await epoch(fineTune, config.epochs + index, { masks, ...(split.keeper === undefined ? {} : { keeper: split.keeper }), learningRate: config.fineTuneLearningRate }, []);
        const value = accuracy(data.validation);
        curve.push({ epoch: config.epochs + index + 1, accuracy: value });
        await context.metric({ ...tags, phase: 'fine-tune', epoch: config.epochs + index + 1, validationAccuracy: value });
        progress = { ...progress, epochsDone: index + 1, curve: [...curve] };
        const checkpoint: MethodCheckpoint = { progress, parameters: await readParameters(parameters), adam: await fineTune.adamState(), masks: maskValues };
        await context.checkpoint(`fine-tune/epoch-${pad(index + 1)}`, encodeMethodCheckpoint(checkpoint, shapes));
      }
    } finally {
      await fineTune.dispose();
    }

    const after = regularizer.nonzeroGroups(parameters);
    const testAfterFineTune = accuracy(data.test);
    const compaction = compactionOf(model, masks, data.test);
    await saveFinalModel(context, parameters, shapes, masks);
    const result: GroupEnvelopeMethodResult = {
      seed,
      method: method.label,
      regularizer: method.ref ?? null,
      ...engineRecord(),
      history: progress.history,
      validationCurve: progress.curve,
      testBeforeSelection: selection.testBeforeSelection,
      testAfterSelection: selection.testAfterSelection,
      testAfterFineTune,
      testFinal: testAfterFineTune,
      sets: selection.sets.map((set, s) => ({ ...set, nonzeroAfterFineTune: after[s]?.nonzero ?? 0 })),
      compaction,
    };
    await context.metric({ ...tags, event: 'final', testFinal: testAfterFineTune, nonzero: result.sets.map((set) => set.nonzeroAfterFineTune) });
    return result;
  } finally {
    if (masks !== undefined) tf.dispose([...masks.values()]);
    model.dispose();
  }
}

function denseResult(unit: PlannedUnit, model: tfl.LayersModel, progress: MethodProgress, test: number, layerSizes: readonly number[]): GroupEnvelopeMethodResult {
  const parameters = model.countParams();
  const flops = modelFlops(model);
  return {
    seed: unit.seed,
    method: unit.method.label,
    regularizer: null,
    history: progress.history,
    validationCurve: progress.curve,
    testBeforeSelection: test,
    testAfterSelection: null,
    testAfterFineTune: null,
    testFinal: test,
    sets: [],
    compaction: { widths: [...layerSizes], parameters: { before: parameters, after: parameters }, flops: { before: flops, after: flops }, difference: 0 },
  };
}

function compactionOf(model: tfl.LayersModel, masks: MaskSet, test: ReplicateData['test']): GroupEnvelopeMethodResult['compaction'] {
  const result = compactModel(model, { masks });
  try {
    const inputs = result.model.inputs[0]?.shape[1] ?? 0;
    return {
      widths: [inputs as number, ...result.layers.map((layer) => layer.unitsAfter)],
      parameters: result.parameters,
      flops: result.flops,
      difference: maxOutputDifference(model, result.model, test),
    };
  } finally {
    result.model.dispose();
  }
}

/** Multiplies each masked parameter by its mask now (the removed groups become exact zeros). */
function applyMasks(parameters: readonly NamedParameter[], masks: MaskSet): void {
  tf.tidy(() => {
    for (const p of parameters) {
      const mask = masks.get(p.name);
      if (mask !== undefined) p.variable.assign(tf.mul(p.variable, mask));
    }
  });
}

function restoreParameters(parameters: readonly NamedParameter[], values: ReadonlyMap<string, Float32Array>): void {
  for (const p of parameters) {
    const saved = values.get(p.name);
    if (saved === undefined) throw new Error(`the checkpoint has no values for ${p.name}`);
    tf.tidy(() => p.variable.assign(tf.tensor(saved, p.variable.shape, 'float32')));
  }
}

async function readParameters(parameters: readonly NamedParameter[]): Promise<Map<string, Float32Array>> {
  const values = new Map<string, Float32Array>();
  for (const p of parameters) values.set(p.name, Float32Array.from(await p.variable.data()));
  return values;
}

async function readMasks(masks: MaskSet): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  const values = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [name, mask] of masks) values.set(name, { shape: [...mask.shape], values: Float32Array.from(await mask.data()) });
  return values;
}
