import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, train, type Batch, type NamedParameter } from '@sparse/core';
import { describeRegularizerContract } from '@sparse/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, makeParameters, mlpParameters } from '../../test/support/parameters.js';
import { seeded, uniform } from '../../test/support/seeded.js';
import { gsefScales } from '../sef/group-prox.js';
import { gsef } from './gsef-regularizer.js';
import type { GroupSpec } from '../groups/group-spec.js';
import type { GroupProxEvent } from './options.js';

await createRuntime({ backend: 'cpu' });

describeRegularizerContract('gsef (output units, host)', () => gsef({ lambda: 0.5, targetGroupSparsity: 0.5, compute: 'host' }), { learningRate: 0.3 });
describeRegularizerContract('gsef (output units, backend)', () => gsef({ lambda: 0.5, targetGroupSparsity: 0.5 }), { learningRate: 0.3 });
describeRegularizerContract('gsef (unstructured, global)', () => gsef({ groups: 'unstructured', lambda: 0.5, k: 20, scope: 'global' }), { learningRate: 0.3 });

let live: NamedParameter[][] = [];
const track = (p: NamedParameter[]): NamedParameter[] => {
  live.push(p);
  return p;
};
afterEach(() => {
  for (const p of live) disposeAll(p);
  live = [];
});

const values = (p: NamedParameter): Float32Array => p.variable.dataSync() as Float32Array;

/** Column norms of fc kernel [in, out] with its bias. */
function neuronNorms(kernel: NamedParameter, bias: NamedParameter): number[] {
  const [inputs = 0, outputs = 0] = kernel.variable.shape;
  const w = values(kernel);
  const b = values(bias);
  return Array.from({ length: outputs }, (_, j) => {
    let s = (b[j] as number) ** 2;
    for (let i = 0; i < inputs; i++) s += (w[i * outputs + j] as number) ** 2;
    return Math.sqrt(s);
  });
}

