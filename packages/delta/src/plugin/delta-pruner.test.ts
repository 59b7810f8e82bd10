import { describe, expect, it } from 'vitest';
import { createRuntime, isSparseError } from '@sparse/core';
import { DeltaPruners } from '../tokens.js';
import { pruneDeltas } from '../tensors/prune-deltas.js';
import { createDeltaPruner, deltaPruning } from './delta-pruner.js';

describe('deltaPruning plugin', () => {
  it('registers dare, drop-only, darex-q and magnitude, resolved by name with explicit rescale', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPruning()] });
    expect(runtime.names(DeltaPruners)).toEqual(['dare', 'darex-q', 'drop-only', 'magnitude']);
    const rescales = (['dare', 'drop-only', 'magnitude'] as const).map((name) => runtime.create(DeltaPruners, name, { rate: 0.9 }).options.rescale.kind);
    expect(rescales).toEqual(['dare', 'none', 'none']);
    const darex = runtime.create(DeltaPruners, 'darex-q', { rate: 0.99, q: 0.2, seed: 4, exclude: ['^head'] });
    expect(darex.options.rescale.description).toBe('1/q, q = 0.2');
    const base = new Map([['w', new Float32Array(50)], ['head', new Float32Array(2)]]);
    const tuned = new Map([['w', new Float32Array(50).fill(0.01)], ['head', new Float32Array([1, 2])]]);
    const expected = await pruneDeltas(base, tuned, { rate: 0.99, rescale: { q: 0.2 }, seed: 4, exclude: [/^head/] });
    expect((await darex.prune(base, tuned)).tensors).toEqual(expected.tensors);
  });

  it.each([
    ['dare', { rate: 0.9, rescale: 'none' }, /no option 'rescale'/],
    ['darex-q', { rate: 0.99 }, /needs q/],
    ['magnitude', { rate: 0.9, rescale: 'dare', q: 0.5 }, /q is only used/],
    ['magnitude', { rate: 0.9, exclude: ['('] }, /not a valid regular expression/],
    ['dare', { rate: 'high' }, /rate/],
  ] as const)('%s with %j is an E_CONFIG error', (name, config, message) => {
    try {
      createDeltaPruner(name, config);
      throw new Error('expected an error');
    } catch (error) {
      expect(isSparseError(error) && error.code).toBe('E_CONFIG');
      expect((error as Error).message).toMatch(message);
    }
  });
});
