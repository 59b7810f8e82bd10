import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, encodeTensorData, openSafetensors, writeSafetensors, type SafetensorsEntry } from '@sparse/core';
import { BernoulliDrops, dareCheckpoint } from '@sparse/delta';
import type { CliIo } from '../io.js';
import { main } from '../main.js';
import { dareCommand } from './dare.js';

let folder: string;

async function sparse(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: folder };
  const code = await main(['dare', ...argv], io, [dareCommand]);
  return { code, stdout, stderr };
}

function checkpoint(shift: number, names: readonly string[] = ['embed.weight', 'layer.0.weight', 'classifier.weight']): SafetensorsEntry[] {
  return names.map((name, k) => {
    const values = new Random(k).fillNormal(new Float32Array(40 + k), 0, 0.1);
    const shifted = values.map((v, i) => v + shift * (((i * 7 + k) % 5) - 2) * 0.01);
    const dtype = k === 1 ? 'BF16' : 'F32';
    return { name, dtype, shape: [1, 40 + k], data: encodeTensorData(dtype, shifted) };
  });
}

const required = ['--base', 'b.safetensors', '--finetuned', 'f.safetensors'];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sparse-dare-cli-'));
  await writeSafetensors(join(folder, 'b.safetensors'), checkpoint(0));
  await writeSafetensors(join(folder, 'f.safetensors'), checkpoint(1), { metadata: { format: 'pt' } });
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

