import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../contracts/batch.js';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { Pruner } from '../contracts/pruner.js';
import type { Regularizer } from '../contracts/regularizer.js';
import type { Scorer, ScoringInput } from '../contracts/scorer.js';
import { isSparseError } from '../errors.js';
import { createRuntime } from '../create-runtime.js';
import { constantSparsity } from '../schedules/constant-sparsity.js';
import { oneShot } from '../schedules/one-shot.js';
import { polynomialDecay } from '../schedules/polynomial-decay.js';
import { createPruner } from '../pruning/score-pruner.js';
import { magnitudeScorer } from '../scoring/magnitude.js';
import { cubicSparsity } from '../schedules/cubic-sparsity.js';
import { optimizerEngine } from './optimizer-engine.js';
import { train } from './train.js';
import type { PruneEvent, TrainProgress } from './train-types.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** In-test magnitude scorer: |w|. */
const magnitude: Scorer = {
  name: 'test-magnitude',
  requiresData: false,
  score: ({ parameters }: ScoringInput) => new Map(parameters.map((p) => [p.name, tf.abs(p.variable)])),
};

/**
 * In-test exact-count layerwise pruner (spec §0): prune round(s·N) weights per tensor, lowest score
 * first, ties by flat index, already-pruned weights first.
 */
const exactPruner: Pruner = {
  name: 'test-exact',
  prune({ parameters, scores, masks, target }) {
    return new Map(
      parameters.map((p) => {
        const score = scores.get(p.name)!.dataSync();
        const current = masks.get(p.name)?.dataSync();
        const n = score.length;
        const key = (i: number) => (current !== undefined && current[i] === 0 ? Number.NEGATIVE_INFINITY : score[i]!);
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
        const kept = new Float32Array(n).fill(1);
        for (const i of order.slice(0, Math.round(target.sparsity * n))) kept[i] = 0;
        return [p.name, tf.tensor(kept, p.variable.shape)];
      }),
    );
  },
};

function mlp(seed: number) {
  const w1 = tf.variable(tf.randomNormal([8, 16], 0, 0.5, 'float32', seed));
  const b1 = tf.variable(tf.zeros([16]));
  const w2 = tf.variable(tf.randomNormal([16, 3], 0, 0.5, 'float32', seed + 1));
  const parameters: NamedParameter[] = [
    { name: 'fc1/kernel', role: 'dense-kernel', variable: w1 },
    { name: 'fc1/bias', role: 'bias', variable: b1 },
    { name: 'fc2/kernel', role: 'dense-kernel', variable: w2 },
  ];
  const forward = (x: tf.Tensor) => tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2);
  const loss = ({ x, y }: Batch) => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar;
  const batches: Batch[] = Array.from({ length: 4 }, (_, i) => {
    const x = tf.randomNormal([10, 8], 0, 1, 'float32', seed + 100 + i);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(tf.matMul(x, tf.randomNormal([8, 3], 0, 1, 'float32', 7)), 1), 3), 'float32'));
    return { x, y };
  });
  const dispose = () => tf.dispose([w1, b1, w2, ...batches.flatMap((b) => [b.x, b.y])]);
  return { parameters, loss, batches, dispose, w1, w2, b1 };
}

const zerosCount = (t: tf.Tensor) => Array.from(t.dataSync()).filter((v) => v === 0).length;
/** Number of elements where the mask is 0 and the weight is 0 (all of them when pruned weights are zero). */
const prunedZeros = (variable: tf.Tensor, mask: tf.Tensor) => tf.tidy(() => zerosCount(tf.mul(variable, tf.sub(1, mask))));
const disposeMasks = (masks: MaskSet, keep: MaskSet = new Map()) =>
  tf.dispose([...masks.values()].filter((m) => ![...keep.values()].includes(m)));

