import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Batch } from '../contracts/batch.js';
import type { MaskSet } from '../contracts/mask.js';
import { DEFAULT_PRUNABLE_ROLES, type NamedParameter } from '../contracts/parameter.js';
import type { MaskUpdateRule } from '../contracts/mask-update-rule.js';
import type { EngineMaskAccess, EngineStepper } from '../contracts/training-engine.js';
import { SparseError } from '../errors.js';
import { withMasks, type MaskedOptimizer } from './masked-optimizer.js';
import { maskedOptimizerAccess } from './masked-optimizer-access.js';
import { applyMaskUpdate, maskUpdateSeed } from './mask-update-step.js';
import { pruneStepSeed } from './prune-step-seed.js';
import { learningRateAt, proximalContext, runProximalSteps } from './proximal-steps.js';
import { bindRegularizers, type RegularizerBinding } from './regularizer-binding.js';
import type { BatchSource, GradualPruning, TrainOptions, TrainResult } from './train-types.js';

/**
 * A training loop for experiments on plain tfjs variables: masked updates (see
 * {@link withMasks}), regularizers, gradual pruning, hooks, progress and cancellation.
 *
 * Each step:
 * 1. stops if `signal` is aborted (the result then says `aborted: true`);
 * 2. if `pruning.schedule.isUpdateStep(step)`: scores the pruned parameters (with this step's batch
 *    and the loss, or `pruning.scoring`), prunes them to `schedule.sparsityAt(step)`, swaps the
 *    masks and zeroes the newly pruned weights — before the step's update, as tfmot does;
 * 3. if `maskUpdates.rule.isUpdateStep(step, totalSteps)`: runs `applyMaskUpdate` on the engine's
 *    `maskAccess` (or the masked optimizer's) with this step's batch and seed
 *    `maskUpdateSeed(seed, step)`, then `hooks.onMaskUpdate` (dynamic sparse training: RigL, SET);
 * 4. runs one optimizer update inside one `tf.tidy` (masked gradients, update, `w ← m ⊙ w`,
 *    proximal steps) — or, when `engine` is given instead of `optimizer`, awaits the started
 *    training engine's `step(batch)`, then, with `regularizers`, `engine.sync()`, the proximal
 *    steps with the optimizer path's {@link StepContext} (step, epoch, `learningRate`) and the
 *    engine's masks, and `engine.reload()`;
 * 5. calls `hooks.onStepEnd` and `onProgress`.
 *
 * Nothing is read back from the backend unless a hook asks (`readLoss()`, `readMeanLoss()`); the
 * loss tensor is only kept when `onStepEnd` or `onEpochEnd` exists. Mask tensors are reused until
 * the next prune; replaced masks that the loop made are disposed at once.
 *
 * Steps are absolute (`initialStep` + steps run): schedules, regularizers and seeds see the same
 * numbers in a resumed run. With `steps`, an epoch cut short by the step limit counts as done only
 * when its last batch ran and the batch source is an array.
 *
 * @throws SparseError `E_CONFIG` / `E_ARGUMENT` for invalid options (checked before any work), or
 * when a batch source yields no batch in an epoch. Errors of hooks, scorers and pruners propagate
 * after the loop has disposed what it made.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { train, polynomialDecay, type NamedParameter, type Scorer, type Pruner, type Batch } from '@sparse/core';
 *
 * declare const magnitude: Scorer;
 * declare const pruner: Pruner;
 * declare const batches: Batch[];
 * const w1 = tf.variable(tf.randomNormal([784, 300], 0, 0.05));
 * const w2 = tf.variable(tf.randomNormal([300, 10], 0, 0.05));
 * const parameters: NamedParameter[] = [
 *   { name: 'fc1/kernel', role: 'dense-kernel', variable: w1 },
 *   { name: 'fc2/kernel', role: 'dense-kernel', variable: w2 },
 * ];
 * const result = await train({
 *   parameters,
 *   loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)),
 *   optimizer: tf.train.adam(1e-3),
 *   batches,
 *   epochs: 5,
 *   pruning: { scorer: magnitude, pruner, schedule: polynomialDecay({ finalSparsity: 0.9, end: 2000 }) },
 *   hooks: { onEpochEnd: async (e) => console.log(e.epoch, await e.readMeanLoss()) },
 * });
 * // result.masks holds the final masks; dispose the ones you did not pass in
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const config = validateTrainOptions(options);
  const { parameters, hooks, signal, pruning } = config;
  const userMasks = new Set<Tensor>(options.masks?.values() ?? []);
  const owned = new Set<Tensor>();
  const { engine } = options;
  const optimizer: MaskedOptimizer | undefined =
    options.optimizer === undefined
      ? undefined
      : withMasks(options.optimizer, {
          parameters,
          masks: options.masks ?? new Map(),
          regularizers: options.regularizers ?? [],
          initialStep: config.initialStep,
          ...(options.learningRate === undefined ? {} : { learningRate: options.learningRate }),
        });
  const masksInForce = (): MaskSet => optimizer?.masks ?? new Map();
  const maskUpdates = config.maskUpdates;
  const access: EngineMaskAccess | undefined =
    maskUpdates === undefined
      ? undefined
      : optimizer === undefined
        ? engine?.maskAccess
        : maskedOptimizerAccess(optimizer, {
            loss: options.loss,
            // As a prune: masks the loop made belong to it until replaced, then to the caller.
            onMasksReplaced: (fresh, replaced) => {
              for (const mask of fresh.values()) owned.add(mask);
              for (const mask of replaced.values()) if (owned.delete(mask)) mask.dispose();
            },
          });
  // With engine: the proximal steps the loop runs between the engine's steps, and the engine's masks they see.
  const engineProximal: readonly RegularizerBinding[] = engine === undefined ? [] : bindRegularizers(options.regularizers ?? [], parameters);
  let engineMasks: MaskSet | undefined;
  const masksForProximal = (): MaskSet => {
    if (engineMasks === undefined) {
      const read = engine?.maskAccess?.readMasks() ?? new Map<string, Float32Array>();
      const shapes = engine?.maskAccess?.shapes;
      engineMasks = new Map([...read].map(([name, values]) => [name, tf.tensor(values, [...(shapes?.get(name) ?? [values.length])], 'float32')] as const));
    }
    return engineMasks;
  };
  const dropEngineMasks = (): void => {
    if (engineMasks !== undefined) tf.dispose([...engineMasks.values()]);
    engineMasks = undefined;
  };
  const variables = parameters.map((p) => p.variable);
  const keepStepLoss = optimizer !== undefined && (hooks.onStepEnd !== undefined || hooks.onEpochEnd !== undefined);
  const started = performance.now();

  let stepsDone = 0;
  let epochsDone = 0;
  let prunes = 0;
  let updates = 0;
  let aborted = false;
  let lastPruneSparsity: number | undefined;
  let epochLoss: Scalar | undefined;

  const prune = async (step: number, epoch: number, batch: Batch): Promise<void> => {
    if (pruning === undefined || optimizer === undefined) return;
    const current = optimizer.masks;
    const sparsity = pruning.schedule.sparsityAt(step);
    const scores = await pruning.scorer.score({
      batch,
      loss: options.loss,
      ...pruning.scoring,
      parameters: pruning.parameters,
      masks: current,
      seed: pruneStepSeed(config.seed, step),
    });
    let fresh: MaskSet;
    try {
      fresh = await pruning.pruner.prune({ parameters: pruning.parameters, scores, masks: current, target: { scope: 'layerwise', ...pruning.target, sparsity } });
    } finally {
      tf.dispose([...scores.values()]);
    }
    const next = new Map(current);
    for (const [name, mask] of fresh) next.set(name, mask);
    try {
      optimizer.setMasks(next);
    } catch (error) {
      tf.dispose([...fresh.values()].filter((mask) => !userMasks.has(mask) && !owned.has(mask)));
      throw error;
    }
    for (const mask of fresh.values()) if (!userMasks.has(mask)) owned.add(mask);
    const inForce = new Set(next.values());
    for (const mask of current.values()) {
      if (owned.has(mask) && !inForce.has(mask)) {
        owned.delete(mask);
        mask.dispose();
      }
    }
    prunes += 1;
    lastPruneSparsity = sparsity;
    await hooks.onPrune?.({ step, epoch, sparsity, masks: next });
  };

  try {
    if (engineProximal.length > 0) masksForProximal();
    await hooks.onTrainBegin?.({ step: config.initialStep, masks: masksInForce() });
    for (let epoch = config.initialEpoch; ; epoch += 1) {
      if (config.epochs !== undefined && epochsDone >= config.epochs) break;
      if (config.steps !== undefined && stepsDone >= config.steps) break;
      if (isAborted(signal)) {
        aborted = true;
        break;
      }
      if (optimizer !== undefined) optimizer.epoch = epoch;
      await hooks.onEpochBegin?.({ epoch, step: config.initialStep + stepsDone });
      const source = typeof config.batches === 'function' ? config.batches(epoch) : config.batches;
      const length = Array.isArray(source) ? source.length : undefined;
      let batchIndex = 0;
      let sourceDone = true;
      for await (const batch of source) {
        if (isAborted(signal)) {
          aborted = true;
          sourceDone = false;
          if (config.disposeBatches) tf.dispose([batch.x, batch.y]);
          break;
        }
        const step = config.initialStep + stepsDone;
        if (pruning?.schedule.isUpdateStep(step) === true) await prune(step, epoch, batch);
        if (maskUpdates !== undefined && access !== undefined && maskUpdates.rule.isUpdateStep(step, maskUpdates.totalSteps)) {
          try {
            const summary = await applyMaskUpdate(access, maskUpdates.rule, { step, totalSteps: maskUpdates.totalSteps, seed: maskUpdateSeed(config.seed, step), batch });
            updates += 1;
            if (engineMasks !== undefined) {
              dropEngineMasks();
              masksForProximal();
            }
            await hooks.onMaskUpdate?.({ ...summary, epoch });
          } catch (error) {
            if (config.disposeBatches) tf.dispose([batch.x, batch.y]);
            throw error;
          }
        }
        let stepLoss: Scalar | null = null;
        if (optimizer !== undefined) {
          stepLoss = runStep(optimizer, () => options.loss(batch), keepStepLoss, variables);
        } else {
          try {
            await engine?.step(batch);
            if (engine !== undefined && engineProximal.length > 0) {
              engine.sync();
              runProximalSteps(engineProximal, proximalContext(step, epoch, learningRateAt(options.learningRate, step)), masksForProximal());
              engine.reload?.();
            }
          } catch (error) {
            if (config.disposeBatches) tf.dispose([batch.x, batch.y]);
            throw error;
          }
        }
        stepsDone += 1;
        batchIndex += 1;
        try {
          if (stepLoss !== null && hooks.onEpochEnd !== undefined) {
            const sum: Scalar = epochLoss === undefined ? tf.clone(stepLoss) : tf.add(epochLoss, stepLoss);
            epochLoss?.dispose();
            epochLoss = sum;
          }
          if (hooks.onStepEnd !== undefined) {
            await hooks.onStepEnd({ step, epoch, batchIndex: batchIndex - 1, readLoss: () => readScalar(stepLoss, 'readLoss', engine) });
          }
        } finally {
          stepLoss?.dispose();
          if (config.disposeBatches) tf.dispose([batch.x, batch.y]);
        }
        options.onProgress?.(progress(step, epoch));
        if (config.steps !== undefined && stepsDone >= config.steps) {
          sourceDone = length !== undefined && batchIndex === length;
          break;
        }
      }
      if (aborted) break;
      if (batchIndex === 0) {
        throw new SparseError(
          'E_ARGUMENT',
          `train: batches yielded no batch in epoch ${epoch}; to run several epochs pass an array or a function (epoch) => batches, not a one-shot iterator.`,
          { field: 'batches' },
        );
      }
      if (!sourceDone) break;
      epochsDone += 1;
      if (hooks.onEpochEnd !== undefined) {
        const sum = epochLoss;
        const steps = batchIndex;
        await hooks.onEpochEnd({
          epoch,
          step: config.initialStep + stepsDone - 1,
          steps,
          readMeanLoss: async () => (await readScalar(sum ?? null, 'readMeanLoss', engine)) / steps,
        });
      }
      epochLoss?.dispose();
      epochLoss = undefined;
    }
  } catch (error) {
    tf.dispose([...owned]);
    throw error;
  } finally {
    epochLoss?.dispose();
    dropEngineMasks();
  }

  const result: TrainResult = {
    stepsDone,
    nextStep: config.initialStep + stepsDone,
    epochsDone,
    masks: masksInForce(),
    aborted,
    prunes,
    maskUpdates: updates,
  };
  await hooks.onTrainEnd?.(result);
  return result;

  function progress(step: number, epoch: number): Parameters<NonNullable<TrainOptions['onProgress']>>[0] {
    const elapsedMs = performance.now() - started;
    const fraction =
      config.totalSteps !== undefined
        ? Math.min(1, stepsDone / config.totalSteps)
        : config.epochs !== undefined && config.epochs > 0
          ? Math.min(1, epochsDone / config.epochs)
          : undefined;
    return {
      step,
      stepsDone,
      epoch,
      elapsedMs,
      ...(config.totalSteps === undefined ? {} : { totalSteps: config.totalSteps }),
      ...(fraction === undefined ? {} : { fraction }),
      ...(lastPruneSparsity === undefined ? {} : { targetSparsity: lastPruneSparsity }),
    };
  }
}

/** One optimizer update inside one `tf.tidy`; the loss survives it only when asked for. */
function runStep(optimizer: MaskedOptimizer, f: () => Scalar, keepLoss: boolean, variables: Variable[]): Scalar | null {
  if (!keepLoss) {
    tf.tidy(() => {
      optimizer.minimize(f, false, variables);
    });
    return null;
  }
  return tf.tidy(() => {
    const loss = optimizer.minimize(f, true, variables);
    if (loss === null) throw new SparseError('E_INTERNAL', 'train: the optimizer returned no loss although it was asked to.');
    return loss;
  });
}

