import * as tf from '@tensorflow/tfjs-core';
import { SparseError, type Batch } from '@sparse/core';
import type { FrozenMlp } from './frozen-mlp.js';
import { prunedCounts } from './magnitude-masks.js';
import { restrictionRate, shortRestriction } from './short-restriction.js';

/**
 * Options of {@link searchJackpot}: the reference's optimizer (SGD with momentum and weight decay
 * on the scores, learning rate annealed by a cosine once per epoch, PyTorch's `CosineAnnealingLR`)
 * and the short restriction after every step.
 *
 * @example
 * ```ts
 * import type { JackpotSearchOptions } from '@sparse/sparse-training';
 *
 * const options: JackpotSearchOptions = { epochs: 5, learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4, restriction: 'cosine' };
 * ```
 */
export interface JackpotSearchOptions {
  /** Search epochs (the reference: 30). */
  readonly epochs: number;
  /** SGD's initial learning rate on the scores (the reference: 0.1). */
  readonly learningRate: number;
  /** SGD momentum (the reference: 0.9; PyTorch's form, no dampening, no Nesterov). */
  readonly momentum: number;
  /** L2 weight decay on the scores (the reference: 5e-4, applied to every trainable parameter). */
  readonly weightDecay: number;
  /** The restriction rate's schedule over epochs: {@link restrictionRate}. */
  readonly restriction: 'cosine' | 'full';
}

/**
 * One epoch of a search, as {@link searchJackpot} reports it.
 *
 * @example
 * ```ts
 * import type { JackpotEpoch } from '@sparse/sparse-training';
 *
 * const epoch: JackpotEpoch = { epoch: 1, learningRate: 0.1, rate: 1, meanLoss: 0.4, swapped: 120, changedFromStart: 0.01 };
 * ```
 */
export interface JackpotEpoch {
  /** Epochs done (1-based). */
  readonly epoch: number;
  /** The learning rate and restriction rate used in this epoch. */
  readonly learningRate: number;
  readonly rate: number;
  /** Mean training loss of the masked network over the epoch's steps. */
  readonly meanLoss: number;
  /** Pairs swapped over the epoch (all layers). */
  readonly swapped: number;
  /** Fraction of the searched layers' kept entries not kept by the initial mask. */
  readonly changedFromStart: number;
}

/**
 * What {@link searchJackpot} needs: the frozen network, the kernels searched with their initial
 * masks (magnitude pruning: {@link magnitudeMasks}), the masks of other kernels (e.g. none), and
 * the batches.
 *
 * @example
 * ```ts
 * import type { JackpotSearchInput } from '@sparse/sparse-training';
 *
 * declare const input: JackpotSearchInput;
 * console.log(input.stepsPerEpoch);
 * ```
 */
export interface JackpotSearchInput {
  readonly network: FrozenMlp;
  /** The searched kernels' initial binary masks (`1` kept); each keeps its number of zeros throughout. */
  readonly initialMasks: ReadonlyMap<string, Uint8Array>;
  readonly stepsPerEpoch: number;
  /** Batch `step` of `epoch` (disposed by the search). */
  batch(epoch: number, step: number): Batch;
  /** After each epoch, with the current masks (copies): e.g. to evaluate them. */
  onEpoch?(record: JackpotEpoch, masks: ReadonlyMap<string, Uint8Array>): void | Promise<void>;
  /** After each step (steps done in the search). */
  onStep?(stepsDone: number, masks: ReadonlyMap<string, Uint8Array>): void;
  readonly signal?: AbortSignal;
}

/**
 * The result of {@link searchJackpot}: the final masks and the epoch records.
 *
 * @example
 * ```ts
 * import type { JackpotSearchResult } from '@sparse/sparse-training';
 *
 * declare const result: JackpotSearchResult;
 * console.log(result.epochs.at(-1)?.changedFromStart);
 * ```
 */
export interface JackpotSearchResult {
  readonly masks: Map<string, Uint8Array>;
  readonly epochs: readonly JackpotEpoch[];
}

function checkOptions(options: JackpotSearchOptions): void {
  const bad = (field: string, value: unknown, allowed: string): never => {
    throw new SparseError('E_ARGUMENT', `searchJackpot: ${field} must be ${allowed}, got ${String(value)}.`, { field, received: value, allowed });
  };
  if (!Number.isSafeInteger(options.epochs) || options.epochs < 1) bad('epochs', options.epochs, 'an integer >= 1');
  if (!(options.learningRate > 0)) bad('learningRate', options.learningRate, 'a number > 0');
  if (!(options.momentum >= 0 && options.momentum < 1)) bad('momentum', options.momentum, 'in [0, 1)');
  if (!(options.weightDecay >= 0)) bad('weightDecay', options.weightDecay, 'a number >= 0');
  if (options.restriction !== 'cosine' && options.restriction !== 'full') bad('restriction', options.restriction, "'cosine' or 'full'");
}

/** Initial scores as the reference sets them (`set_prune_rate`): 1 where kept, 0.99 where pruned. */
function initialScores(mask: Uint8Array): Float32Array {
  return Float32Array.from(mask, (kept) => (kept === 1 ? 1 : 0.99));
}