describe('gsef proximalStep', () => {
  beforeAll(async () => {
    await createRuntime({ backend: 'cpu' });
  });

  it('applies the exact group prox per layer, on the host and on the backend alike', () => {
    for (const compute of ['host', 'backend'] as const) {
      const parameters = track(mlpParameters([30, 16, 8, 4], 3));
      const [fc1, b1, fc2, b2] = parameters as [NamedParameter, NamedParameter, NamedParameter, NamedParameter];
      const u1 = neuronNorms(fc1, b1);
      const u2 = neuronNorms(fc2, b2);
      const before = parameters.map((p) => Float32Array.from(values(p)));
      const regularizer = gsef({ lambda: 2, targetGroupSparsity: 0.75, compute });
      const binding = regularizer.bind(parameters);
      const countBefore = tf.memory().numTensors;
      regularizer.proximalStep(binding.parameters, { step: 0, learningRate: 0.1 }, new Map());
      expect(tf.memory().numTensors).toBe(countBefore);
      const s1 = gsefScales(u1, 4, 0.2);
      const s2 = gsefScales(u2, 2, 0.2);
      const expectScaled = (index: number, scale: (e: number) => number): void => {
        const now = values(parameters[index]!);
        const old = before[index]!;
        for (let e = 0; e < old.length; e++) expect(now[e]).toBeCloseTo((old[e] as number) * scale(e), 6);
      };
      expectScaled(0, (e) => s1[e % 16] as number);
      expectScaled(1, (e) => s1[e] as number);
      expectScaled(2, (e) => s2[e % 8] as number);
      expectScaled(3, (e) => s2[e] as number);
      expectScaled(4, () => 1); // the output layer is not grouped
      expectScaled(5, () => 1);
      const nonzero = regularizer.nonzeroGroups(parameters);
      expect(nonzero.map((c) => [c.name, c.groups])).toEqual([
        ['fc1', 16],
        ['fc2', 8],
      ]);
      expect(nonzero[0]!.nonzero).toBe(Array.from(s1).filter((s) => s > 0).length);
      expect(nonzero[0]!.nonzero).toBeGreaterThanOrEqual(4);
    }
  });

  it('host and backend agree for every group kind, and keep every shape', () => {
    const layout = [
      { name: 'c1/kernel', role: 'conv-kernel' as const, shape: [3, 3, 2, 4] },
      { name: 'c1/bias', role: 'bias' as const, shape: [4] },
      { name: 'c2/kernel', role: 'conv-kernel' as const, shape: [3, 3, 4, 5] },
      { name: 'c3/kernel', role: 'conv-kernel' as const, shape: [2, 2, 5, 3] },
      { name: 'd1/kernel', role: 'dense-kernel' as const, shape: [2 * 2 * 3, 6] },
      { name: 'd2/kernel', role: 'dense-kernel' as const, shape: [6, 4] },
      { name: 'd3/kernel', role: 'dense-kernel' as const, shape: [4, 3] },
      { name: 'd3/bias', role: 'bias' as const, shape: [3] },
    ];
    const cases: GroupSpec[][] = [
      [{ kind: 'conv-filters', kernel: 'c1/kernel', bias: 'c1/bias', outgoing: 'c2/kernel' }, { kind: 'conv-filters', kernel: 'c3/kernel', outgoing: 'd1/kernel' }, { kind: 'dense-inputs', kernel: 'd2/kernel' }],
      [{ kind: 'conv-channels', kernel: 'c2/kernel' }, { kind: 'filter-shapes', kernel: 'c3/kernel' }, { kind: 'dense-neurons', kernel: 'd2/kernel', outgoing: 'd3/kernel' }],
      [{ kind: 'tensors', name: 't', parameters: ['c1/kernel', 'd1/kernel'] }, { kind: 'unstructured', name: 'u', parameters: ['d3/bias', 'c2/kernel'] }, { kind: 'custom', name: 'x', groups: [[{ parameter: 'd3/kernel', indices: [0, 4, 5] }], [{ parameter: 'd3/kernel', indices: [7] }]] }],
    ];
    for (const groups of cases) {
      const results = (['host', 'backend'] as const).map((compute) => {
        const parameters = track(makeParameters(layout, 42));
        const regularizer = gsef({ lambda: 3, k: 1, groups, compute });
        regularizer.proximalStep(regularizer.bind(parameters).parameters, { step: 0, learningRate: 0.1 }, new Map());
        return parameters.map((p) => ({ shape: p.variable.shape, values: Array.from(values(p)) }));
      });
      const [host, backend] = results as [typeof results[0], typeof results[0]];
      host.forEach((entry, i) => {
        expect(backend[i]!.shape).toEqual(entry.shape);
        entry.values.forEach((v, e) => expect(backend[i]!.values[e]).toBeCloseTo(v, 6));
      });
    }
  });

  it('skips warm-up steps and steps from endStep on; lr 0 is a no-op; no lr is an error', () => {
    const parameters = track(mlpParameters([10, 6, 3], 4));
    const regularizer = gsef({ lambda: 5, k: 2, warmupSteps: 10, endStep: 20 });
    const binding = regularizer.bind(parameters);
    const snapshot = () => parameters.map((p) => Array.from(values(p)));
    const start = snapshot();
    regularizer.proximalStep(binding.parameters, { step: 9, learningRate: 0.1 }, new Map());
    regularizer.proximalStep(binding.parameters, { step: 20, learningRate: 0.1 }, new Map());
    regularizer.proximalStep(binding.parameters, { step: 15, learningRate: 0 }, new Map());
    expect(snapshot()).toEqual(start);
    regularizer.proximalStep(binding.parameters, { step: 10, learningRate: 0.1 }, new Map());
    expect(snapshot()).not.toEqual(start);
    expect(() => regularizer.proximalStep(binding.parameters, { step: 11 }, new Map())).toThrow(/no learningRate/);
  });

  it('reports nonzero groups through onStep and drives them towards k as λ grows', () => {
    const events: GroupProxEvent[] = [];
    const parameters = track(mlpParameters([20, 12, 3], 5));
    const regularizer = gsef({ lambda: (step) => 0.25 * 2 ** step, k: 3, onStep: (e) => events.push(e) });
    const binding = regularizer.bind(parameters);
    for (let step = 0; step < 6; step++) regularizer.proximalStep(binding.parameters, { step, learningRate: 1 }, new Map());
    const counts = events.map((e) => e.sets[0]!.nonzero);
    expect(counts[0]).toBeGreaterThan(3);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
    expect(counts.at(-1)).toBe(3);
    expect(regularizer.nonzeroGroups(parameters)[0]!.nonzero).toBe(3);
    expect(events[3]!.strength).toBe(2);
  });

  it('global scope shares k across layers', () => {
    const parameters = track(mlpParameters([20, 12, 10, 3], 6));
    const regularizer = gsef({ lambda: 1e6, k: 5, scope: 'global' });
    const binding = regularizer.bind(parameters);
    regularizer.proximalStep(binding.parameters, { step: 0, learningRate: 1 }, new Map());
    const total = regularizer.nonzeroGroups(parameters).reduce((s, c) => s + c.nonzero, 0);
    expect(total).toBe(5);
    expect(regularizer.target(parameters)).toEqual({ scope: 'global', k: 5 });
  });

  it('a group naming a parameter it was not given is a configuration error', () => {
    const parameters = track(mlpParameters([10, 6, 3], 7));
    const regularizer = gsef({ lambda: 1, k: 2, groups: [{ kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' }] });
    const kernelsOnly = parameters.filter((p) => p.role === 'dense-kernel');
    expect(() => regularizer.bind(kernelsOnly)).toThrow(expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field: 'groups[0].bias' }) }));
    expect(() => gsef({ lambda: 1, k: 9, groups: [{ kind: 'dense-neurons', kernel: 'fc1/kernel' }] }).bind(parameters)).toThrow(/asks to keep 9 groups but has only 6/);
  });
});

