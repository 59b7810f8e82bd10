import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { toyBatches, toySet, useCpu } from '../../test/support.js';
import { createMlp } from '../model/mlp.js';
import { trainRound } from '../training/train-round.js';
import { createEvaluator } from '../training/evaluator.js';
import { readParameterValues } from './parameter-values.js';
import { runImp, type BranchName } from './run-imp.js';

beforeAll(useCpu);

const LAYERS = [8, 12, 6, 3];

interface Seen {
  readonly level: number;
  readonly branch: BranchName;
  readonly before: Map<string, Float32Array>;
  readonly after: Map<string, Float32Array>;
  readonly masks: Map<string, Uint8Array>;
  readonly startStep: number;
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
}

async function experiment(options: { rewindStep?: number; rounds?: number } = {}) {
  const set = toySet(96);
  const model = createMlp({ layerSizes: LAYERS, seed: 5 });
  const evaluator = createEvaluator(set, { numClasses: 3, chunkSize: 50 });
  const seen: Seen[] = [];
  const tensorsAtStart = tf.memory().numTensors;
  const result = await runImp({
    parameters: model.parameters,
    seed: 5,
    rounds: options.rounds ?? 3,
    rates: { default: 0.3, output: 0.15 },
    rewindStep: options.rewindStep ?? 0,
    branches: { reinit: true, randomPrune: { levels: [2], shuffle: 'layerwise' } },
    reinitValues: () => model.initialValues(5, 'reinit'),
    train: async (context) => {
      const before = readParameterValues(model.parameters);
      const tensorsBefore = tf.memory().numTensors;
      const round = await trainRound({
        model,
        masks: context.masks,
        batches: toyBatches(set, 16, 5),
        learningRate: 0.01,
        startStep: context.startStep,
        endStep: 24,
        evalEvery: 8,
        validate: () => evaluator.evaluate(model.forward),
        test: () => evaluator.evaluate(model.forward),
        ...(context.rewindStep === undefined ? {} : { snapshotAt: [context.rewindStep], onSnapshot: (_: number, values: Map<string, Float32Array> | ReadonlyMap<string, Float32Array>) => context.rewind?.(values) }),
      });
      seen.push({
        level: context.level,
        branch: context.branch,
        before,
        after: readParameterValues(model.parameters),
        masks: new Map([...context.masks].map(([name, mask]) => [name, mask.kept])),
        startStep: context.startStep,
        tensorsBefore,
        tensorsAfter: tf.memory().numTensors,
      });
      return round.earlyStop.testAccuracy;
    },
  });
  const tensorsAtEnd = tf.memory().numTensors;
  const theta0 = result.theta0;
  const reinit = model.initialValues(5, 'reinit');
  evaluator.dispose();
  model.dispose();
  return { result, seen, theta0, reinit, tensorsAtStart, tensorsAtEnd };
}

