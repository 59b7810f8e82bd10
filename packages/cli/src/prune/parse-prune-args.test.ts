import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparseError } from '@sparse/core';
import { parsePattern, parsePruneArgs } from './parse-prune-args.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'sparse-args-'));
  await writeFile(join(cwd, 'w.safetensors'), 'x');
  await mkdir(join(cwd, 'sub'));
  await symlink(join(cwd, 'w.safetensors'), join(cwd, 'link.safetensors'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const base = ['--in', 'w.safetensors', '--out', 'p.safetensors'];
async function failure(argv: string[]): Promise<SparseError> {
  try {
    await parsePruneArgs(argv, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(SparseError);
    expect((error as SparseError).code).toBe('E_CONFIG');
    return error as SparseError;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
}

describe('parsePruneArgs', () => {
  it('fills the defaults and resolves paths against cwd', async () => {
    const options = await parsePruneArgs([...base, '--sparsity', '0.5'], cwd);
    expect(options).toMatchObject({
      input: join(cwd, 'w.safetensors'),
      output: join(cwd, 'p.safetensors'),
      sparsity: 0.5,
      scope: 'layerwise',
      scorer: 'magnitude',
      scorerOptions: {},
      plugins: [],
      pattern: { kind: 'unstructured' },
      mode: 'pytorch',
      seed: 0,
      include: [],
      exclude: [],
    });
    expect(options.masks).toBeUndefined();
    expect(options.backend).toBeUndefined();
  });

  it('reads every flag', async () => {
    const options = await parsePruneArgs(
      [...base, '--sparsity', '0.75', '--scope', 'global', '--scorer', 'random', '--seed', '42', '--include', 'fc', '--include', '^conv', '--exclude', 'bias$', '--masks', 'sub/m.safetensors', '--mode', 'exact', '--backend', 'cpu'],
      cwd,
    );
    expect(options).toMatchObject({ sparsity: 0.75, scope: 'global', scorer: 'random', seed: 42, mode: 'exact', backend: 'cpu', masks: join(cwd, 'sub', 'm.safetensors') });
    expect(options.include.map(String)).toEqual(['/fc/', '/^conv/']);
    expect(options.exclude.map(String)).toEqual(['/bias$/']);
  });

  it('reads --scorer-option values as JSON when they parse, else as text, and --plugin in order', async () => {
    const options = await parsePruneArgs(
      [...base, '--sparsity', '0.5', '--scorer', 'my-scorer', '--scorer-option', 'power=3', '--scorer-option', 'distribution=normal', '--scorer-option', 'flags=[1,"a"]', '--scorer-option', 'quoted="3"', '--plugin', '@my-org/a', '--plugin=./b.js'],
      cwd,
    );
    expect(options.scorer).toBe('my-scorer');
    expect(options.scorerOptions).toEqual({ power: 3, distribution: 'normal', flags: [1, 'a'], quoted: '3' });
    expect(options.plugins).toEqual(['@my-org/a', './b.js']);
    expect(options.seed).toBe(0);
  });

  it('takes the run seed from --seed, else from --scorer-option seed', async () => {
    expect((await parsePruneArgs([...base, '--sparsity', '0.5', '--scorer-option', 'seed=5'], cwd)).seed).toBe(5);
    expect((await parsePruneArgs([...base, '--sparsity', '0.5', '--seed', '5', '--scorer-option', 'seed=5'], cwd)).seed).toBe(5);
    expect((await parsePruneArgs([...base, '--sparsity', '0.5', '--seed', '6'], cwd)).seed).toBe(6);
  });

  it('derives the sparsity of an N:M pattern', async () => {
    expect((await parsePruneArgs([...base, '--pattern', '2:4'], cwd)).sparsity).toBe(0.5);
    expect((await parsePruneArgs([...base, '--pattern', '1:4', '--sparsity', '0.75'], cwd)).pattern).toEqual({ kind: 'n:m', n: 1, m: 4 });
  });

  it.each([
    [['--out', 'p.safetensors', '--sparsity', '0.5'], /^--in is required/],
    [['--in', 'w.safetensors', '--sparsity', '0.5'], /^--out is required/],
    [base, /^--sparsity is required: the fraction of weights to prune, a number in \[0, 1\]/],
    [[...base, '--sparsity', '1.5'], /^--sparsity must be a number in \[0, 1\] \(the fraction of weights to prune\); got "1.5"/],
    [[...base, '--sparsity=-0.1'], /got "-0.1"/],
    [[...base, '--sparsity', '-0.1'], /argument is ambiguous[\s\S]*'--sparsity=-XYZ'[\s\S]*Known flags/],
    [[...base, '--sparsity', 'half'], /got "half"/],
    [[...base, '--sparsity', ''], /got ""/],
    [[...base, '--sparsity', '0.5', '--scope', 'local'], /^--scope must be one of: layerwise, global; got "local"/],
    [[...base, '--sparsity', '0.5', '--scorer', ''], /^--scorer needs a name/],
    [[...base, '--sparsity', '0.5', '--scorer-option', 'power'], /^--scorer-option must be KEY=VALUE .*; got "power"/],
    [[...base, '--sparsity', '0.5', '--scorer-option', '=3'], /^--scorer-option must be KEY=VALUE/],
    [[...base, '--sparsity', '0.5', '--scorer-option', 'a=1', '--scorer-option', 'a=2'], /^--scorer-option a was given twice/],
    [[...base, '--sparsity', '0.5', '--seed', '3', '--scorer-option', 'seed=4'], /^--seed 3 and --scorer-option seed=4 disagree/],
    [[...base, '--sparsity', '0.5', '--plugin', ''], /^--plugin needs a package name or a path/],
    [[...base, '--sparsity', '0.5', '--mode', 'torch'], /^--mode must be one of: pytorch, exact, tfmot, open-lth-layerwise, open-lth-global, google-lth, percentile, synflow; got "torch"/],
    [[...base, '--pattern', '5:4'], /^--pattern 5:4 is not a valid N:M pattern: N must be between 1 and M/],
    [[...base, '--pattern', '0:4'], /^--pattern 0:4 is not a valid N:M pattern/],
    [[...base, '--pattern', 'blocks'], /^--pattern must be unstructured, or N:M with integers 1 <= N <= M/],
    [[...base, '--pattern', '2:4', '--sparsity', '0.6'], /contradicts --pattern 2:4, which prunes 0.5 of the weights/],
    [[...base, '--pattern', '2:4', '--scope', 'global'], /^--scope global cannot be combined with an N:M pattern/],
    [[...base, '--sparsity', '0.5', '--seed=-1'], /^--seed must be an integer in \[0, 2\^53\); got "-1"/],
    [[...base, '--sparsity', '0.5', '--seed', '1.5'], /got "1.5"/],
    [[...base, '--sparsity', '0.5', '--include', 'fc('], /^--include "fc\(" is not a valid regular expression: /],
    [[...base, '--sparsity', '0.5', '--exclude', '[a-'], /^--exclude "\[a-" is not a valid regular expression/],
    [[...base, '--sparsity', '0.5', '--frobnicate'], /^Unknown option '--frobnicate'\. .*Known flags: --in, --out, --sparsity/],
    [[...base, '--sparsity'], /argument missing/],
    [[...base, '--sparsity', '0.5', 'extra'], /positional argument/],
    [['--in', 'missing.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], /^--in missing\.safetensors: no such file\./],
    [['--in', 'sub', '--out', 'p.safetensors', '--sparsity', '0.5'], /^--in sub is not a file\./],
    [['--in', 'w.safetensors', '--out', 'w.safetensors', '--sparsity', '0.5'], /^--out is the same file as --in/],
    [['--in', 'w.safetensors', '--out', './sub/../w.safetensors', '--sparsity', '0.5'], /^--out is the same file as --in/],
    [['--in', 'link.safetensors', '--out', 'w.safetensors', '--sparsity', '0.5'], /^--out is the same file as --in/],
    [[...base, '--sparsity', '0.5', '--masks', 'p.safetensors'], /^--masks is the same file as --out/],
    [['--in', 'w.safetensors', '--out', 'nowhere/p.safetensors', '--sparsity', '0.5'], /^--out nowhere\/p\.safetensors: the folder .*nowhere does not exist; create it first\./],
    [[...base, '--sparsity', '0.5', '--masks', 'nowhere/m.safetensors'], /^--masks nowhere\/m\.safetensors: the folder/],
    [['--in', 'w.safetensors', '--out', 'sub', '--sparsity', '0.5'], /^--out sub is a directory/],
  ])('rejects %j', async (argv, message) => {
    const error = await failure(argv);
    expect(error.message).toMatch(message);
  });

  it('puts the received and allowed values in the details', async () => {
    const error = await failure([...base, '--sparsity', '0.5', '--scope', 'local']);
    expect(error.details).toEqual({ field: '--scope', received: 'local', allowed: ['layerwise', 'global'] });
  });
});

describe('parsePattern', () => {
  it('reads unstructured and N:M', () => {
    expect(parsePattern(undefined)).toEqual({ kind: 'unstructured' });
    expect(parsePattern('unstructured')).toEqual({ kind: 'unstructured' });
    expect(parsePattern('4:4')).toEqual({ kind: 'n:m', n: 4, m: 4 });
    expect(() => parsePattern('2:4:8')).toThrowError(/--pattern must be/);
    // was a RangeError deep in the pruner
    expect(() => parsePattern('1:99999999999999999999')).toThrowError(/--pattern 1:99999999999999999999: N and M must be integers below 2\^53/);
  });
});
