/**
 * The reliability issue's command-line items (issue 14), each a test that failed before its fix:
 * a failed prune leaves existing files as they were, long values cannot hang the did-you-mean
 * suggestions, numbers are strict decimals, a flag given twice is refused, an existing folder that
 * cannot be written is named as such, and NaN deltas of `sparse dare --method random` are warned.
 */
import { chmod, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, encodeTensorData, writeSafetensors, type SafetensorsEntry } from '@sparse/core';
import { parsePruneArgs, runPrune, writeAllOrNothing } from '../src/index.js';
import { FIXTURES, run, tempFolder } from './support.js';

const WEIGHTS = join(FIXTURES, 'torch-weights.safetensors');
const isRoot = process.getuid?.() === 0;

let folder: Awaited<ReturnType<typeof tempFolder>>;
beforeAll(async () => {
  folder = await tempFolder('reliability');
  await writeFile(join(folder.path, 'w.safetensors'), await readFile(WEIGHTS));
});
afterAll(async () => folder.remove());

describe('sparse prune: a failed command leaves every existing file as it was', () => {
  it('keeps --out byte-identical when the --masks write fails (unwritable folder)', async () => {
    await writeFile(join(folder.path, 'out.safetensors'), 'keep');
    const locked = join(folder.path, 'locked');
    await mkdir(locked, { recursive: true });
    // /proc refuses new files even to root; a chmod 0o500 folder refuses them to anyone else.
    const masks = isRoot ? '/proc/m.safetensors' : join(locked, 'm.safetensors');
    if (!isRoot) await chmod(locked, 0o500);
    const before = await folder.files();
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'out.safetensors', '--sparsity', '0.5', '--masks', masks], folder.path);
    if (!isRoot) await chmod(locked, 0o700);
    expect(result.code).not.toBe(0);
    expect(await readFile(join(folder.path, 'out.safetensors'), 'utf8')).toBe('keep');
    expect(await folder.files()).toEqual(before);
    expect(result.stderr).toMatch(/not writable/);
    expect(result.stderr).not.toMatch(/does not exist/);
  });

  it('sparse dare names an existing folder that takes no new files as not writable, before any work', async () => {
    await writeSafetensors(join(folder.path, 'b0.safetensors'), deltaPair(0));
    await writeSafetensors(join(folder.path, 'f0.safetensors'), deltaPair(1));
    const out = isRoot ? '/proc/d.safetensors' : join(folder.path, 'locked', 'd.safetensors');
    if (!isRoot) await chmod(join(folder.path, 'locked'), 0o500);
    const result = await run(['dare', '--base', 'b0.safetensors', '--finetuned', 'f0.safetensors', '--out', out, '--rate', '0.5'], folder.path);
    if (!isRoot) await chmod(join(folder.path, 'locked'), 0o700);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/exists but is not writable/);
  });

  it('keeps --out byte-identical when the --masks folder disappears between the checks and the write', async () => {
    await writeFile(join(folder.path, 'out2.safetensors'), 'keep');
    await mkdir(join(folder.path, 'gone'));
    const io = { stdout: () => undefined, stderr: () => undefined, env: { SPARSE_BACKEND: 'cpu' }, cwd: folder.path };
    const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'out2.safetensors', '--sparsity', '0.5', '--masks', 'gone/m.safetensors', '--backend', 'cpu'], folder.path);
    await rm(join(folder.path, 'gone'), { recursive: true });
    const before = await folder.files();
    await expect(runPrune(options, io)).rejects.toThrow(/gone/);
    expect(await readFile(join(folder.path, 'out2.safetensors'), 'utf8')).toBe('keep');
    expect(await folder.files()).toEqual(before);
  });

  it('writeAllOrNothing renames nothing when a later write fails, and leaves no temporary file', async () => {
    await writeFile(join(folder.path, 'a.txt'), 'old a');
    const writes = [
      { path: join(folder.path, 'a.txt'), write: (temporary: string) => writeFile(temporary, 'new a') },
      { path: join(folder.path, 'b.txt'), write: () => Promise.reject(new Error('disk full')) },
    ];
    const before = await folder.files();
    await expect(writeAllOrNothing(writes)).rejects.toThrow('disk full');
    expect(await readFile(join(folder.path, 'a.txt'), 'utf8')).toBe('old a');
    expect(await folder.files()).toEqual(before);
  });

  it('writes both outputs when both can be written', async () => {
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'p.safetensors', '--masks', 'm.safetensors', '--sparsity', '0.5'], folder.path);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = await folder.files();
    expect(files).toContain('p.safetensors');
    expect(files).toContain('m.safetensors');
    expect(files.filter((name) => name.endsWith('.sparse-tmp'))).toEqual([]);
  });
});