describe('gsef in training', () => {
  it('with core train: nonzero groups fall to ≥ k, hard selection keeps exactly k, the fine-tune keeps them', async () => {
    const random = seeded(8);
    const parameters = track(mlpParameters([12, 16, 8, 3], 8));
    const x = tf.tensor2d(uniform(random, 64 * 12, -1, 1), [64, 12]);
    const labels = tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(tf.matMul(x, tf.tensor2d(uniform(random, 12 * 3, -1, 1), [12, 3])), 1), 3), 'float32'));
    const batches: Batch[] = [{ x, y: labels }];
    const byName = new Map(parameters.map((p) => [p.name, p.variable] as const));
    const forward = (input: tf.Tensor): tf.Tensor => {
      const h1 = tf.relu(tf.add(tf.matMul(input, byName.get('fc1/kernel')!), byName.get('fc1/bias')!));
      const h2 = tf.relu(tf.add(tf.matMul(h1, byName.get('fc2/kernel')!), byName.get('fc2/bias')!));
      return tf.add(tf.matMul(h2, byName.get('out/kernel')!), byName.get('out/bias')!);
    };
    const loss = ({ x: input, y }: Batch) => tf.losses.softmaxCrossEntropy(y, forward(input)) as tf.Scalar;
    const seen: number[][] = [];
    const regularizer = gsef({ lambda: 3, targetGroupSparsity: 0.75, warmupSteps: 5, onStep: (e) => seen.push(e.sets.map((s) => s.nonzero)) });
    const before = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.02);
    await train({ parameters, loss, optimizer, batches, epochs: 60, regularizers: [regularizer.bind(parameters)] });
    optimizer.dispose();
    expect(seen).toHaveLength(55);
    expect(seen.at(-1)![0]).toBeGreaterThanOrEqual(4);
    expect(seen.at(-1)![1]).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)![0]).toBeLessThan(16);

    const { masks, sets } = regularizer.selectTopGroups(parameters);
    expect(sets.map((s) => [s.name, s.kept])).toEqual([
      ['fc1', 4],
      ['fc2', 2],
    ]);
    const fineTune = tf.train.adam(0.01);
    await train({ parameters, loss, optimizer: fineTune, batches, epochs: 5, masks });
    fineTune.dispose();
    expect(regularizer.nonzeroGroups(parameters).map((c) => c.nonzero)).toEqual([4, 2]);
    tf.dispose([...masks.values()]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels]);
  });
});
