import { describe, expect, expectTypeOf, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { s, type Infer } from './schema.js';
import { checkConfig, validateConfig } from './validate.js';

const experiment = s.object({
  name: s.string({ pattern: /^[a-z0-9-]+$/, patternDescription: 'lower-case letters, digits and -' }),
  seeds: s.array(s.integer({ min: 0 }), { minLength: 1 }),
  backend: s.enum(['cpu', 'wasm', 'node']).default('cpu'),
  note: s.string().optional(),
  training: s.object({
    epochs: s.integer({ min: 1, max: 1000 }),
    lr: s.number({ gt: 0, max: 1 }),
    shuffle: s.boolean().default(true),
  }),
  pruning: s.variant('method', {
    magnitude: { rate: s.number({ gt: 0, lt: 1 }), scope: s.enum(['layer', 'global']).default('layer') },
    random: { rate: s.number({ gt: 0, lt: 1 }) },
  }),
});

const valid = { name: 'lenet', seeds: [0, 1], training: { epochs: 10, lr: 0.1 }, pruning: { method: 'magnitude', rate: 0.2 } };

function issuesOf(value: unknown): { path: string; message: string }[] {
  const result = checkConfig(experiment, value);
  if (result.ok) throw new Error('expected issues');
  return result.issues.map(({ path, message }) => ({ path, message }));
}

describe('schema builders', () => {
  it('validate a good config, fill defaults and leave optional keys out', () => {
    const config = validateConfig(experiment, valid);
    expect(config).toEqual({ ...valid, backend: 'cpu', training: { epochs: 10, lr: 0.1, shuffle: true }, pruning: { method: 'magnitude', rate: 0.2, scope: 'layer' } });
    expect('note' in config).toBe(false);
  });

  it('infer the config type', () => {
    type Experiment = Infer<typeof experiment>;
    expectTypeOf<Experiment['seeds']>().toEqualTypeOf<readonly number[]>();
    expectTypeOf<Experiment['backend']>().toEqualTypeOf<'cpu' | 'wasm' | 'node'>();
    expectTypeOf<Experiment['note']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Extract<Experiment['pruning'], { method: 'magnitude' }>['scope']>().toEqualTypeOf<'layer' | 'global'>();
  });

  it('collect every problem, each with its path, what was received and what is allowed', () => {
    const issues = issuesOf({
      name: 'LeNet!',
      seeds: [0, -1, 2.5],
      backend: 'wsam',
      training: { epochs: 0, lr: 0, shufle: false },
      pruning: { method: 'magnitude', rate: 1.5 },
      sedes: [1],
    });
    expect(issues).toEqual([
      { path: 'sedes', message: 'unknown key (did you mean "seeds"?); allowed keys: "name", "seeds", "backend", "note", "training", "pruning"' },
      { path: 'name', message: 'expected a string made of lower-case letters, digits and -, received "LeNet!"' },
      { path: 'seeds[1]', message: 'expected an integer >= 0, received -1' },
      { path: 'seeds[2]', message: 'expected an integer >= 0, received 2.5' },
      { path: 'backend', message: 'expected one of "cpu", "wasm", "node", received "wsam" (did you mean "wasm"?)' },
      { path: 'training.shufle', message: 'unknown key (did you mean "shuffle"?); allowed keys: "epochs", "lr", "shuffle"' },
      { path: 'training.epochs', message: 'expected an integer in [1, 1000], received 0' },
      { path: 'training.lr', message: 'expected a number in (0, 1], received 0' },
      { path: 'pruning.rate', message: 'expected a number in (0, 1), received 1.5' },
    ]);
  });

  it('report missing keys with what is expected', () => {
    expect(issuesOf({ seeds: [1], training: {}, pruning: { rate: 0.5 } })).toEqual([
      { path: 'name', message: 'missing; expected a string made of lower-case letters, digits and -' },
      { path: 'training.epochs', message: 'missing; expected an integer in [1, 1000]' },
      { path: 'training.lr', message: 'missing; expected a number in (0, 1]' },
      { path: 'pruning.method', message: 'missing; expected one of "magnitude", "random"' },
    ]);
  });

  it('check variants by their tag and reject keys of other cases', () => {
    expect(issuesOf({ ...valid, pruning: { method: 'random', rate: 0.3, scope: 'layer' } })).toEqual([
      { path: 'pruning.scope', message: 'unknown key; allowed keys: "method", "rate"' },
    ]);
    expect(issuesOf({ ...valid, pruning: { method: 'magnitud', rate: 0.3 } })).toEqual([
      { path: 'pruning.method', message: 'expected one of "magnitude", "random", received "magnitud" (did you mean "magnitude"?)' },
    ]);
  });

  it('distinguish strings from numbers and reject non-finite numbers', () => {
    expect(issuesOf({ ...valid, seeds: ['1'], training: { epochs: Number.NaN, lr: Number.POSITIVE_INFINITY } })).toEqual([
      { path: 'seeds[0]', message: 'expected an integer >= 0, received "1"' },
      { path: 'training.epochs', message: 'expected an integer in [1, 1000], received NaN' },
      { path: 'training.lr', message: 'expected a number in (0, 1] (finite), received Infinity' },
    ]);
  });

  it('report wrong containers and array sizes', () => {
    expect(issuesOf({ ...valid, seeds: [], training: [1] })).toEqual([
      { path: 'seeds', message: 'expected an array of at least 1 items, each an integer >= 0, received an array of 0 items' },
      { path: 'training', message: 'expected an object with keys "epochs", "lr", "shuffle", received an array of 1 item' },
    ]);
    expect(checkConfig(experiment, null)).toEqual({ ok: false, issues: [expect.objectContaining({ path: '(root)', received: null })] });
  });

  it('carry machine-readable allowed values', () => {
    const result = checkConfig(experiment, { ...valid, backend: 'gpu' });
    expect(result.ok ? [] : result.issues).toEqual([{ path: 'backend', message: expect.any(String), received: 'gpu', allowed: ['cpu', 'wasm', 'node'] }]);
  });

  it('run refinements after the value passes, at a sub-path', () => {
    const range = s
      .object({ min: s.number(), max: s.number() })
      .refine((value, problem) => {
        if (value.min >= value.max) problem(`must be greater than min (${value.min})`, 'max');
      });
    expect(checkConfig(range, { min: 2, max: 1 })).toEqual({ ok: false, issues: [{ path: 'max', message: 'must be greater than min (2)' }] });
    expect(checkConfig(range, { min: 1, max: 2 }).ok).toBe(true);
  });

  it('validate records with key patterns, literals and free-form JSON', () => {
    const schema = s.object({
      layers: s.record(s.number({ min: 0, max: 1 }), { keyPattern: /^[a-z_/0-9]+$/, keyDescription: 'lower-case layer names' }),
      version: s.literal(1),
      options: s.json(),
    });
    expect(checkConfig(schema, { layers: { dense_1: 0.5 }, version: 1, options: { any: [1, 'x', null] } }).ok).toBe(true);
    const bad = checkConfig(schema, { layers: { Dense: 0.5, conv: 2 }, version: 2, options: { f: () => 1 } });
    expect(bad.ok ? [] : bad.issues.map((issue) => issue.path)).toEqual(['layers.Dense', 'layers.conv', 'version', 'options']);
  });

  it('quote keys that are not identifiers in paths', () => {
    const schema = s.object({ sparsity: s.record(s.number({ max: 1 })) });
    const result = checkConfig(schema, { sparsity: { 'dense 1/kernel': 3 } });
    expect(result.ok ? '' : result.issues[0]?.path).toBe('sparsity["dense 1/kernel"]');
  });

  it('do not share default values between results', () => {
    const schema = s.object({ list: s.array(s.integer()).default([1]) });
    const a = validateConfig(schema, {});
    (a.list as number[]).push(2);
    expect(validateConfig(schema, {}).list).toEqual([1]);
  });

  it('throw one E_CONFIG error listing every problem, one per line', () => {
    let error: unknown;
    try {
      validateConfig(experiment, { ...valid, backend: 'metal', training: { epochs: 0, lr: 0.1 } }, 'lenet.json');
    } catch (caught) {
      error = caught;
    }
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    if (!isSparseError(error)) return;
    expect(error.message).toBe(
      [
        'Invalid config lenet.json (2 problems):',
        '  - backend: expected one of "cpu", "wasm", "node", received "metal"',
        '  - training.epochs: expected an integer in [1, 1000], received 0',
      ].join('\n'),
    );
    expect(error.details).toEqual({ field: 'backend, training.epochs', received: 'metal', allowed: ['cpu', 'wasm', 'node'] });
  });
});