describe('runImp', () => {
  it('keeps masked weights exactly 0 through training and resets every parameter to θ0 bit-exactly', async () => {
    const { result, seen, theta0 } = await experiment();
    expect(result.levels.map((l) => l.level)).toEqual([0, 1, 2, 3]);
    const tickets = seen.filter((s) => s.branch === 'ticket');
    expect(tickets.map((s) => s.level)).toEqual([0, 1, 2, 3]);
    for (const run of seen) {
      for (const [name, kept] of run.masks) {
        const after = run.after.get(name)!;
        for (let i = 0; i < kept.length; i += 1) if (kept[i] === 0) expect(Math.abs(after[i]!)).toBe(0);
      }
    }
    for (const run of tickets) {
      for (const [name, start] of run.before) {
        const kept = run.masks.get(name);
        const init = theta0.get(name)!;
        for (let i = 0; i < start.length; i += 1) expect(start[i]).toBe(kept === undefined || kept[i] === 1 ? init[i] : 0);
      }
      // biases are reset too (they start at 0 and move during training)
      expect([...run.before.get('fc1/bias')!].every((v) => v === 0)).toBe(true);
    }
    expect([...seen[0]!.after.get('fc1/bias')!].some((v) => v !== 0)).toBe(true);
  });

  it('prunes 30% of the remaining weights per round (output 15%) and never revives', async () => {
    const { result } = await experiment();
    const alive = (level: number, name: string) => result.levels[level]!.masks.get(name)?.kept.reduce((a, b) => a + b, 0) ?? 96;
    expect(alive(1, 'fc1/kernel')).toBe(96 - Math.floor(0.3 * 96));
    expect(alive(1, 'fc3/kernel')).toBe(18 - Math.floor(0.15 * 18));
    expect(alive(2, 'fc1/kernel')).toBe(68 - Math.floor(0.3 * 68));
    for (let level = 2; level < result.levels.length; level += 1) {
      for (const [name, mask] of result.levels[level]!.masks) {
        const before = result.levels[level - 1]!.masks.get(name)!.kept;
        mask.kept.forEach((k, i) => expect(k <= before[i]!).toBe(true));
      }
    }
  });

  it('random re-initialisation trains the same mask from a different initialisation; random pruning shuffles it', async () => {
    const { seen, theta0, reinit } = await experiment();
    for (const level of [1, 2, 3]) {
      const ticket = seen.find((s) => s.level === level && s.branch === 'ticket')!;
      const re = seen.find((s) => s.level === level && s.branch === 'reinit')!;
      expect(re.masks).toEqual(ticket.masks);
      const name = 'fc1/kernel';
      const kept = re.masks.get(name)!;
      let differs = 0;
      for (let i = 0; i < kept.length; i += 1) {
        expect(re.before.get(name)![i]).toBe(kept[i] === 1 ? reinit.get(name)![i] : 0);
        if (kept[i] === 1 && re.before.get(name)![i] !== theta0.get(name)![i]) differs += 1;
      }
      expect(differs).toBe(kept.reduce((a, b) => a + b, 0));
    }
    const random = seen.filter((s) => s.branch === 'random-prune');
    expect(random.map((s) => s.level)).toEqual([2]);
    const ticket2 = seen.find((s) => s.level === 2 && s.branch === 'ticket')!;
    for (const [name, kept] of random[0]!.masks) {
      expect(kept.reduce((a, b) => a + b, 0)).toBe(ticket2.masks.get(name)!.reduce((a, b) => a + b, 0));
    }
    expect(random[0]!.masks).not.toEqual(ticket2.masks);
  });

  it('rewinds to the weights after k iterations of dense training', async () => {
    const { seen, result } = await experiment({ rewindStep: 8, rounds: 1 });
    const level1 = seen.find((s) => s.level === 1 && s.branch === 'ticket')!;
    expect(level1.startStep).toBe(8);
    for (const [name, start] of level1.before) {
      const kept = level1.masks.get(name);
      const rewind = result.rewindPoint.get(name)!;
      for (let i = 0; i < start.length; i += 1) expect(start[i]).toBe(kept === undefined || kept[i] === 1 ? rewind[i] : 0);
    }
    expect(result.rewindPoint.get('fc1/kernel')).not.toEqual(result.theta0.get('fc1/kernel'));
  });

  it('leaks no tensor per training round or per level', async () => {
    const { seen, tensorsAtStart, tensorsAtEnd } = await experiment();
    for (const run of seen) expect(run.tensorsAfter).toBe(run.tensorsBefore);
    expect(tensorsAtEnd).toBe(tensorsAtStart);
  });
});

describe('runImp reporting', () => {
  it('reports each level once, in order, with the one-shot runs at their target level', async () => {
    const model = createMlp({ layerSizes: LAYERS, seed: 2 });
    const reported: number[] = [];
    const order: string[] = [];
    const result = await runImp({
      parameters: model.parameters,
      seed: 2,
      rounds: 3,
      rates: { default: 0.3 },
      branches: { reinit: [2], randomPrune: { levels: [3] }, oneShot: { levels: [3, 1] } },
      reinitValues: () => model.initialValues(2, 'reinit'),
      onLevel: (level) => void reported.push(level.level),
      train: async (context) => {
        order.push(`${context.branch}@${context.level}`);
        return `${context.branch}@${context.level}`;
      },
    });
    model.dispose();
    expect(order).toEqual(['ticket@0', 'one-shot@1', 'one-shot@3', 'ticket@1', 'ticket@2', 'reinit@2', 'ticket@3', 'random-prune@3']);
    expect(reported).toEqual([0, 1, 2, 3]);
    expect(result.levels.map((l) => Object.keys(l.runs))).toEqual([['ticket'], ['ticket', 'one-shot'], ['ticket', 'reinit'], ['ticket', 'random-prune', 'one-shot']]);
    expect(result.levels[1]!.remaining).toBeCloseTo(1 - (28 + 21 + 2) / 186, 12); // 30% of fc1 and fc2, 15% (default / 2) of the output kernel
  });

  it('fails when train does not hand back θk at the rewind step', async () => {
    const model = createMlp({ layerSizes: LAYERS, seed: 2 });
    const run = runImp({ parameters: model.parameters, seed: 2, rounds: 1, rates: { default: 0.3 }, rewindStep: 4, train: async () => 0 });
    await expect(run).rejects.toMatchObject({ code: 'E_INTERNAL' });
    model.dispose();
  });
});