describe('sparse dare', () => {
  it('prints its help with the rescale rules spelled out', async () => {
    const { code, stdout } = await sparse('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('1/(1−p)');
    expect(stdout).toContain("mergekit's");
  });

  it('writes base + pruned delta, prints a table, and is the library result for the same flags', async () => {
    const { code, stdout, stderr } = await sparse(...required, '--out', 'o.safetensors', '--rate', '0.5', '--seed', '3');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/layer\.0\.weight\s+1x41\s+BF16\s+41\s+\d+\.\d\d%\s+2\s+pruned/);
    expect(stdout).toMatch(/classifier\.weight\s+1x42\s+F32\s+42\s+-\s+-\s+excluded \(matches exclude\)/);
    expect(stdout).toContain('random p=0.5 rescale=1/(1-p) = 2 seed=3');
    await dareCheckpoint({ base: join(folder, 'b.safetensors'), finetuned: join(folder, 'f.safetensors'), output: join(folder, 'lib.safetensors'), rate: 0.5, seed: 3 });
    expect((await readFile(join(folder, 'o.safetensors'))).equals(await readFile(join(folder, 'lib.safetensors')))).toBe(true);

    const [base, tuned, out] = await Promise.all(['b', 'f', 'o'].map((name) => openSafetensors(join(folder, `${name}.safetensors`))));
    const b = await base!.readFloat32('embed.weight');
    const f = await tuned!.readFloat32('embed.weight');
    const o = await out!.readFloat32('embed.weight');
    const flags = new Uint8Array(b.length);
    new BernoulliDrops(3, 'embed.weight', 0.5).fill(flags, b.length);
    o.forEach((value, i) => expect(value).toBe(flags[i] === 1 ? b[i] : Math.fround(b[i]! + (f[i]! - b[i]!) * 2)));
    expect(Buffer.from(await out!.readBytes('classifier.weight')).equals(Buffer.from(await tuned!.readBytes('classifier.weight')))).toBe(true);
    expect(out!.header.metadata['format']).toBe('pt');
    await Promise.all([base!.close(), tuned!.close(), out!.close()]);

    const again = await sparse(...required, '--out', 'o2.safetensors', '--rate', '0.5', '--seed', '3');
    expect(again.code).toBe(0);
    expect((await readFile(join(folder, 'o2.safetensors'))).equals(await readFile(join(folder, 'o.safetensors')))).toBe(true);
  });

  it('supports magnitude, q, l1 and --no-exclude', async () => {
    const magnitude = await sparse(...required, '--out', 'm.safetensors', '--rate', '0.5', '--method', 'magnitude', '--scope', 'global');
    expect(magnitude.code).toBe(0);
    expect(magnitude.stdout).toContain('magnitude p=0.5 scope=global rescale=none (factor 1)');
    const q = await sparse(...required, '--out', 'q.safetensors', '--rate', '0.9', '--q', '0.25');
    expect(q.stdout).toContain('rescale=1/q, q = 0.25');
    const l1 = await sparse(...required, '--out', 'l1.safetensors', '--rate', '0.9', '--rescale', 'l1', '--no-exclude');
    expect(l1.code).toBe(0);
    expect(l1.stdout).toMatch(/classifier\.weight\s+1x42\s+F32\s+42\s+\d/);
  });

  describe('errors: exit code, message naming the flag, nothing written', () => {
    async function expectUsage(args: readonly string[], pattern: RegExp, code = 2): Promise<void> {
      const before = (await readdir(folder)).sort();
      const result = await sparse(...args);
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(pattern);
      expect(result.stdout).toBe('');
      expect((await readdir(folder)).sort()).toEqual(before);
    }

    it.each([
      [['--out', 'x.safetensors', '--rate', '1.5'], /--rate must be the drop rate p, a number in \[0, 1\]; got "1\.5"/],
      [['--out', 'x.safetensors'], /--rate is required/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--method', 'top'], /--method must be one of: random, magnitude/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--rescale', 'q'], /--rescale q needs --q/],
      [['--out', 'x.safetensors', '--rate', '0.99', '--q', '0.001'], /--q must be a number in \[1 − p, 1\] = \[0\.01, 1\]/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--q', '0.5', '--rescale', 'dare'], /cannot be combined with --rescale dare/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--scope', 'global'], /--scope only applies to --method magnitude/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--seed', '-1'], /--seed/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--exclude', '('], /not a valid regular expression/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--exclude', 'a', '--no-exclude'], /contradicts/],
      [['--out', 'x.safetensors', '--rate', '0.9', '--bogus'], /Unknown option '--bogus'.*Known flags/],
      [['--out', 'b.safetensors', '--rate', '0.9'], /--out is the same file as --base/],
      [['--out', 'nowhere/x.safetensors', '--rate', '0.9'], /does not exist/],
    ])('%j', async (args, pattern) => {
      await expectUsage([...required, ...args], pattern);
    });

    it('a missing input is a usage error', async () => {
      await expectUsage(['--base', 'nope.safetensors', '--finetuned', 'f.safetensors', '--out', 'x.safetensors', '--rate', '0.9'], /--base nope\.safetensors: no such file/);
    });

    it('mismatched or truncated checkpoints fail with exit code 1', async () => {
      await writeSafetensors(join(folder, 'other.safetensors'), checkpoint(1, ['embed.weight', 'layer.1.weight']));
      await expectUsage(['--base', 'b.safetensors', '--finetuned', 'other.safetensors', '--out', 'x.safetensors', '--rate', '0.9'], /do not match \(2 problems\)[\s\S]*'layer\.1\.weight' is in/, 1);
      await writeFile(join(folder, 'cut.safetensors'), await readFile(join(folder, 'f.safetensors')));
      await truncate(join(folder, 'cut.safetensors'), 300);
      await expectUsage(['--base', 'b.safetensors', '--finetuned', 'cut.safetensors', '--out', 'x.safetensors', '--rate', '0.9'], /truncated/, 1);
    });
  });

  describe("--plugin: a plugin's delta method, named with --method", () => {
    const plugin = `import { definePlugin } from '@sparse/core';
import { DeltaMethods } from '@sparse/delta';

export default function halfQ() {
  return definePlugin('@test/half-q', (registry) => {
    registry.provide(DeltaMethods, 'half-q', () => ({
      name: 'half-q',
      label: 'half q',
      stochastic: true,
      needs: [],
      check() {},
      plan: async (rate) => ({ rule: { method: 'random', rescale: { q: 1 - rate / 2 } }, evaluations: 0 }),
    }), { summary: 'Random drops, kept deltas times 1/(1 − p/2).' });
  });
}
`;

    beforeAll(async () => {
      await writeFile(join(folder, 'half-q.mjs'), plugin);
    });

    it('lists the plugin\'s method in the help, beside the registered ones', async () => {
      const { code, stdout } = await sparse('--help', '--plugin', './half-q.mjs');
      expect(code).toBe(0);
      expect(stdout).toMatch(/\n {2}half-q\s+Random drops, kept deltas times 1\/\(1 − p\/2\)\./);
      expect(stdout).toMatch(/\n {2}darex-q\s+DAREx-q/);
      expect((await sparse('--help')).stdout).not.toContain('half-q');
    });

    it('prunes with it, as the library does with the rule it plans', async () => {
      const { code, stdout, stderr } = await sparse(...required, '--out', 'half.safetensors', '--rate', '0.5', '--seed', '3', '--method', 'half-q', '--plugin', './half-q.mjs');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('random p=0.5 rescale=1/q, q = 0.75 seed=3');
      await dareCheckpoint({ base: join(folder, 'b.safetensors'), finetuned: join(folder, 'f.safetensors'), output: join(folder, 'half-lib.safetensors'), rate: 0.5, rescale: { q: 0.75 }, seed: 3 });
      expect((await readFile(join(folder, 'half.safetensors'))).equals(await readFile(join(folder, 'half-lib.safetensors')))).toBe(true);
    });

    it('names the registered methods when the plugin is missing, and refuses flags the method does not take', async () => {
      const missing = await sparse(...required, '--out', 'x.safetensors', '--rate', '0.5', '--method', 'half-q');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--method must be one of: random, magnitude, dare, drop-only, darex-q, .*; got "half-q"/);
      const flag = await sparse(...required, '--out', 'x.safetensors', '--rate', '0.5', '--method', 'half-q', '--q', '0.8', '--plugin', './half-q.mjs');
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/--q only applies to --method random, magnitude, darex-q; --method half-q takes none of --rescale, --q, --scope/);
      const nofile = await sparse(...required, '--out', 'x.safetensors', '--rate', '0.5', '--plugin', './nope.mjs');
      expect(nofile.code).toBe(2);
      expect(nofile.stderr).toMatch(/--plugin: the plugin file "\.\/nope\.mjs" does not exist/);
      expect(existsSync(join(folder, 'x.safetensors'))).toBe(false);
    });

    it('refuses a method that needs data sparse dare does not have', async () => {
      const { code, stderr } = await sparse(...required, '--out', 'x.safetensors', '--rate', '0.99', '--method', 'darex-q-validation');
      expect(code).toBe(2);
      expect(stderr).toMatch(/--method darex-q-validation chooses its rescale from validation data, which sparse dare does not have/);
    });
  });
});