describe('sizes against memory', () => {
  it('a checkpoint whose tensors do not fit in memory is refused before any tensor is read', async () => {
    // A 40 GB F32 tensor in a sparse file: the header is real, the data takes no disk space.
    const header = new TextEncoder().encode(JSON.stringify({ 'fc.weight': { dtype: 'F32', shape: [100_000, 100_000], data_offsets: [0, 40_000_000_000] } }));
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
    const path = join(folder.path, 'huge.safetensors');
    await writeFile(path, Buffer.concat([prefix, header]));
    await truncate(path, 8 + header.length + 40_000_000_000);
    const before = await folder.files();
    const started = performance.now();
    const result = await run(['prune', '--in', 'huge.safetensors', '--out', 'huge-p.safetensors', '--sparsity', '0.5'], folder.path);
    await rm(path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sparse prune: --in .*huge\.safetensors: the 1 tensor\(s\) to prune hold 10000000000 weights; pruning them by streaming needs about \d+\.\d GiB \(1 byte per weight, plus the largest tensor\), more than this machine.s/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await folder.files()).filter((name) => name !== 'huge.safetensors')).toEqual(before.filter((name) => name !== 'huge.safetensors'));
  });
});

describe('strict flags', () => {
  it.each([['0x1'], ['1e0x'], ['0b1'], ['Infinity'], [' 0.5'], ['.5e'], ['0o1']])('--sparsity %j is refused (exit 2) and nothing is written', async (value) => {
    const before = await folder.files();
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'strict.safetensors', '--sparsity', value], folder.path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/--sparsity must be a number in \[0, 1\]/);
    expect(await folder.files()).toEqual(before);
  });

  it('--sparsity accepts plain decimals and exponents', async () => {
    for (const value of ['0.5', '5e-1', '.5', '1', '0']) {
      const result = await run(['prune', '--in', 'w.safetensors', '--out', 'dec.safetensors', '--sparsity', value], folder.path);
      expect(result.code, value).toBe(0);
    }
  });

  it('sparse dare refuses --rate 0x1 and --q 0x1', async () => {
    await writeSafetensors(join(folder.path, 'b.safetensors'), deltaPair(0));
    await writeSafetensors(join(folder.path, 'f.safetensors'), deltaPair(1));
    const base = ['dare', '--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 'd.safetensors'];
    expect((await run([...base, '--rate', '0x1'], folder.path)).code).toBe(2);
    expect((await run([...base, '--rate', '0.5', '--q', '0x1'], folder.path)).code).toBe(2);
  });

  it.each([
    [['--sparsity', '0.5', '--sparsity', '0.9']],
    [['--sparsity', '0.5', '--out', 'other.safetensors']],
    [['--sparsity', '0.5', '--scope', 'global', '--scope', 'layerwise']],
  ])('sparse prune refuses a flag given twice: %j', async (extra) => {
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'twice.safetensors', ...extra], folder.path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/was given 2 times; give it once/);
  });

  it('sparse dare refuses a flag given twice', async () => {
    const result = await run(['dare', '--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 'd.safetensors', '--rate', '0.5', '--rate', '0.9'], folder.path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/--rate was given 2 times; give it once/);
  });
});