/**
 * Lottery Jackpots (Zhang et al., "Lottery Jackpots Exist in Pre-trained Models", TPAMI 2023,
 * arXiv 2104.08700; code zyxxmu/lottery-jackpots): searches binary masks of a network's frozen
 * pretrained kernels. Each searched weight has a real-valued score, initialised from the magnitude
 * mask (1 kept, 0.99 pruned, the reference's `set_prune_rate`); the forward pass uses `W ⊙ m` with
 * the binary mask `m`; the gradient reaches the scores straight through (`∂L/∂m = ∂L/∂(W ⊙ m) ⊙ W`,
 * the reference's `GetMask`); SGD (momentum, weight decay, per-epoch cosine learning rate, as the
 * reference's `cifar.py`) updates the scores; after every step the short restriction
 * ({@link shortRestriction}) swaps `ceil(rate · candidates)` pairs across each layer's top-k
 * boundary, so each layer keeps exactly its initial number of pruned entries. Weights and biases
 * never change. Deterministic: the same batches give the same masks.
 *
 * Differences from the reference, on purpose: the scores and their optimizer live in plain
 * arrays (one gradient pass through tfjs per step); ties are broken by flat index
 * ({@link shortRestriction}); the learning rate of the scores is a grid chosen on validation data
 * by the `pretrained-masks` experiment rather than fixed at 0.1.
 *
 * @throws SparseError `E_ARGUMENT` for invalid options or an unknown kernel.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createDenseMlp, glorotNormal } from '@sparse/core';
 * import { createFrozenMlp, magnitudeMasks, searchJackpot } from '@sparse/sparse-training';
 *
 * const model = createDenseMlp({ layerSizes: [4, 8, 3], initializer: glorotNormal, seed: 0 });
 * const network = createFrozenMlp([4, 8, 3], model.read());
 * const initialMasks = magnitudeMasks(model.read(), ['fc1/kernel'], 0.5, 'layerwise');
 * const batch = () => ({ x: tf.randomNormal([16, 4], 0, 1, 'float32', 1), y: tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3), 'float32') });
 * const result = await searchJackpot({ network, initialMasks, stepsPerEpoch: 4, batch }, { epochs: 2, learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4, restriction: 'cosine' });
 * console.log(result.epochs.map((e) => e.swapped));
 * network.dispose();
 * model.dispose();
 * ```
 */
export async function searchJackpot(input: JackpotSearchInput, options: JackpotSearchOptions): Promise<JackpotSearchResult> {
  checkOptions(options);
  const { network } = input;
  const names = [...input.initialMasks.keys()];
  for (const name of names) {
    const shape = network.shapes.get(name);
    const size = shape === undefined ? -1 : shape[0] * shape[1];
    if (size !== input.initialMasks.get(name)?.length) {
      throw new SparseError('E_ARGUMENT', `searchJackpot: '${name}' is not a kernel of the network or its mask has the wrong size.`, { field: 'initialMasks', received: name, allowed: network.kernelNames });
    }
  }
  const counts = prunedCounts(input.initialMasks);
  const masks = new Map(names.map((name) => [name, (input.initialMasks.get(name) as Uint8Array).slice()] as const));
  const scores = new Map(names.map((name) => [name, initialScores(masks.get(name) as Uint8Array)] as const));
  const velocity = new Map(names.map((name) => [name, new Float32Array((masks.get(name) as Uint8Array).length)] as const));
  const upload = (): Map<string, tf.Tensor> => new Map(names.map((name) => [name, tf.tensor2d(Float32Array.from(masks.get(name) as Uint8Array), network.shapes.get(name) as [number, number])] as const));
  let tensors = upload();
  const epochs: JackpotEpoch[] = [];
  let stepsDone = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      const learningRate = 0.5 * options.learningRate * (1 + Math.cos((Math.PI * epoch) / options.epochs));
      const rate = restrictionRate(options.restriction, epoch, options.epochs);
      let lossSum = 0;
      let swapped = 0;
      for (let step = 0; step < input.stepsPerEpoch; step += 1) {
        input.signal?.throwIfAborted();
        const batch = input.batch(epoch, step);
        let result;
        try {
          result = network.maskGradients(batch, tensors, names);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        lossSum += result.loss;
        for (const name of names) {
          const score = scores.get(name) as Float32Array;
          const gradient = result.gradients.get(name) as Float32Array;
          const buffer = velocity.get(name) as Float32Array;
          const first = epoch === 0 && step === 0;
          for (let i = 0; i < score.length; i += 1) {
            const g = (gradient[i] as number) + options.weightDecay * (score[i] as number);
            const v = first ? g : options.momentum * (buffer[i] as number) + g;
            buffer[i] = v;
            score[i] = (score[i] as number) - learningRate * v;
          }
          swapped += shortRestriction(score, masks.get(name) as Uint8Array, counts.get(name) as number, rate).swapped;
        }
        tf.dispose([...tensors.values()]);
        tensors = upload();
        stepsDone += 1;
        input.onStep?.(stepsDone, masks);
      }
      let kept = 0;
      let changed = 0;
      for (const name of names) {
        const start = input.initialMasks.get(name) as Uint8Array;
        const now = masks.get(name) as Uint8Array;
        for (let i = 0; i < now.length; i += 1) {
          if (now[i] === 1) {
            kept += 1;
            if (start[i] === 0) changed += 1;
          }
        }
      }
      const record: JackpotEpoch = { epoch: epoch + 1, learningRate, rate, meanLoss: lossSum / Math.max(1, input.stepsPerEpoch), swapped, changedFromStart: kept === 0 ? 0 : changed / kept };
      epochs.push(record);
      await input.onEpoch?.(record, new Map([...masks].map(([name, mask]) => [name, mask.slice()] as const)));
    }
  } finally {
    tf.dispose([...tensors.values()]);
  }
  return { masks, epochs };
}
