import { resolveTrainingEngine } from '@sparse/experiments';
import * as tf from '@tensorflow/tfjs-core';
import { SparseError, applyMaskUpdate, maskUpdateSeed, refName, type DenseMlp, type EngineStepper, type MaskSet, type MaskUpdateRule, type MaskUpdateSummary, type TrainingEngine } from '@sparse/core';
import type { MethodContext } from '../contracts/method.js';

/**
 * Options of {@link trainMaskedModel}.
 *
 * @example
 * ```ts
 * import { riglRule, type TrainMaskedModelOptions } from '@sparse/sparse-training';
 * import type { DenseMlp } from '@sparse/core';
 * import type { MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * declare const model: DenseMlp;
 * declare const masks: Map<string, Float32Array>;
 * const options: TrainMaskedModelOptions = { context, model, masks, epochs: context.epochs, rule: riglRule(), seed: context.seed };
 * ```
 */
export interface TrainMaskedModelOptions {
  /** The unit's context: runtime, data, learning rate, engine, evaluation, progress, cancellation. */
  readonly context: MethodContext;
  /** The model to train; its variables hold the starting weights (masked entries are zeroed at the start). */
  readonly model: DenseMlp;
  /** `0`/`1` masks by parameter name (flat, row-major); an empty map trains dense. */
  readonly masks: ReadonlyMap<string, Float32Array>;
  /** Epochs to run: epoch `e` trains on `context.loader.epoch(e)`. */
  readonly epochs: number;
  /** A mask update rule (SET, RigL) applied between steps where `rule.isUpdateStep(step, totalSteps)`. */
  readonly rule?: MaskUpdateRule;
  /** The seed mask updates derive theirs from: `maskUpdateSeed(seed, step)` (core). */
  readonly seed: number;
  /** Steps the unit has already run in earlier phases, added to what `context.progress` receives. Default 0. */
  readonly stepsBefore?: number;
  /** The engine to use instead of resolving `context.engine` (the caller already resolved it). */
  readonly engine?: TrainingEngine;
}

/**
 * What {@link trainMaskedModel} returns.
 *
 * @example
 * ```ts
 * import type { MaskedTrainingResult } from '@sparse/sparse-training';
 *
 * declare const result: MaskedTrainingResult;
 * console.log(result.engine, result.steps, result.maskUpdates.length, result.curve.at(-1));
 * ```
 */
export interface MaskedTrainingResult {
  /** The engine that ran the steps. */
  readonly engine: string;
  /** Validation accuracy (and loss) after each epoch, epochs counted from 0. */
  readonly curve: readonly { readonly epoch: number; readonly validationAccuracy: number; readonly validationLoss: number }[];
  /** Optimizer steps run. */
  readonly steps: number;
  /** One summary per mask update, in order. */
  readonly maskUpdates: readonly MaskUpdateSummary[];
  /** The masks at the end (read from the engine when it has `maskAccess`, else the masks given). */
  readonly masks: ReadonlyMap<string, Float32Array>;
}

function checkMasks(model: DenseMlp, masks: ReadonlyMap<string, Float32Array>): void {
  const sizes = new Map(model.parameters.map((p) => [p.name, p.variable.size]));
  for (const [name, mask] of masks) {
    const size = sizes.get(name);
    if (size === undefined) {
      throw new SparseError('E_ARGUMENT', `trainMaskedModel: a mask for '${name}', which is not a parameter of the model.`, { field: `masks.${name}`, received: name, allowed: [...sizes.keys()] });
    }
    if (mask.length !== size) {
      throw new SparseError('E_ARGUMENT', `trainMaskedModel: the mask of '${name}' has ${mask.length} entries, the parameter ${size}.`, { field: `masks.${name}`, received: mask.length, allowed: [size] });
    }
  }
}