/** Reads `signal.aborted` through a call, so TypeScript does not narrow it across awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

async function readScalar(tensor: Scalar | null, what: string, engine: EngineStepper | undefined): Promise<number> {
  if (engine !== undefined) {
    throw new SparseError('E_CONFIG', `train: ${what}() is not available when training steps through an engine (its steps return no loss).`, {
      field: what,
    });
  }
  if (tensor === null || tensor.isDisposed) {
    throw new SparseError('E_ARGUMENT', `train: ${what}() must be called before the hook returns.`, { field: what });
  }
  const values = await tensor.data();
  return values[0] ?? Number.NaN;
}

interface ResolvedPruning extends GradualPruning {
  readonly parameters: readonly NamedParameter[];
}

interface ResolvedTrainOptions {
  readonly parameters: readonly NamedParameter[];
  readonly batches: BatchSource;
  readonly steps: number | undefined;
  readonly epochs: number | undefined;
  readonly totalSteps: number | undefined;
  readonly initialStep: number;
  readonly initialEpoch: number;
  readonly seed: number;
  readonly disposeBatches: boolean;
  readonly hooks: NonNullable<TrainOptions['hooks']>;
  readonly signal: AbortSignal | undefined;
  readonly pruning: ResolvedPruning | undefined;
  readonly maskUpdates: { readonly rule: MaskUpdateRule; readonly totalSteps: number } | undefined;
}

function validateTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (typeof options !== 'object' || options === null) {
    throw new SparseError('E_ARGUMENT', 'train: expected an options object.', { field: 'options' });
  }
  const { parameters } = options;
  if (!Array.isArray(parameters) || parameters.length === 0) {
    throw new SparseError('E_CONFIG', 'train: parameters must be a non-empty array of NamedParameter.', { field: 'parameters' });
  }
  const names = new Set<string>();
  for (const parameter of parameters as readonly NamedParameter[]) {
    if (names.has(parameter.name)) {
      throw new SparseError('E_CONFIG', `train: two parameters are named '${parameter.name}'; names key the masks and must be unique.`, {
        field: 'parameters',
        received: parameter.name,
      });
    }
    names.add(parameter.name);
  }
  if (typeof options.loss !== 'function') {
    throw new SparseError('E_CONFIG', 'train: loss must be a function (batch) => scalar.', { field: 'loss' });
  }
  if (options.engine === undefined) {
    if (!(options.optimizer instanceof tf.Optimizer)) {
      throw new SparseError('E_CONFIG', 'train: optimizer must be a tf.Optimizer such as tf.train.adam(1e-3).', { field: 'optimizer' });
    }
  } else {
    validateEngine(options);
  }
  const { batches } = options;
  const iterable =
    typeof batches === 'function' ||
    (typeof batches === 'object' && batches !== null && (Symbol.iterator in batches || Symbol.asyncIterator in batches));
  if (!iterable) {
    throw new SparseError('E_CONFIG', 'train: batches must be an array, an iterable, an async iterable or a function (epoch) => batches.', {
      field: 'batches',
    });
  }
  const steps = optionalCount('steps', options.steps);
  const epochs = optionalCount('epochs', options.epochs);
  if (steps === undefined && epochs === undefined) {
    throw new SparseError('E_CONFIG', 'train: give steps or epochs (or both: training stops at whichever comes first).', {
      field: 'steps',
      allowed: 'an integer ≥ 0',
    });
  }
  const perEpoch = Array.isArray(batches) ? batches.length : undefined;
  const epochSteps = epochs !== undefined && perEpoch !== undefined ? epochs * perEpoch : undefined;
  const totalSteps = steps === undefined ? epochSteps : epochSteps === undefined ? steps : Math.min(steps, epochSteps);
  const initialStep = optionalCount('initialStep', options.initialStep) ?? 0;
  return {
    parameters,
    batches,
    steps,
    epochs,
    totalSteps,
    initialStep,
    initialEpoch: optionalCount('initialEpoch', options.initialEpoch) ?? 0,
    seed: validateSeed(options.seed),
    disposeBatches: options.disposeBatches === true,
    hooks: options.hooks ?? {},
    signal: options.signal,
    pruning: options.pruning === undefined ? undefined : validatePruning(options.pruning, parameters, names),
    maskUpdates: options.maskUpdates === undefined ? undefined : validateMaskUpdates(options, totalSteps === undefined ? undefined : initialStep + totalSteps),
  };
}

/** Checks `maskUpdates`: a rule, a way to reach the masks (an engine's maskAccess or the optimizer's masks), the total steps. */
function validateMaskUpdates(options: TrainOptions, knownTotal: number | undefined): { rule: MaskUpdateRule; totalSteps: number } {
  const { maskUpdates } = options;
  const rule = maskUpdates?.rule;
  if (typeof rule !== 'object' || rule === null || typeof rule.isUpdateStep !== 'function' || typeof rule.update !== 'function' || typeof rule.needsGradients !== 'boolean') {
    throw new SparseError('E_CONFIG', 'train: maskUpdates.rule must be a MaskUpdateRule (needsGradients, isUpdateStep() and update()), e.g. runtime.create(MaskUpdateRules, \'rigl\').', {
      field: 'maskUpdates.rule',
    });
  }
  if (options.pruning !== undefined) {
    throw new SparseError('E_CONFIG', 'train: maskUpdates cannot be combined with pruning; both change the masks (use one).', { field: 'maskUpdates' });
  }
  if (options.engine !== undefined && options.engine.maskAccess === undefined) {
    throw new SparseError(
      'E_CONFIG',
      "train: maskUpdates needs an engine whose stepper has a maskAccess (core's 'stock' and 'fused', the wasm backend's 'dense-trainer'); this engine has none.",
      { field: 'engine', allowed: ['stock', 'fused', 'dense-trainer'] },
    );
  }
  if (options.engine === undefined && (options.masks === undefined || options.masks.size === 0)) {
    throw new SparseError('E_CONFIG', 'train: maskUpdates with optimizer needs masks: the rule updates the masks given in masks.', { field: 'masks' });
  }
  const totalSteps = optionalCount('maskUpdates.totalSteps', maskUpdates?.totalSteps) ?? knownTotal;
  if (totalSteps === undefined) {
    throw new SparseError('E_CONFIG', 'train: give maskUpdates.totalSteps; the steps of this run are not known in advance (no steps, and batches is not an array).', {
      field: 'maskUpdates.totalSteps',
      allowed: 'an integer ≥ 0',
    });
  }
  return { rule, totalSteps };
}

