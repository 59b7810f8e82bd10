import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, isSparseError, type NamedParameter } from '@sparse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, makeParameters } from '../../test/support/parameters.js';
import { outputUnitGroups } from './auto-groups.js';
import type { GroupSet } from './group-layout.js';
import type { GroupSpec } from './group-spec.js';
import { resolveGroups } from './resolve-groups.js';

let parameters: NamedParameter[];

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
  parameters = makeParameters([
    { name: 'conv1/kernel', role: 'conv-kernel', shape: [3, 3, 2, 4] },
    { name: 'conv1/bias', role: 'bias', shape: [4] },
    { name: 'conv2/kernel', role: 'conv-kernel', shape: [3, 3, 4, 5] },
    { name: 'fc1/kernel', role: 'dense-kernel', shape: [20, 6] },
    { name: 'fc1/bias', role: 'bias', shape: [6] },
    { name: 'out/kernel', role: 'dense-kernel', shape: [6, 3] },
  ]);
});

afterAll(() => disposeAll(parameters));

/** The flat element indices of each group of a set, per parameter name, by brute force. */
function elementsOf(set: GroupSet): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const { parameter, outer, axis, inner, groupOf } of set.members) {
    for (let o = 0; o < outer; o++)
      for (let a = 0; a < axis; a++)
        for (let i = 0; i < inner; i++) {
          const g = groupOf[a] as number;
          if (g < 0) continue;
          const list = groups.get(g) ?? [];
          list.push(`${parameter.name}#${(o * axis + a) * inner + i}`);
          groups.set(g, list);
        }
  }
  return groups;
}

const flat = (shape: readonly number[], index: readonly number[]): number => index.reduce((acc, v, d) => acc * (shape[d] as number) + v, 0);