describe('no hangs on long values', () => {
  it('a 10 MB --scorer name is refused well within a second, its echo cut', async () => {
    const started = performance.now();
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'long.safetensors', '--sparsity', '0.5', '--scorer', 'm'.repeat(10_000_000)], folder.path);
    const seconds = (performance.now() - started) / 1000;
    expect(result.code).toBe(2);
    expect(result.stderr.length).toBeLessThan(2000);
    expect(seconds).toBeLessThan(1);
  });
});

describe('regular expressions too large to compile (found by the fuzz suite)', () => {
  it.each([['prune', '--exclude'], ['prune', '--include'], ['dare', '--exclude']])('sparse %s %s with a 100,000-character pattern is a usage error, echoed cut', async (command, flag) => {
    const base = command === 'prune' ? ['--in', 'w.safetensors', '--out', 're.safetensors', '--sparsity', '0.5'] : ['--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 're.safetensors', '--rate', '0.5'];
    const result = await run([command, ...base, `${flag}=${'v'.repeat(100_000)}`], folder.path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^sparse ${command}: ${flag} ".*… \\(100002 characters\\) is not a valid regular expression`));
    expect(Math.max(...result.stderr.split('\n').map((line) => line.length))).toBeLessThan(2000);
  });
});

describe('unexpected arguments are echoed cut (found by the slow fuzz tier, seed 656942842)', () => {
  it.each([['run', 'bad.json'], ['sweep', 'bad.json'], ['worker', '--queue', 'redis://127.0.0.1:1/0']])('sparse %s with an unexpected 100,000-character argument after -- is a usage error in one short line', async (command, ...rest) => {
    const result = await run([command, ...rest, '--', `--plugin=${'v'.repeat(100_000)}`], folder.path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^sparse ${command}: unexpected argument ".*"… \\(100009 characters\\)`));
    expect(Math.max(...result.stderr.split('\n').map((line) => line.length))).toBeLessThan(2000);
  });
});

describe('long flag values are echoed cut (found by the fuzz suite)', () => {
  it('sparse prune --backend with a 100,000-character name is a usage error of one short line', async () => {
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'be.safetensors', '--sparsity', '0.5', `--backend=${'v'.repeat(100_000)}`], folder.path);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^sparse prune: Unknown backend 'v+… \(100000 characters\)'/);
    expect(Math.max(...result.stderr.split('\n').map((line) => line.length))).toBeLessThan(2000);
  });
});

describe('NaN deltas', () => {
  it('sparse dare --method random warns about NaN deltas as prune warns about NaN scores', async () => {
    const base = deltaPair(0);
    const tuned = deltaPair(1).map((entry, k) => (k === 0 ? { ...entry, data: encodeTensorData('F32', Float32Array.from({ length: 40 }, (_, i) => (i < 3 ? Number.NaN : i))) } : entry));
    await writeSafetensors(join(folder.path, 'nb.safetensors'), base);
    await writeSafetensors(join(folder.path, 'nf.safetensors'), tuned);
    const result = await run(['dare', '--base', 'nb.safetensors', '--finetuned', 'nf.safetensors', '--out', 'nd.safetensors', '--rate', '0.5', '--no-exclude'], folder.path);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: .*embed\.weight: 3 NaN deltas/);
  });

  it('sparse prune --help says how NaN weights are ranked', async () => {
    const help = await run(['prune', '--help'], folder.path);
    expect(help.stdout).toMatch(/NaN/);
  });
});

function deltaPair(shift: number): SafetensorsEntry[] {
  return ['embed.weight', 'layer.0.weight'].map((name, k) => {
    const values = new Random(k).fillNormal(new Float32Array(40), 0, 0.1).map((v, i) => v + shift * ((i % 5) - 2) * 0.01);
    return { name, dtype: 'F32', shape: [1, 40], data: encodeTensorData('F32', values) };
  });
}