function validatePruning(pruning: GradualPruning, parameters: readonly NamedParameter[], names: ReadonlySet<string>): ResolvedPruning {
  if (typeof pruning.scorer?.score !== 'function') {
    throw new SparseError('E_CONFIG', 'train: pruning.scorer must be a Scorer (an object with score()).', { field: 'pruning.scorer' });
  }
  if (typeof pruning.pruner?.prune !== 'function') {
    throw new SparseError('E_CONFIG', 'train: pruning.pruner must be a Pruner (an object with prune()).', { field: 'pruning.pruner' });
  }
  const { schedule } = pruning;
  if (typeof schedule?.sparsityAt !== 'function' || typeof schedule.isUpdateStep !== 'function') {
    throw new SparseError('E_CONFIG', 'train: pruning.schedule must be a Schedule (sparsityAt() and isUpdateStep()).', {
      field: 'pruning.schedule',
    });
  }
  const pruned = pruning.parameters ?? parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role));
  for (const parameter of pruned) {
    if (!names.has(parameter.name)) {
      throw new SparseError(
        'E_CONFIG',
        `train: pruning.parameters includes '${parameter.name}', which is not in parameters; the optimizer must update what is pruned.`,
        { field: 'pruning.parameters', received: parameter.name },
      );
    }
  }
  if (pruned.length === 0) {
    throw new SparseError('E_CONFIG', 'train: nothing to prune: no parameter has a dense-kernel or conv-kernel role; pass pruning.parameters.', {
      field: 'pruning.parameters',
    });
  }
  return { ...pruning, parameters: pruned };
}

