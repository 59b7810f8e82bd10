import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRuntime,
  decodeToFloat32,
  encodeTensorData,
  openSafetensors,
  randomScorer,
  readMaskFile,
  writeSafetensors,
  type SafetensorsEntry,
} from '@sparse/core';
import { selectMasks } from '../src/index.js';
import { FIXTURES, run, scorerHelpEntry, tempFolder } from './support.js';

const WEIGHTS = join(FIXTURES, 'torch-weights.safetensors');

describe('sparse prune: files', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeAll(async () => {
    folder = await tempFolder('prune');
    // A mixed-dtype checkpoint: the fixture's weights as BF16 and F16, plus tensors never pruned.
    const source = await openSafetensors(WEIGHTS);
    const entries: SafetensorsEntry[] = [];
    for (const info of source.header.tensors) {
      const values = await source.readFloat32(info.name);
      const dtype = info.name.startsWith('fc') ? 'BF16' : 'F16';
      entries.push({ name: info.name, dtype, shape: info.shape, data: encodeTensorData(dtype, values) });
    }
    await source.close();
    entries.push({ name: 'step', dtype: 'I64', shape: [2, 2], data: encodeTensorData('I64', [1, 2, 3, 4]) });
    entries.push({ name: 'fp8.weight', dtype: 'F8_E4M3', shape: [2, 2], data: new Uint8Array([1, 2, 3, 4]) });
    await writeSafetensors(join(folder.path, 'mixed.safetensors'), entries, { metadata: { format: 'pt' } });
    await copyFile(WEIGHTS, join(folder.path, 'w.safetensors'));
  });
  afterAll(async () => folder.remove());

  it('keeps every tensor, its dtype and metadata; kept weights bit-identical, pruned ones +0', async () => {
    const result = await run(['prune', '--in', 'mixed.safetensors', '--out', 'mixed-p.safetensors', '--masks', 'mixed-m.safetensors', '--sparsity', '0.5'], folder.path);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nstep\s+2x2\s+I64\s+4\s+-\s+dense \(I64 is not a float type\)\n/);
    expect(result.stdout).toMatch(/\nfp8\.weight\s+2x2\s+F8_E4M3\s+4\s+-\s+dense \(F8_E4M3 is not a float type\)\n/);
    const input = await openSafetensors(join(folder.path, 'mixed.safetensors'));
    const output = await openSafetensors(join(folder.path, 'mixed-p.safetensors'));
    const masks = await readMaskFile(join(folder.path, 'mixed-m.safetensors'));
    try {
      expect(output.header.metadata).toEqual({ format: 'pt' });
      expect(output.header.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(input.header.tensors.map((t) => [t.name, t.dtype, t.shape]));
      expect([...masks.keys()]).toEqual(['conv.weight', 'fc1.weight', 'fc2.weight', 'fc3.weight']);
      for (const info of input.header.tensors) {
        const before = await input.readBytes(info.name);
        const after = await output.readBytes(info.name);
        const mask = masks.get(info.name);
        if (mask === undefined) {
          expect(Buffer.from(after).equals(Buffer.from(before)), info.name).toBe(true);
          continue;
        }
        expect(mask.shape).toEqual(info.shape);
        const kept = mask.kept.reduce((a, b) => a + b, 0);
        expect(kept, info.name).toBe(info.elementCount - Math.round(info.elementCount / 2));
        for (let i = 0; i < info.elementCount; i += 1) {
          const element = [after[2 * i], after[2 * i + 1]];
          expect(element, `${info.name}[${i}]`).toEqual(mask.kept[i] === 1 ? [before[2 * i], before[2 * i + 1]] : [0, 0]);
        }
        // The smallest magnitudes went.
        const values = decodeToFloat32(info.dtype, before).map(Math.abs);
        const largestPruned = Math.max(...values.filter((_, i) => mask.kept[i] === 0));
        const smallestKept = Math.min(...values.filter((_, i) => mask.kept[i] === 1));
        expect(largestPruned).toBeLessThanOrEqual(smallestKept);
      }
    } finally {
      await input.close();
      await output.close();
    }
  });

  it('prunes only what --include and --exclude select', async () => {
    const result = await run(['prune', '--in', 'w.safetensors', '--out', 'sel.safetensors', '--masks', 'sel-m.safetensors', '--sparsity', '0.5', '--include', '^fc', '--exclude', 'fc2'], folder.path);
    expect(result.code).toBe(0);
    expect([...(await readMaskFile(join(folder.path, 'sel-m.safetensors'))).keys()]).toEqual(['fc1.weight', 'fc3.weight']);
    expect(result.stdout).toMatch(/\nconv\.weight\s+8x3x3x3\s+F32\s+216\s+-\s+dense \(not included\)\n/);
    expect(result.stdout).toMatch(/\nfc2\.weight\s+10x16\s+F32\s+160\s+-\s+dense \(excluded\)\n/);
  });

  it('draws reproducible random masks from --seed', async () => {
    const masksOf = async (seed: string, name: string) => {
      const result = await run(['prune', '--in', 'w.safetensors', '--out', `${name}.safetensors`, '--masks', `${name}-m.safetensors`, '--sparsity', '0.3', '--scorer', 'random', '--seed', seed], folder.path);
      expect(result.code).toBe(0);
      return readMaskFile(join(folder.path, `${name}-m.safetensors`));
    };
    const a = await masksOf('7', 'r7a');
    const b = await masksOf('7', 'r7b');
    const c = await masksOf('8', 'r8');
    for (const [name, mask] of a) {
      expect(Array.from(b.get(name)!.kept), name).toEqual(Array.from(mask.kept));
      expect(mask.kept.length - mask.kept.reduce((x, y) => x + y, 0), name).toBe(Math.round(0.3 * mask.kept.length));
    }
    expect(Array.from(c.get('fc1.weight')!.kept)).not.toEqual(Array.from(a.get('fc1.weight')!.kept));
  });

  it('builds the random scorer through the runtime: the masks of --scorer random --seed N are core randomScorer({ seed: N })\'s, and --scorer-option seed=N is --seed N', async () => {
    const viaSeed = await run(['prune', '--in', 'w.safetensors', '--out', 'rs.safetensors', '--masks', 'rs-m.safetensors', '--sparsity', '0.3', '--scope', 'global', '--scorer', 'random', '--seed', '11'], folder.path);
    const viaOption = await run(['prune', '--in', 'w.safetensors', '--out', 'ro.safetensors', '--masks', 'ro-m.safetensors', '--sparsity', '0.3', '--scope', 'global', '--scorer', 'random', '--scorer-option', 'seed=11'], folder.path);
    const normal = await run(['prune', '--in', 'w.safetensors', '--out', 'rn.safetensors', '--masks', 'rn-m.safetensors', '--sparsity', '0.3', '--scope', 'global', '--scorer', 'random', '--seed', '11', '--scorer-option', 'distribution=normal'], folder.path);
    expect([viaSeed.code, viaOption.code, normal.code]).toEqual([0, 0, 0]);
    const source = await openSafetensors(join(folder.path, 'w.safetensors'));
    const tensors = [];
    for (const info of source.header.tensors.filter((t) => t.shape.length >= 2)) tensors.push({ name: info.name, shape: info.shape, values: await source.readFloat32(info.name) });
    await source.close();
    const runtime = await createRuntime({ backend: 'cpu' });
    const options = { sparsity: 0.3, scope: 'global', scorer: 'random', pattern: { kind: 'unstructured' }, mode: 'pytorch', seed: 11 } as const;
    const expected = await selectMasks(tensors, options, { runtime, onWarning: () => undefined, scorer: randomScorer({ seed: 11 }) });
    const ours = await readMaskFile(join(folder.path, 'rs-m.safetensors'));
    const fromOption = await readMaskFile(join(folder.path, 'ro-m.safetensors'));
    const fromNormal = await readMaskFile(join(folder.path, 'rn-m.safetensors'));
    for (const [name, kept] of expected) {
      expect(Array.from(ours.get(name)!.kept), name).toEqual(Array.from(kept));
      expect(Array.from(fromOption.get(name)!.kept), name).toEqual(Array.from(kept));
    }
    expect(Array.from(fromNormal.get('fc1.weight')!.kept)).not.toEqual(Array.from(ours.get('fc1.weight')!.kept));
  });

  it('lists the registered scorers in --help, saying which cannot prune a checkpoint', async () => {
    const help = await run(['prune', '--help'], folder.path);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/\nScorers registered by the loaded plugins \(a --plugin adds its own;/);
    expect(help.stdout).toMatch(/\n {2}magnitude +\|w\|: keep the largest weights\.\n/);
    expect(help.stdout).toMatch(/\n {2}random +.*Options: seed, distribution\.\n/);
    const entry = (name: string) => scorerHelpEntry(help.stdout, name);
    for (const name of ['snip', 'grasp', 'taylor']) expect(entry(name), name).toMatch(/Needs a batch of data and the loss \(it is data-driven\): not usable on a checkpoint\.$/);
    expect(entry('synflow')).toMatch(/Needs a model to run \(its forward function\): not usable on a checkpoint\.$/);
    expect(entry('movement')).toMatch(/Not usable here: option source: expected the MovementScores object that owns the scores\.$/);
    expect(entry('magnitude')).toBe('|w|: keep the largest weights.');
    expect((await run(['help', 'prune'], folder.path)).stdout).toBe(help.stdout);
  });

  it('keeps N of every M consecutive weights along the input dimension of PyTorch layouts', async () => {
    await writeSafetensors(join(folder.path, 'nm.safetensors'), [
      // Linear [out=2, in=8]: groups are runs of 4 along each row.
      { name: 'fc.weight', dtype: 'F32', shape: [2, 8], data: encodeTensorData('F32', [1, -8, 3, 0.5, 7, -2, 6, 5, 0.1, 0.2, 0.3, 0.4, 4, 3, 2, 1]) },
      // Conv2d [out=1, in=4, kh=1, kw=2], flat index (i·2 + kw): groups run along i for each kw,
      // kw=0 holds |5, 1, 4, 2| and kw=1 holds |6, 9, 3, 8|.
      { name: 'conv.weight', dtype: 'F32', shape: [1, 4, 1, 2], data: encodeTensorData('F32', [5, 6, 1, 9, 4, 3, 2, 8]) },
      // Linear [out=1, in=6]: a shorter last group keeps up to N.
      { name: 'odd.weight', dtype: 'F32', shape: [1, 6], data: encodeTensorData('F32', [1, 2, 3, 4, 5, 6]) },
    ]);
    const result = await run(['prune', '--in', 'nm.safetensors', '--out', 'nm-p.safetensors', '--masks', 'nm-m.safetensors', '--pattern', '2:4'], folder.path);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: odd.weight: its input dimension 6 is not a multiple of 4; its last group of each row is shorter and keeps up to 2.\n');
    const masks = await readMaskFile(join(folder.path, 'nm-m.safetensors'));
    expect(Array.from(masks.get('fc.weight')!.kept)).toEqual([0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(masks.get('conv.weight')!.kept)).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(masks.get('odd.weight')!.kept)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(result.stdout).toMatch(/\nfc\.weight\s+2x8\s+F32\s+16\s+8\s+50\.00%\n/);
  });

  it('runs on the wasm backend by default, and honours SPARSE_BACKEND and --backend', async () => {
    const byDefault = await run(['prune', '--in', 'w.safetensors', '--out', 'b1.safetensors', '--sparsity', '0.5'], folder.path, {});
    expect(byDefault.stderr).toBe('');
    expect(byDefault.stdout).toMatch(/\(backend: wasm\)\n$/);
    const fromEnv = await run(['prune', '--in', 'w.safetensors', '--out', 'b2.safetensors', '--sparsity', '0.5'], folder.path, { SPARSE_BACKEND: 'cpu' });
    expect(fromEnv.stdout).toMatch(/\(backend: cpu\)\n$/);
    const fromFlag = await run(['prune', '--in', 'w.safetensors', '--out', 'b3.safetensors', '--sparsity', '0.5', '--backend', 'wasm'], folder.path, { SPARSE_BACKEND: 'cpu' });
    expect(fromFlag.stdout).toMatch(/\(backend: wasm\)\n$/);
    expect(await readFile(join(folder.path, 'b1.safetensors'))).toEqual(await readFile(join(folder.path, 'b2.safetensors')));
    const unknown = await run(['prune', '--in', 'w.safetensors', '--out', 'b4.safetensors', '--sparsity', '0.5', '--backend', 'gpu'], folder.path);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown backend 'gpu' \(from backend\); available: auto, cpu, wasm/);
    expect(await folder.files()).not.toContain('b4.safetensors');
  });
});

