import { resolveTrainingEngine } from '@sparse/experiments';
import * as tf from '@tensorflow/tfjs-core';
import { SparseError, createDenseMlp, glorotNormal, type SparseRuntime } from '@sparse/core';
import type { RunDirectory, TensorRecord, UnitContext } from '@sparse/experiments';
import { dropPoint, essentialSweep, type SplitAccuracy } from '../essential/essential-sweep.js';
import type { SetEvaluator } from '../experiment/evaluator.js';
import { createFrozenMlp, type FrozenMlp } from '../jackpots/frozen-mlp.js';
import { searchJackpot } from '../jackpots/jackpot-search.js';
import { magnitudeMasks, prunedCounts } from '../jackpots/magnitude-masks.js';
import type { PretrainedMasksConfig } from './config.js';
import type { PretrainedReplicate } from './data.js';
import type { EssentialResult, JackpotEpochResult, PretrainResult, SparsityResult } from './results.js';
import { trainWithEngine } from './train-dense.js';

/** What every unit needs besides its context. */
export interface UnitEnvironment {
  readonly config: PretrainedMasksConfig;
  readonly runtime: SparseRuntime;
  readonly run: RunDirectory;
  readonly data: PretrainedReplicate;
  /** Work done within the unit (steps, or evaluations for the sweep). */
  readonly progress: (done: number) => void;
}

const STORE = 'pretrained';
const key = (seed: number): string => `seed-${seed}`;

/** The kernels pruned: every `<layer>/kernel`, the output layer's only without `keepOutputDense`. */
export function prunedKernels(config: Pick<PretrainedMasksConfig, 'model' | 'keepOutputDense'>): string[] {
  const count = config.model.layerSizes.length - 1;
  return Array.from({ length: count }, (_, i) => `fc${i + 1}/kernel`).slice(0, config.keepOutputDense ? count - 1 : count);
}

/** Accuracy of the frozen network with these binary masks (none: dense) on validation and test. */
function evaluateMasks(network: FrozenMlp, data: PretrainedReplicate, masks: ReadonlyMap<string, Uint8Array>): SplitAccuracy {
  const tensors = new Map([...masks].map(([name, mask]) => [name, tf.tensor2d(Float32Array.from(mask), network.shapes.get(name) as [number, number])] as const));
  try {
    const forward = (x: tf.Tensor): tf.Tensor => network.forward(x, tensors);
    return { validation: evaluate(data.validation, forward), test: evaluate(data.test, forward) };
  } finally {
    tf.dispose([...tensors.values()]);
  }
}
const evaluate = (set: SetEvaluator, forward: (x: tf.Tensor) => tf.Tensor): number => set.evaluate(forward).accuracy;

/** The pretrained weights of a seed, saved by its pretraining unit. */
async function loadPretrained(run: RunDirectory, seed: number): Promise<Map<string, Float32Array>> {
  const store = run.store(STORE);
  if (!(await store.has(key(seed)))) {
    throw new SparseError('E_NOT_FOUND', `The pretrained weights of seed ${seed} are missing from ${run.file(STORE)}: rerun the experiment in a fresh run directory.`, { field: 'seed', received: seed });
  }
  const checkpoint = await store.load(key(seed));
  return new Map([...checkpoint.tensors].map(([name, record]) => [name, record.data as Float32Array] as const));
}

/**
 * Pretrains one seed's dense MLP (Glorot-normal weights from the seed, Adam on the configured
 * engine) and saves its weights in the run's `pretrained/` store.
 */
export async function runPretrainUnit(seed: number, environment: UnitEnvironment, context: UnitContext): Promise<PretrainResult> {
  const { config, runtime, data } = environment;
  const model = createDenseMlp({ layerSizes: config.model.layerSizes, initializer: glorotNormal, seed, purpose: 'init' });
  try {
    const engine = resolveTrainingEngine(runtime, config.engine, model, []);
    const curve: { epoch: number; validation: number }[] = [];
    await trainWithEngine({
      model,
      engine,
      masks: new Map(),
      loader: data.pretrain,
      epochs: config.epochs,
      learningRate: config.learningRate,
      signal: context.signal,
      onStep: environment.progress,
      onEpoch: async (epoch) => {
        const validation = evaluate(data.validation, model.forward);
        curve.push({ epoch, validation });
        await context.metric({ seed, phase: 'pretrain', epoch, validationAccuracy: validation });
      },
    });
    const weights = model.read();
    const tensors: Record<string, TensorRecord> = {};
    for (const parameter of model.parameters) tensors[parameter.name] = { dtype: 'float32', shape: [...parameter.variable.shape], data: weights.get(parameter.name) as Float32Array };
    await environment.run.store(STORE).save(key(seed), { tensors });
    const network = createFrozenMlp(config.model.layerSizes, weights);
    try {
      return { unit: 'pretrain', seed, engine: engine.name, epochs: config.epochs, steps: config.epochs * data.pretrain.stepsPerEpoch, curve, dense: evaluateMasks(network, data, new Map()) };
    } finally {
      network.dispose();
    }
  } finally {
    model.dispose();
  }
}