describe('resolveGroups: the kinds', () => {
  it('dense neurons with bias and outgoing weights: kernel[:, j], bias[j], next[j, :]', () => {
    const { sets } = resolveGroups([{ kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias', outgoing: 'out/kernel' }], parameters);
    const set = sets[0]!;
    expect([set.name, set.count]).toEqual(['fc1', 6]);
    const g2 = elementsOf(set).get(2)!;
    const expected = [
      ...Array.from({ length: 20 }, (_, i) => `fc1/kernel#${flat([20, 6], [i, 2])}`),
      'fc1/bias#2',
      ...Array.from({ length: 3 }, (_, o) => `out/kernel#${flat([6, 3], [2, o])}`),
    ];
    expect(g2.sort()).toEqual(expected.sort());
    expect(Array.from(set.sizes)).toEqual(new Array(6).fill(24));
  });

  it('conv filters, input channels and filter shapes follow the [kh, kw, cin, cout] layout', () => {
    const shape = [3, 3, 4, 5];
    const { sets } = resolveGroups([{ kind: 'conv-filters', name: 'f', kernel: 'conv1/kernel', bias: 'conv1/bias', outgoing: 'conv2/kernel' }], parameters);
    const filters = elementsOf(sets[0]!);
    // filter 1: conv1 kernel[:, :, :, 1] (18), bias[1], conv2 kernel[:, :, 1, :] (45)
    expect(filters.get(1)!.length).toBe(18 + 1 + 45);
    expect(filters.get(1)).toContain(`conv2/kernel#${flat(shape, [2, 0, 1, 4])}`);
    expect(filters.get(1)).toContain(`conv1/kernel#${flat([3, 3, 2, 4], [1, 2, 1, 1])}`);

    const channels = elementsOf(resolveGroups([{ kind: 'conv-channels', kernel: 'conv2/kernel' }], parameters).sets[0]!);
    expect(channels.size).toBe(4);
    expect(channels.get(3)!.sort()).toEqual(
      Array.from({ length: 45 }, (_, e) => {
        const [i, j, o] = [Math.floor(e / 15), Math.floor(e / 5) % 3, e % 5];
        return `conv2/kernel#${flat(shape, [i, j, 3, o])}`;
      }).sort(),
    );
    const shapes = resolveGroups([{ kind: 'filter-shapes', kernel: 'conv2/kernel' }], parameters).sets[0]!;
    expect(shapes.count).toBe(36);
    expect(elementsOf(shapes).get(flat([3, 3, 4], [1, 2, 3]))!.sort()).toEqual(
      Array.from({ length: 5 }, (_, o) => `conv2/kernel#${flat(shape, [1, 2, 3, o])}`).sort(),
    );
  });

  it('a conv filter\'s outgoing weights in a dense layer after Flatten are the rows r with r mod cout = o', () => {
    const local = makeParameters([
      { name: 'c/kernel', role: 'conv-kernel', shape: [3, 3, 1, 4] },
      { name: 'd/kernel', role: 'dense-kernel', shape: [2 * 2 * 4, 7] },
    ]);
    try {
      const set = resolveGroups([{ kind: 'conv-filters', kernel: 'c/kernel', outgoing: 'd/kernel' }], local).sets[0]!;
      const rows = elementsOf(set).get(3)!.filter((e) => e.startsWith('d/kernel')).map((e) => Math.floor(Number(e.split('#')[1]) / 7));
      expect([...new Set(rows)].sort((a, b) => a - b)).toEqual([3, 7, 11, 15]);
    } finally {
      disposeAll(local);
    }
  });

  it('dense inputs, whole tensors, single scalars and custom lists', () => {
    expect(resolveGroups([{ kind: 'dense-inputs', kernel: 'fc1/kernel' }], parameters).sets[0]!.count).toBe(20);
    const tensors = resolveGroups([{ kind: 'tensors', name: 't', parameters: ['fc1/kernel', 'out/kernel'] }], parameters).sets[0]!;
    expect(Array.from(tensors.sizes)).toEqual([120, 18]);
    const unstructured = resolveGroups([{ kind: 'unstructured', parameters: ['fc1/bias', 'out/kernel'] }], parameters);
    expect(unstructured.totalGroups).toBe(6 + 18);
    expect(Array.from(unstructured.sets[0]!.sizes).every((s) => s === 1)).toBe(true);
    const custom = resolveGroups(
      [{ kind: 'custom', name: 'pairs', groups: [[{ parameter: 'fc1/bias', indices: [0, 1] }], [{ parameter: 'fc1/bias', indices: [2] }, { parameter: 'out/kernel', indices: [0, 5] }]] }],
      parameters,
    ).sets[0]!;
    expect(Array.from(custom.sizes)).toEqual([2, 3]);
  });

  it('weights: uniform (none), sqrt-size, or explicit per group', () => {
    const spec: GroupSpec = { kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' };
    expect(resolveGroups([spec], parameters).sets[0]!.weights).toBeUndefined();
    expect(Array.from(resolveGroups([spec], parameters, { weighting: 'sqrt-size' }).sets[0]!.weights!)).toEqual(new Array(6).fill(Math.sqrt(21)));
    expect(Array.from(resolveGroups([{ ...spec, weighting: [1, 2, 3, 4, 5, 6] }], parameters).sets[0]!.weights!)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('outputUnitGroups: every kernel but the last, with its bias when present', () => {
    expect(outputUnitGroups(parameters)).toEqual([
      { kind: 'conv-filters', name: 'conv1', kernel: 'conv1/kernel', bias: 'conv1/bias' },
      { kind: 'conv-filters', name: 'conv2', kernel: 'conv2/kernel' },
      { kind: 'dense-neurons', name: 'fc1', kernel: 'fc1/kernel', bias: 'fc1/bias' },
    ]);
    expect(outputUnitGroups(parameters, { includeLast: true, bias: false })).toHaveLength(4);
  });
});

describe('resolveGroups: a bad group definition is an E_CONFIG error naming it', () => {
  const cases: [string, GroupSpec[], RegExp, string][] = [
    ['a dense kind on a conv kernel', [{ kind: 'dense-neurons', kernel: 'conv1/kernel' }], /shape/, 'groups[0].kernel'],
    [
      'overlap: outgoing weights are the next layer\'s neurons',
      [
        { kind: 'dense-neurons', kernel: 'fc1/kernel', outgoing: 'out/kernel' },
        { kind: 'dense-neurons', kernel: 'out/kernel' },
      ],
      /groups\[1\]: groups overlap: element 0 of 'out\/kernel' is in group 0 of 'fc1' and in group 0 of 'out'/,
      'groups[1]',
    ],
    ['the same tensor twice', [{ kind: 'tensors', parameters: ['fc1/kernel', 'fc1/kernel'] }], /lists 'fc1\/kernel' twice/, 'groups[0].parameters[1]'],
    [
      'overlap inside a custom set',
      [{ kind: 'custom', name: 'x', groups: [[{ parameter: 'fc1/bias', indices: [0, 1] }], [{ parameter: 'fc1/bias', indices: [1] }]] }],
      /element 1 of 'fc1\/bias' is in group 0 and in group 1/,
      'groups[0].groups[1]',
    ],
    ['an empty custom group', [{ kind: 'custom', name: 'x', groups: [[{ parameter: 'fc1/bias', indices: [0] }], []] }], /group 1 is empty/, 'groups[0]'],
    ['an index out of range', [{ kind: 'custom', name: 'x', groups: [[{ parameter: 'fc1/bias', indices: [6] }]] }], /6 is out of range for 'fc1\/bias' \(6 elements/, 'groups[0].groups[0][0].indices'],
    ['an unknown parameter', [{ kind: 'dense-neurons', kernel: 'fc9/kernel' }], /no parameter named 'fc9\/kernel'/, 'groups[0].kernel'],
    ['a bias of the wrong length', [{ kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'conv1/bias' }], /'conv1\/bias' has shape \[4\], expected a bias \[6\]/, 'groups[0].bias'],
    ['outgoing weights that do not fit', [{ kind: 'conv-filters', kernel: 'conv1/kernel', outgoing: 'out/kernel' }], /expected a conv kernel/, 'groups[0].outgoing'],
    ['an unknown kind', [{ kind: 'neurons' } as unknown as GroupSpec], /kind must be one of dense-neurons/, 'groups[0].kind'],
    ['duplicate set names', [{ kind: 'dense-inputs', kernel: 'fc1/kernel' }, { kind: 'unstructured', name: 'fc1', parameters: ['out/kernel'] }], /a set named 'fc1' already exists/, 'groups[1].name'],
    ['weights of the wrong length', [{ kind: 'dense-neurons', kernel: 'fc1/kernel', weighting: [1, 2] }], /has 2 weights but the set has 6 groups/, 'groups[0].weighting'],
  ];
  it.each(cases)('%s', (_, specs, message, field) => {
    let error: unknown;
    try {
      resolveGroups(specs, parameters);
    } catch (caught) {
      error = caught;
    }
    expect(isSparseError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_CONFIG', details: { field } });
    expect((error as Error).message).toMatch(message);
  });

  it('an empty list is an error, and resolving leaks no tensor', () => {
    const before = tf.memory().numTensors;
    expect(() => resolveGroups([], parameters)).toThrow(/non-empty array/);
    resolveGroups([{ kind: 'dense-neurons', kernel: 'fc1/kernel' }], parameters);
    expect(tf.memory().numTensors).toBe(before);
  });
});