describe('train', () => {
  it('prunes gradually on the schedule and ends at its final sparsity, pruned weights exactly zero', async () => {
    const m = mlp(1);
    const schedule = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.75, begin: 2, end: 14, frequency: 4 });
    const events: PruneEvent[] = [];
    const zerosAfterStep: number[] = [];
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.adam(0.01),
      batches: m.batches,
      epochs: 5,
      pruning: { scorer: magnitude, pruner: exactPruner, schedule },
      hooks: {
        onPrune: (event) => {
          events.push(event);
          // the newly pruned weights are zero before the step's update
          for (const [name, mask] of event.masks) {
            const variable = m.parameters.find((p) => p.name === name)!.variable;
            expect(prunedZeros(variable, mask)).toBe(variable.size);
          }
        },
        onStepEnd: () => {
          zerosAfterStep.push(zerosCount(m.w1));
        },
      },
    });
    expect(result).toMatchObject({ stepsDone: 20, nextStep: 20, epochsDone: 5, aborted: false, prunes: 4 });
    expect(events.map((e) => e.step)).toEqual([2, 6, 10, 14]);
    expect(events.map((e) => e.sparsity)).toEqual([2, 6, 10, 14].map((s) => schedule.sparsityAt(s)));
    expect(events.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    // final: round(0.75 · N) zeros in each pruned kernel, and the bias untouched by pruning
    expect(zerosCount(m.w1)).toBe(Math.round(0.75 * 128));
    expect(zerosCount(m.w2)).toBe(Math.round(0.75 * 48));
    expect(result.masks.has('fc1/bias')).toBe(false);
    // masked weights stay exactly zero after every step: the count never drops between prunes
    for (let i = 1; i < zerosAfterStep.length; i += 1) expect(zerosAfterStep[i]!).toBeGreaterThanOrEqual(zerosAfterStep[i - 1]!);
    disposeMasks(result.masks);
    m.dispose();
  });

  it("works with core's magnitude scorer and exact pruner (Zhu & Gupta schedule, global scope)", async () => {
    const m = mlp(11);
    const warnings: string[] = [];
    const start = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.01);
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer,
      batches: m.batches,
      epochs: 4,
      pruning: {
        scorer: magnitudeScorer(),
        pruner: createPruner({ onWarning: (message) => warnings.push(message) }),
        schedule: cubicSparsity({ finalSparsity: 0.85, begin: 1, frequency: 3, pruningSteps: 4 }),
        target: { scope: 'global' },
      },
    });
    expect(result.prunes).toBe(5);
    const zeros = zerosCount(m.w1) + zerosCount(m.w2);
    expect(Math.abs(zeros - 0.85 * (128 + 48))).toBeLessThan(1); // the pruner's own rounding rule decides the last one
    for (const [name, mask] of result.masks) {
      const variable = m.parameters.find((p) => p.name === name)!.variable;
      expect(prunedZeros(variable, mask)).toBe(variable.size);
    }
    disposeMasks(result.masks);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(start);
    m.dispose();
  });

  it('leaves tf.memory().numTensors unchanged per step and across prunes, and frees replaced masks', async () => {
    const m = mlp(2);
    const counts: number[] = [];
    const start = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.01);
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer,
      batches: m.batches,
      steps: 12,
      pruning: { scorer: magnitude, pruner: exactPruner, schedule: constantSparsity({ sparsity: 0.5, begin: 0, frequency: 3 }) },
      hooks: {
        onStepEnd: async (event) => {
          await event.readLoss();
          counts.push(tf.memory().numTensors);
        },
      },
    });
    // after the first step (Adam creates its moments) the count is flat, prunes included
    expect(new Set(counts.slice(1)).size).toBe(1);
    disposeMasks(result.masks);
    optimizer.dispose();
    // Adam owns 2 accumulators + 2 moments per variable (disposed above); nothing else remains
    expect(tf.memory().numTensors).toBe(start);
    m.dispose();
  });

  it('reads the loss only on request and reports the mean loss per epoch', async () => {
    const m = mlp(3);
    const losses: number[] = [];
    const means: number[] = [];
    await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.adam(0.02),
      batches: m.batches,
      epochs: 6,
      hooks: {
        onStepEnd: async (event) => {
          losses.push(await event.readLoss());
        },
        onEpochEnd: async (event) => {
          expect(event.steps).toBe(4);
          means.push(await event.readMeanLoss());
        },
      },
    });
    expect(losses).toHaveLength(24);
    for (let epoch = 0; epoch < 6; epoch += 1) {
      const mean = losses.slice(4 * epoch, 4 * epoch + 4).reduce((a, b) => a + b, 0) / 4;
      expect(means[epoch]).toBeCloseTo(mean, 5);
    }
    expect(means[5]!).toBeLessThan(means[0]!);
    m.dispose();
  });

  it('stops at the next step when the signal aborts, and reports it', async () => {
    const m = mlp(4);
    const controller = new AbortController();
    let ended = false;
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.sgd(0.1),
      batches: m.batches,
      steps: 100,
      signal: controller.signal,
      hooks: {
        onStepEnd: (event) => {
          if (event.step === 5) controller.abort();
        },
        onTrainEnd: (r) => {
          ended = r.aborted;
        },
      },
    });
    expect(result).toMatchObject({ aborted: true, stepsDone: 6, nextStep: 6, epochsDone: 1 });
    expect(ended).toBe(true);
    m.dispose();
  });

  it('disposes the batch it fetched when the signal aborts before its step (disposeBatches)', async () => {
    const m = mlp(6);
    const controller = new AbortController();
    const optimizer = tf.train.sgd(0.1);
    async function* stream() {
      for (let i = 0; ; i += 1) yield { x: tf.randomNormal([10, 8], 0, 1, 'float32', i), y: tf.tidy(() => tf.oneHot(tf.tensor1d([i % 3, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3)) };
    }
    // warm the optimizer's state up first, so the count compares like with like
    await train({ parameters: m.parameters, loss: m.loss, optimizer, batches: m.batches, steps: 1 });
    const before = tf.memory().numTensors;
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer,
      batches: stream(),
      steps: 100,
      disposeBatches: true,
      signal: controller.signal,
      hooks: { onStepEnd: (event) => void (event.step === 2 && controller.abort()) },
    });
    expect(result.aborted).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    m.dispose();
  });

  it('reports progress without reading tensors, and stops at min(steps, epochs)', async () => {
    const m = mlp(5);
    const progress: TrainProgress[] = [];
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.sgd(0.1),
      batches: m.batches,
      epochs: 3,
      steps: 10,
      initialStep: 100,
      pruning: { scorer: magnitude, pruner: exactPruner, schedule: oneShot({ step: 103, sparsity: 0.5 }) },
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ stepsDone: 10, nextStep: 110, epochsDone: 2, prunes: 1 });
    expect(progress.map((p) => p.step)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(progress.at(-1)).toMatchObject({ stepsDone: 10, totalSteps: 10, fraction: 1, epoch: 2, targetSparsity: 0.5 });
    expect(progress[2]!.targetSparsity).toBeUndefined();
    disposeMasks(result.masks);
    m.dispose();
  });

  it('accepts a per-epoch batch function and async iterables; rejects a one-shot iterator for several epochs', async () => {
    const m = mlp(6);
    const seen: number[] = [];
    await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.sgd(0.1),
      batches: (epoch) => {
        seen.push(epoch);
        return m.batches.slice(0, 2);
      },
      epochs: 3,
    });
    expect(seen).toEqual([0, 1, 2]);
    async function* stream() {
      for (const batch of m.batches) yield { x: tf.clone(batch.x), y: tf.clone(batch.y) };
    }
    const before = tf.memory().numTensors;
    const streamed = await train({ parameters: m.parameters, loss: m.loss, optimizer: tf.train.sgd(0.1), batches: stream(), steps: 4, disposeBatches: true });
    expect(streamed.stepsDone).toBe(4);
    expect(tf.memory().numTensors).toBe(before + 1); // sgd's learning-rate scalar
    await expect(
      train({ parameters: m.parameters, loss: m.loss, optimizer: tf.train.sgd(0.1), batches: m.batches.values(), epochs: 2 }),
    ).rejects.toThrowError(/yielded no batch in epoch 1/);
    m.dispose();
  });

  it('gives data-driven scorers the batch, the loss and a per-step seed', async () => {
    const m = mlp(7);
    const inputs: ScoringInput[] = [];
    const recording: Scorer = {
      name: 'recording',
      requiresData: true,
      score: (input) => {
        inputs.push(input);
        return magnitude.score(input);
      },
    };
    const targets: unknown[] = [];
    const recordingPruner: Pruner = {
      name: 'recording',
      prune: (request) => {
        targets.push(request.target);
        return exactPruner.prune(request);
      },
    };
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.sgd(0.1),
      batches: m.batches,
      steps: 8,
      seed: 42,
      pruning: { scorer: recording, pruner: recordingPruner, schedule: constantSparsity({ sparsity: 0.3, frequency: 4 }), target: { scope: 'global' } },
    });
    expect(targets).toEqual([
      { scope: 'global', sparsity: 0.3 },
      { scope: 'global', sparsity: 0.3 },
    ]);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]!.batch).toBe(m.batches[0]);
    expect(inputs[1]!.batch).toBe(m.batches[0]);
    expect(inputs[0]!.loss).toBe(m.loss);
    expect(inputs[0]!.parameters.map((p) => p.name)).toEqual(['fc1/kernel', 'fc2/kernel']);
    expect(inputs[0]!.seed).not.toBe(inputs[1]!.seed);
    disposeMasks(result.masks);

    // scoring extras are added, and replace the step's batch when they name one
    inputs.length = 0;
    const calibration = m.batches[3]!;
    const again = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.sgd(0.1),
      batches: m.batches,
      steps: 1,
      pruning: {
        scorer: recording,
        pruner: exactPruner,
        schedule: oneShot({ step: 0, sparsity: 0.5 }),
        scoring: { batch: calibration, batches: m.batches.slice(0, 2) },
        target: { perParameter: { 'fc2/kernel': 0.25 } },
      },
    });
    expect(inputs[0]!.batch).toBe(calibration);
    expect(inputs[0]!.batches).toHaveLength(2);
    expect(inputs[0]!.loss).toBe(m.loss);
    disposeMasks(again.masks);
    m.dispose();
  });

  it('runs regularizers: proximal steps see the learning rate; initial masks are applied and kept', async () => {
    const m = mlp(8);
    const rates: number[] = [];
    const prox: Regularizer = {
      name: 'record',
      proximalStep: (_parameters, context) => {
        rates.push(context.learningRate ?? Number.NaN);
      },
    };
    const mask = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([8, 16], 0, 1, 'float32', 3), 0.5), 'float32'));
    const masks = new Map([['fc1/kernel', mask]]);
    const result = await train({
      parameters: m.parameters,
      loss: m.loss,
      optimizer: tf.train.sgd(0.05),
      batches: m.batches,
      steps: 3,
      masks,
      regularizers: [prox],
    });
    expect(rates).toEqual([0.05, 0.05, 0.05]);
    expect(result.masks).toBe(masks);
    expect(prunedZeros(m.w1, mask)).toBe(128);
    mask.dispose();
    m.dispose();
  });

  it("steps through a started training engine: same weights as the optimizer path, no leak, no loss to read", async () => {
    const viaOptimizer = mlp(11);
    const viaEngine = mlp(11);
    const maskOf = (m: ReturnType<typeof mlp>): MaskSet => new Map([['fc1/kernel', tf.tidy(() => tf.cast(tf.greater(tf.abs(m.w1), 0.3), 'float32'))]]);
    const masksA = maskOf(viaOptimizer);
    const masksB = maskOf(viaEngine);
    const adam = tf.train.adam(0.01);
    await train({ parameters: viaOptimizer.parameters, loss: viaOptimizer.loss, optimizer: adam, masks: masksA, batches: viaOptimizer.batches, steps: 6, initialStep: 2 });
    const model = { parameters: viaEngine.parameters, loss: viaEngine.loss };
    const stepper = await optimizerEngine('stock').start(model, masksB, { learningRate: 0.01, initialStep: 2, batchSize: 10 });
    const counts: number[] = [];
    const reads: unknown[] = [];
    const result = await train({
      parameters: viaEngine.parameters,
      loss: viaEngine.loss,
      engine: stepper,
      batches: viaEngine.batches,
      steps: 6,
      initialStep: 2,
      hooks: {
        onStepEnd: async (event) => {
          stepper.sync();
          counts.push(tf.memory().numTensors);
          if (event.step === 2) reads.push(await event.readLoss().catch((error: unknown) => error));
        },
      },
    });
    expect(result).toMatchObject({ stepsDone: 6, nextStep: 8, aborted: false, prunes: 0 });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(isSparseError(reads[0], 'E_CONFIG')).toBe(true);
    for (const [i, p] of viaOptimizer.parameters.entries()) {
      expect(Array.from(viaEngine.parameters[i]!.variable.dataSync())).toEqual(Array.from(p.variable.dataSync()));
    }
    await stepper.dispose();
    adam.dispose();
    tf.dispose([...masksA.values(), ...masksB.values()]);
    viaOptimizer.dispose();
    viaEngine.dispose();
  });

  it('refuses with an engine what only the optimizer path does', async () => {
    const m = mlp(12);
    const stepper = await optimizerEngine('stock').start({ parameters: m.parameters, loss: m.loss }, new Map(), { learningRate: 0.01, initialStep: 0, batchSize: 10 });
    const base = { parameters: m.parameters, loss: m.loss, engine: stepper, batches: m.batches, steps: 1 };
    const cases: [object, string][] = [
      [{ ...base, engine: {} }, 'engine'],
      [{ ...base, optimizer: tf.train.sgd(0.1) }, 'optimizer'],
      [{ ...base, masks: new Map() }, 'masks'],
      [{ ...base, learningRate: 0.1 }, 'learningRate'],
      [{ ...base, pruning: { scorer: magnitude, pruner: exactPruner, schedule: oneShot({ step: 0, sparsity: 0.5 }) } }, 'pruning'],
      [{ ...base, regularizers: [{ name: 'r' }] }, 'regularizers'],
    ];
    for (const [options, field] of cases) {
      let caught: unknown;
      try {
        await train(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), field).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
    await stepper.dispose();
    m.dispose();
  });

  it('validates its options before any work', async () => {
    const m = mlp(9);
    const base = { parameters: m.parameters, loss: m.loss, optimizer: tf.train.sgd(0.1), batches: m.batches };
    const cases: [object, string][] = [
      [{ ...base }, 'steps'],
      [{ ...base, steps: -1 }, 'steps'],
      [{ ...base, epochs: 1.5 }, 'epochs'],
      [{ ...base, steps: 1, parameters: [] }, 'parameters'],
      [{ ...base, steps: 1, parameters: [m.parameters[0], m.parameters[0]] }, 'parameters'],
      [{ ...base, steps: 1, batches: 3 }, 'batches'],
      [{ ...base, steps: 1, optimizer: {} }, 'optimizer'],
      [
        {
          ...base,
          steps: 1,
          pruning: {
            scorer: magnitude,
            pruner: exactPruner,
            schedule: oneShot({ step: 0, sparsity: 0.5 }),
            parameters: [{ name: 'other', role: 'dense-kernel', variable: m.w1 }],
          },
        },
        'pruning.parameters',
      ],
    ];
    for (const [options, field] of cases) {
      let caught: unknown;
      try {
        await train(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), field).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
    m.dispose();
  });
});