/** The essential-sparsity sweep of one seed's pretrained weights, for every allocation. */
export async function runEssentialUnit(seed: number, environment: UnitEnvironment, context: UnitContext): Promise<EssentialResult> {
  const { config, data } = environment;
  const weights = await loadPretrained(environment.run, seed);
  const network = createFrozenMlp(config.model.layerSizes, weights);
  try {
    const dense = evaluateMasks(network, data, new Map());
    const kernels = prunedKernels(config);
    let done = 0;
    const sweeps: EssentialResult['sweeps'][number][] = [];
    for (const allocation of config.essential.allocations) {
      const curve = await essentialSweep(weights, kernels, config.essential.sparsities, allocation, (masks) => {
        context.signal.throwIfAborted();
        const accuracy = evaluateMasks(network, data, masks);
        done += 1;
        environment.progress(done);
        return accuracy;
      });
      const drop = { validation: dropPoint(curve, dense.validation, config.essential.tolerance, 'validation'), test: dropPoint(curve, dense.test, config.essential.tolerance, 'test') };
      await context.metric({ seed, phase: 'essential', allocation, essentialTest: drop.test.essential, firstDropTest: drop.test.firstDrop });
      sweeps.push({ allocation, curve, drop });
    }
    return { unit: 'essential', seed, dense, sweeps };
  } finally {
    network.dispose();
  }
}

/** Kept entries of `masks` that `reference` prunes, as a fraction of the kept entries. */
function changedFraction(masks: ReadonlyMap<string, Uint8Array>, reference: ReadonlyMap<string, Uint8Array>): number {
  let kept = 0;
  let changed = 0;
  for (const [name, mask] of masks) {
    const base = reference.get(name) as Uint8Array;
    for (let i = 0; i < mask.length; i += 1) {
      if (mask[i] === 1) {
        kept += 1;
        if (base[i] === 0) changed += 1;
      }
    }
  }
  return kept === 0 ? 0 : changed / kept;
}

/**
 * One seed at one sparsity: magnitude masks of the pretrained weights evaluated without
 * retraining; the Lottery Jackpots search from those masks for every learning rate of the grid,
 * evaluated after every epoch, the (rate, epoch) of best VALIDATION accuracy reported; and the
 * magnitude masks with a short masked Adam fine-tune.
 */
export async function runSparsityUnit(seed: number, sparsity: number, environment: UnitEnvironment, context: UnitContext): Promise<SparsityResult> {
  const { config, data, runtime } = environment;
  const weights = await loadPretrained(environment.run, seed);
  const network = createFrozenMlp(config.model.layerSizes, weights);
  const searchSteps = config.search.epochs * data.search.stepsPerEpoch;
  try {
    const kernels = prunedKernels(config);
    const magnitudeMask = magnitudeMasks(weights, kernels, sparsity, config.allocation);
    const zeros = prunedCounts(magnitudeMask);
    const all = network.kernelNames;
    const entries = all.reduce((sum, name) => sum + (weights.get(name) as Float32Array).length, 0);
    const layerDensity: Record<string, number> = {};
    let pruned = 0;
    for (const name of all) {
      const z = zeros.get(name) ?? 0;
      pruned += z;
      layerDensity[name] = 1 - z / (weights.get(name) as Float32Array).length;
    }
    const magnitude = evaluateMasks(network, data, magnitudeMask);
    await context.metric({ seed, sparsity, method: 'magnitude', validationAccuracy: magnitude.validation, testAccuracy: magnitude.test });

    const rows: JackpotEpochResult[] = [];
    for (const [index, learningRate] of config.search.learningRates.entries()) {
      await searchJackpot(
        {
          network,
          initialMasks: magnitudeMask,
          stepsPerEpoch: data.search.stepsPerEpoch,
          batch: (epoch, step) => data.search.batch(epoch, step),
          signal: context.signal,
          onStep: (done) => environment.progress(index * searchSteps + done),
          onEpoch: async (record, masks) => {
            const accuracy = evaluateMasks(network, data, masks);
            const row: JackpotEpochResult = { learningRate, epoch: record.epoch, ...accuracy, swapped: record.swapped, changedFromMagnitude: changedFraction(masks, magnitudeMask), meanLoss: record.meanLoss };
            rows.push(row);
            await context.metric({ seed, sparsity, method: 'jackpot', ...row });
          },
        },
        { epochs: config.search.epochs, learningRate, momentum: config.search.momentum, weightDecay: config.search.weightDecay, restriction: config.search.restriction },
      );
    }
    // The choice uses validation accuracy only (the first of equals).
    const chosen = rows.reduce((best, row) => (row.validation > best.validation ? row : best), rows[0] as JackpotEpochResult);

    let fineTune: SparsityResult['fineTune'] = null;
    if (config.fineTune.epochs > 0) {
      const start = new Map(weights);
      for (const [name, mask] of magnitudeMask) start.set(name, (weights.get(name) as Float32Array).map((w, i) => (mask[i] === 1 ? w : 0)));
      const model = createDenseMlp({ layerSizes: config.model.layerSizes, weights: start });
      try {
        const engine = resolveTrainingEngine(runtime, config.engine, model, kernels);
        const before = config.search.learningRates.length * searchSteps;
        await trainWithEngine({ model, engine, masks: magnitudeMask, loader: data.search, epochs: config.fineTune.epochs, learningRate: config.fineTune.learningRate, signal: context.signal, onStep: (done) => environment.progress(before + done) });
        fineTune = { validation: evaluate(data.validation, model.forward), test: evaluate(data.test, model.forward), epochs: config.fineTune.epochs, engine: engine.name };
        await context.metric({ seed, sparsity, method: 'magnitude+fine-tune', validationAccuracy: fineTune.validation, testAccuracy: fineTune.test });
      } finally {
        model.dispose();
      }
    }
    return {
      unit: 'sparsity',
      seed,
      sparsity,
      allocation: config.allocation,
      measuredSparsity: pruned / entries,
      layerDensity,
      magnitude,
      jackpot: { validation: chosen.validation, test: chosen.test, learningRate: chosen.learningRate, epoch: chosen.epoch, changedFromMagnitude: chosen.changedFromMagnitude, epochs: rows },
      fineTune,
    };
  } finally {
    network.dispose();
  }
}
