import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { DEFAULT_EXCLUDE, isExcluded } from './exclude.js';
import { describeDeltaPruning, resolveDeltaPruneOptions, type DeltaPruneOptions } from './delta-prune-options.js';
import { resolveRescale } from './rescale.js';

function configError(options: DeltaPruneOptions): { field: unknown; message: string } {
  try {
    resolveDeltaPruneOptions(options);
  } catch (error) {
    if (isSparseError(error) && error.code === 'E_CONFIG') return { field: error.details.field, message: error.message };
    throw error;
  }
  throw new Error('expected an E_CONFIG error');
}

describe('resolveDeltaPruneOptions', () => {
  it('fills explicit defaults: random drops rescale 1/(1-p), magnitude does not rescale', () => {
    const dare = resolveDeltaPruneOptions({ rate: 0.9 });
    expect([dare.method, dare.rescale.kind, dare.scope, dare.seed]).toEqual(['random', 'dare', 'tensor', 0]);
    expect(dare.exclude).toEqual(DEFAULT_EXCLUDE);
    expect(describeDeltaPruning(dare)).toBe('random p=0.9 rescale=1/(1-p) = 10 seed=0');
    const magnitude = resolveDeltaPruneOptions({ rate: 0.5, method: 'magnitude', scope: 'global' });
    expect(magnitude.rescale.kind).toBe('none');
    expect(describeDeltaPruning(magnitude)).toBe('magnitude p=0.5 scope=global rescale=none (factor 1)');
  });

  it.each([
    [{ rate: 1.5 }, 'rate'],
    [{ rate: Number.NaN }, 'rate'],
    [{ rate: -0.1 }, 'rate'],
    [{ rate: 0.5, method: 'sideways' as 'random' }, 'method'],
    [{ rate: 0.5, scope: 'global' as const }, 'scope'],
    [{ rate: 0.5, seed: -1 }, 'seed'],
    [{ rate: 0.5, seed: 1.5 }, 'seed'],
    [{ rate: 0.5, exclude: ['head'] as unknown as RegExp[] }, 'exclude'],
    [{ rate: 0.99, rescale: { q: 0.005 } }, 'rescale.q'],
    [{ rate: 0.5, rescale: { q: 1.2 } }, 'rescale.q'],
    [{ rate: 0.5, rescale: 'sqrt' as 'dare' }, 'rescale'],
  ])('rejects %j naming %s', (options, field) => {
    const error = configError(options as DeltaPruneOptions);
    expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('accepts q from 1 − p (DARE) to 1 and per-tensor maps with a mean fallback', () => {
    expect(resolveDeltaPruneOptions({ rate: 0.99, rescale: { q: 0.01 } }).rescale.kind).toBe('q');
    const rule = resolveRescale({ q: new Map([['a', 0.2], ['b', 0.4]]) }, 0.9);
    if (rule.kind !== 'q') throw new Error('expected q');
    expect([rule.qOf('a'), rule.qOf('b'), rule.qOf('c')]).toEqual([0.2, 0.4, 0.30000000000000004]);
    expect(() => resolveRescale({ q: new Map([['a', 0.05]]) }, 0.9)).toThrow(/rescale\.q\['a'\]/);
  });
});

describe('DEFAULT_EXCLUDE', () => {
  it.each([
    ['classifier.weight', true],
    ['roberta.classifier.out_proj.bias', true],
    ['lm_head.weight', true],
    ['head/kernel', true],
    ['score.weight', true],
    ['model.layers.0.self_attn.q_proj.weight', false],
    ['encoder.heads.0.weight', false],
    ['ahead.weight', false],
    ['fc2/kernel', false],
  ])('%s → %s', (name, excluded) => {
    expect(isExcluded(name, DEFAULT_EXCLUDE)).toBe(excluded);
  });

  it('ignores the lastIndex state of global patterns', () => {
    const pattern = /x/g;
    expect([isExcluded('x', [pattern]), isExcluded('x', [pattern])]).toEqual([true, true]);
  });
});