describe('sparse prune: bad input writes nothing', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let before: string[];
  beforeAll(async () => {
    folder = await tempFolder('bad');
    await copyFile(WEIGHTS, join(folder.path, 'w.safetensors'));
    const bytes = await readFile(WEIGHTS);
    await writeFile(join(folder.path, 'truncated.safetensors'), bytes.subarray(0, bytes.byteLength - 100));
    await writeFile(join(folder.path, 'notes.txt'), 'not a checkpoint');
    before = await folder.files();
  });
  afterAll(async () => folder.remove());

  const cases: [string, string[], number, RegExp][] = [
    ['missing --in', ['--out', 'p.safetensors', '--sparsity', '0.5', '--masks', 'm.safetensors'], 2, /^sparse prune: --in is required: the safetensors file to prune\.\nUsage: sparse prune --in/],
    ['a nonexistent file', ['--in', 'nope.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], 2, /^sparse prune: --in nope\.safetensors: no such file\./],
    ['a truncated file', ['--in', 'truncated.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--masks', 'm.safetensors'], 1, /truncated\.safetensors: the tensors need 3140 data bytes \(up to 'fc3\.bias'\), but only 3040 follow the header: the file is truncated/],
    ['a file that is not safetensors', ['--in', 'notes.txt', '--out', 'p.safetensors', '--sparsity', '0.5'], 1, /notes\.txt declares a \d+-byte header, beyond the end of the 16-byte file; it is not a safetensors file/],
    ['--sparsity 1.5', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '1.5'], 2, /--sparsity must be a number in \[0, 1\] \(the fraction of weights to prune\); got "1\.5"\./],
    ['--pattern 5:4', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--pattern', '5:4'], 2, /--pattern 5:4 is not a valid N:M pattern: N must be between 1 and M/],
    ['a bad --include regex', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--include', 'fc[1'], 2, /--include "fc\[1" is not a valid regular expression: Invalid regular expression/],
    ['--include matching nothing', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--include', 'decoder'], 2, /Nothing to prune: --include "decoder" leaves no float tensor of rank >= 2; candidates: conv\.weight, fc1\.weight, fc2\.weight, fc3\.weight\./],
    ['a 20 000-character --include matching nothing (cut in the message)', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--include', 'v'.repeat(20_000)], 2, /^sparse prune: Nothing to prune: --include "v{79}… \(20002 characters\) leaves no float tensor/],
    ['--out same as --in', ['--in', 'w.safetensors', '--out', 'w.safetensors', '--sparsity', '0.5'], 2, /--out is the same file as --in \(.*w\.safetensors\); write to a different file\./],
    ['a missing output folder', ['--in', 'w.safetensors', '--out', 'out/p.safetensors', '--sparsity', '0.5'], 2, /--out out\/p\.safetensors: the folder .*out does not exist; create it first\./],
    ['a missing masks folder', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--masks', 'out/m.safetensors', '--sparsity', '0.5'], 2, /--masks out\/m\.safetensors: the folder/],
    ['an unknown scope', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scope', 'local'], 2, /--scope must be one of: layerwise, global; got "local"/],
    ['an unknown scorer', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scorer', 'magnitud'], 2, /^sparse prune: --scorer magnitud: no scorer of that name is registered \(did you mean magnitude\?\); registered: .*\bmagnitude\b.*\brandom\b.*\. A plugin adds more: --plugin SPEC\./],
    ['a data-driven scorer', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--masks', 'm.safetensors', '--scorer', 'snip'], 2, /^sparse prune: --scorer snip cannot prune a checkpoint: it needs a batch of data and the loss \(it is data-driven\), and a safetensors file holds weights only\. Scorers that work on the weights alone: [^.]*\bmagnitude\b[^.]*\brandom\b[^.]*\. /],
    ['a scorer that runs the model', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scorer', 'synflow'], 2, /^sparse prune: --scorer synflow cannot prune a checkpoint: it needs a model to run \(its forward function\).*Scorers that work on the weights alone: [^.]*\bmagnitude\b[^.]*\brandom\b[^.]*\./],
    ['a scorer that cannot be built from the command line', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scorer', 'movement'], 2, /^sparse prune: --scorer-option source: /],
    ['a bad scorer option value', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scorer', 'random', '--scorer-option', 'distribution=gaussian'], 2, /^sparse prune: --scorer-option distribution: expected one of "uniform", "normal", received "gaussian"\. The options of random: seed, distribution\./],
    ['an unknown scorer option', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scorer', 'random', '--scorer-option', 'spread=2'], 2, /^sparse prune: --scorer-option spread is not an option of the scorer random\. The options of random: seed, distribution\./],
    ['an option for a scorer without options', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--scorer-option', 'power=2'], 2, /^sparse prune: --scorer-option power: the scorer magnitude takes no options\./],
    ['a plugin that does not exist', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--plugin', './nope.js'], 2, /^sparse prune: --plugin: the plugin file "\.\/nope\.js" does not exist/],
    ['a plugin package that is not installed', ['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5', '--plugin', '@my-org/not-installed'], 2, /^sparse prune: --plugin: cannot find the plugin package "@my-org\/not-installed"/],
  ];
  it.each(cases)('%s', async (_label, args, code, message) => {
    const result = await run(['prune', ...args], folder.path);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(await folder.files()).toEqual(before);
  });
});