/**
 * The training loop every dynamic- and static-sparse method of this package uses: starts the
 * training engine (the context's, or the fastest that accepts the model: `dense-trainer`, else
 * `fused`) with `masks`, runs `epochs` epochs of `context.loader` (each batch disposed after its
 * step), and before step `t` runs `rule`'s mask update when `rule.isUpdateStep(t, totalSteps)`
 * (core's `applyMaskUpdate` through the engine's `maskAccess`: grown weights zero, their Adam
 * moments reset). After each epoch it syncs the model and evaluates it on the validation set.
 * Reports progress after every step and stops at `context.signal` (rethrowing its reason). The
 * model holds the trained weights when it returns; no tensor outlives it.
 *
 * @throws SparseError `E_CONFIG` (field `engine`) when a `rule` is given and the engine cannot
 *   change masks between steps (no `maskAccess`); `E_ARGUMENT` for masks that do not fit the model
 *   or a bad `epochs`.
 *
 * @example
 * ```ts
 * import { layerBudgets, randomMasks, riglRule, trainMaskedModel, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const model = context.createModel();
 * const kernels = model.denseLayers.map(({ kernel }) => ({ name: kernel.name, shape: kernel.variable.shape }));
 * const masks = randomMasks(layerBudgets(kernels, 0.9), context.seed);
 * const result = await trainMaskedModel({ context, model, masks, epochs: context.epochs, rule: riglRule(), seed: context.seed });
 * console.log(result.curve.at(-1)?.validationAccuracy, result.maskUpdates.length);
 * model.dispose();
 * ```
 */
export async function trainMaskedModel(options: TrainMaskedModelOptions): Promise<MaskedTrainingResult> {
  const { context, model, masks, epochs, rule, seed } = options;
  if (!Number.isSafeInteger(epochs) || epochs < 0) {
    throw new SparseError('E_ARGUMENT', `trainMaskedModel: epochs must be an integer >= 0, got ${String(epochs)}.`, { field: 'epochs', received: epochs, allowed: '[0, ∞) integers' });
  }
  checkMasks(model, masks);
  const names = [...masks.keys()];
  const engine = options.engine ?? resolveTrainingEngine(context.runtime, context.engine, model, names);
  const shapes = new Map(model.parameters.map((p) => [p.name, p.variable.shape]));
  const maskTensors: MaskSet = new Map(names.map((name) => [name, tf.tensor(masks.get(name) as Float32Array, shapes.get(name) as number[], 'float32')]));
  const stepsBefore = options.stepsBefore ?? 0;
  const totalSteps = epochs * context.loader.stepsPerEpoch;
  const curve: { epoch: number; validationAccuracy: number; validationLoss: number }[] = [];
  const maskUpdates: MaskUpdateSummary[] = [];
  let stepper: EngineStepper | undefined;
  let step = 0;
  let finalMasks: ReadonlyMap<string, Float32Array> = masks;
  try {
    context.signal?.throwIfAborted();
    stepper = await engine.start(model, maskTensors, { learningRate: context.learningRate, initialStep: 0, batchSize: context.loader.batchSize });
    const access = stepper.maskAccess;
    if (rule !== undefined && access === undefined) {
      throw new SparseError(
        'E_CONFIG',
        `engine: the training engine '${engine.name}' cannot change masks between steps (it has no maskAccess), which the mask update rule '${rule.name}' needs; use an engine that can (core's 'fused' or 'stock').`,
        { field: 'engine', received: context.engine === undefined ? engine.name : refName(context.engine), allowed: ['fused', 'stock'] },
      );
    }
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      for (const batch of context.loader.epoch(epoch)) {
        try {
          context.signal?.throwIfAborted();
          if (rule !== undefined && access !== undefined && rule.isUpdateStep(step, totalSteps)) {
            maskUpdates.push(await applyMaskUpdate(access, rule, { step, totalSteps, seed: maskUpdateSeed(seed, step), batch }));
          }
          await stepper.step(batch);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        step += 1;
        context.progress(stepsBefore + step);
      }
      stepper.sync();
      const evaluation = context.evaluate(model, 'validation');
      curve.push({ epoch, validationAccuracy: evaluation.accuracy, validationLoss: evaluation.loss });
    }
    stepper.sync();
    if (access !== undefined && names.length > 0) finalMasks = access.readMasks();
  } finally {
    await stepper?.dispose();
    tf.dispose([...maskTensors.values()]);
  }
  return { engine: engine.name, curve, steps: step, maskUpdates, masks: finalMasks };
}