/** With `engine`, the engine makes the updates with the masks it was started with: refuse what only the optimizer path does. */
function validateEngine(options: TrainOptions): void {
  const { engine } = options;
  if (typeof engine !== 'object' || engine === null || typeof engine.step !== 'function') {
    throw new SparseError('E_CONFIG', 'train: engine must be a started training engine (an EngineStepper with step()).', { field: 'engine' });
  }
  const refused: (keyof TrainOptions)[] = ['optimizer', 'masks', 'pruning'];
  for (const field of refused) {
    if (options[field] !== undefined) {
      throw new SparseError(
        'E_CONFIG',
        `train: ${field} cannot be combined with engine; the engine makes the updates with the masks it was started with.`,
        { field },
      );
    }
  }
  const regularizers = options.regularizers ?? [];
  if (regularizers.length === 0) {
    if (options.learningRate !== undefined) {
      throw new SparseError('E_CONFIG', 'train: learningRate with engine is the learning rate of proximal steps, and there are no regularizers; the engine has its own (its start options).', {
        field: 'learningRate',
      });
    }
    return;
  }
  if (typeof engine.reload !== 'function') {
    throw new SparseError(
      'E_CONFIG',
      "train: regularizers cannot be combined with this engine: its stepper has no reload(), so it cannot take back the weights a proximal step changed (core's 'stock' and 'fused' and the wasm backend's 'dense-trainer' can).",
      { field: 'regularizers', allowed: ['stock', 'fused', 'dense-trainer'] },
    );
  }
  for (const entry of regularizers) {
    const regularizer = typeof entry === 'object' && entry !== null && 'regularizer' in entry ? entry.regularizer : entry;
    const name = typeof regularizer?.name === 'string' ? regularizer.name : String(regularizer);
    if (typeof regularizer?.penalty === 'function' || typeof regularizer?.proximalStep !== 'function') {
      const what = typeof regularizer?.penalty === 'function' ? 'has a penalty, which an engine cannot add to its loss (it computes its own gradients)' : 'has no proximalStep';
      throw new SparseError(
        'E_CONFIG',
        `train: the regularizer '${name}' ${what}; with engine, every regularizer must have a proximalStep and no penalty (the loop runs the proximal steps between the engine's steps). Train with optimizer for a penalty.`,
        { field: 'regularizers', received: name, allowed: 'regularizers with a proximalStep and no penalty' },
      );
    }
  }
  if (options.learningRate === undefined) {
    throw new SparseError('E_CONFIG', "train: regularizers with engine need learningRate: the proximal steps' learning rate (the engine's Adam rate, given to its start), a number or a function of the step.", {
      field: 'learningRate',
      allowed: 'a finite number ≥ 0, or a function of the step',
    });
  }
  const rate = options.learningRate;
  if (typeof rate === 'number' ? !(Number.isFinite(rate) && rate >= 0) : typeof rate !== 'function') {
    throw new SparseError('E_CONFIG', `train: learningRate must be a finite number ≥ 0 or a function of the step; got ${String(rate)}.`, {
      field: 'learningRate',
      received: rate,
      allowed: 'a finite number ≥ 0, or a function of the step',
    });
  }
}

function optionalCount(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SparseError('E_CONFIG', `train: ${field} must be an integer ≥ 0; got ${String(value)}.`, {
      field,
      received: value,
      allowed: 'an integer ≥ 0',
    });
  }
  return value;
}

function validateSeed(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SparseError('E_CONFIG', `train: seed must be an integer in [0, 2^53); got ${String(value)}.`, {
      field: 'seed',
      received: value,
      allowed: '[0, 2^53) integers',
    });
  }
  return value;
}
