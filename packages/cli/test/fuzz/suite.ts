/**
 * The fuzz suite (issue 14), shared by the default tier (fuzz.test.ts, a fixed seed and few runs,
 * a few seconds) and the slow tier (fuzz.slow.test.ts, a random seed, many runs). Every case runs
 * a command of the CLI in-process in a sandbox folder and checks the harness's properties (time
 * bound, documented exit code, one clean message without a stack, no file changed by a failure).
 */
import { readdirSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparseError, encodeTensorData, isSparseError, openSafetensors, writeSafetensors, type SafetensorsEntry } from '@sparse/core';
// @sparse/cli does not depend on @sparse/datasets; its IDX reader is fuzzed here so that one summary holds every family.
import { encodeIdx, readIdx } from '../../../datasets/src/index.js';
import { FIXTURES, tempFolder } from '../support.js';

/** What `sparse schema` writes, one file per registered kind: the committed schemas/ (schemas.test.ts keeps it equal). */
const SCHEMA_FILES = readdirSync(new URL('../../../../schemas/', import.meta.url)).filter((file) => file.endsWith('.schema.json'));
import { fuzzCase, tally, writeSummary } from './harness.js';
import { applyEdits, commandLine, configEdit, configText, corruptIdx, corruptSafetensors, fileForm, hostileValue, idxCorruption, safetensorsCorruption, type Json } from './generators.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const POWER_PLUGIN = join(EXAMPLES, 'plugins', 'power-magnitude.js');
const QUICK: Readonly<Record<string, string>> = {
  lth: 'lth/lenet-fashion-mnist-quick.json',
  'group-envelope': 'group-envelope/mlp-fashion-mnist-quick.json',
  activation: 'activation/activation-fashion-mnist-quick.json',
  delta: 'delta/mlp-fashion-mnist-quick.json',
};

/** How many cases of each family a tier tries, its seed and the time bound of one case. */
export interface FuzzTier {
  readonly name: 'default' | 'slow';
  readonly seed: number;
  readonly runs: { readonly config: number; readonly plugin: number; readonly flags: number; readonly safetensors: number; readonly idx: number };
  readonly caseTimeoutMs: number;
}

export function defineFuzzSuite(tier: FuzzTier): void {
  const params = (numRuns: number) => ({ seed: tier.seed, numRuns, endOnFailure: true });
  let sandbox: Awaited<ReturnType<typeof tempFolder>>;
  const bases: Record<string, Json> = {};

  beforeAll(async () => {
    sandbox = await tempFolder(`fuzz-${tier.name}`);
    const root = sandbox.path;
    const weights = await readFile(join(FIXTURES, 'torch-weights.safetensors'));
    await writeFile(join(root, 'w.safetensors'), weights);
    // A "fine-tuned" checkpoint: the same tensors shifted a little, for sparse dare.
    const source = await openSafetensors(join(root, 'w.safetensors'));
    const tuned: SafetensorsEntry[] = [];
    for (const info of source.header.tensors) {
      const values = await source.readFloat32(info.name);
      tuned.push({ name: info.name, dtype: 'F32', shape: info.shape, data: encodeTensorData('F32', values.map((v, i) => v + ((i % 7) - 3) * 1e-3)) });
    }
    await source.close();
    await writeSafetensors(join(root, 'f.safetensors'), tuned);
    await writeFile(join(root, 'corrupt.safetensors'), weights.subarray(0, 100));
    await mkdir(join(root, 'out'));
    // "locked" is a file: nothing can be created below it, whoever runs the tests (root included).
    await writeFile(join(root, 'locked'), 'not a folder');
    await symlink(join(EXAMPLES, 'plugins'), join(root, 'plugins'));
    for (const [kind, path] of Object.entries(QUICK)) {
      const config = JSON.parse(await readFile(join(EXAMPLES, path), 'utf8')) as Record<string, Json>;
      delete config['$schema'];
      bases[kind] = { ...config, backend: 'cpu' };
    }
    await writeFile(join(root, 'config.json'), JSON.stringify(bases['lth']));
    await writeFile(join(root, 'bad.json'), '{"kind": "lth",');
  });

  afterAll(async () => {
    await writeSummary(tier.name, { seed: tier.seed, runs: tier.runs, caseTimeoutMs: tier.caseTimeoutMs, machine: `${cpus().length}-core ${platform()}, load ${loadavg().map((load) => load.toFixed(2)).join(' ')} (uptime) at the end`, command: tier.name === 'default' ? 'SPARSE_FUZZ_SUMMARY=docs/reliability-fuzz.json npx vitest run packages/cli/test/fuzz/fuzz.test.ts' : 'SPARSE_TEST_TIER=slow SPARSE_FUZZ_SUMMARY=docs/reliability-fuzz.json npx vitest run packages/cli/test/fuzz/fuzz.slow.test.ts' });
    await sandbox.remove();
  });

  /** Writes a config into the sandbox, runs `sparse run` on it (runs folder below a file: a valid config stops at creating its run directory), removes it. */
  async function runConfig(family: string, text: string): Promise<void> {
    await writeFile(join(sandbox.path, 'case.json'), text);
    try {
      const outcome = await fuzzCase(family, ['run', 'case.json', '--runs', 'locked/runs'], sandbox.path, { timeoutMs: tier.caseTimeoutMs });
      expect(outcome.code).not.toBe(0);
    } finally {
      await rm(join(sandbox.path, 'case.json'), { force: true });
    }
  }

  describe(`fuzz (${tier.name} tier, seed ${tier.seed})`, () => {
    for (const kind of Object.keys(QUICK)) {
      it(`mutated ${kind} configs`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(configEdit, { minLength: 1, maxLength: 3 }), fileForm, async (edits, form) => {
            await runConfig(`config:${kind}`, configText(applyEdits(bases[kind] as Json, edits), form));
          }),
          params(tier.runs.config),
        );
      });
    }

    it('plugin options (a config plugin with options, its scorer with options)', async () => {
      await fc.assert(
        fc.asyncProperty(hostileValue, hostileValue, async (pluginOptions, power) => {
          const config = { ...(bases['lth'] as Record<string, Json>), plugins: [{ module: POWER_PLUGIN, options: pluginOptions }], scorer: { name: 'power-magnitude', power } };
          await runConfig('plugin-options', JSON.stringify(config));
        }),
        params(tier.runs.plugin),
      );
    });

    for (const command of ['prune', 'dare', 'run', 'schema']) {
      it(`command lines of sparse ${command}`, async () => {
        await fc.assert(
          fc.asyncProperty(commandLine(command), async (argv) => {
            // The files a successful case may write: the values of --out and --masks (`--out X` or `--out=X`), and
            // for `sparse schema --out-dir DIR`, DIR/<kind>.schema.json.
            const valuesOf = (flag: string): string[] => argv.flatMap((arg, i) => (argv[i - 1] === flag ? [arg] : arg.startsWith(`${flag}=`) ? [arg.slice(flag.length + 1)] : []));
            const clean = (path: string): string => join(path).replace(/^\.\//, '');
            const outputs = [...valuesOf('--out'), ...valuesOf('--masks')].map(clean);
            const schemaOutputs = command === 'schema' ? valuesOf('--out-dir').flatMap((outDir) => SCHEMA_FILES.map((file) => clean(join(outDir, file)))) : [];
            await fuzzCase(`flags:${command}`, argv, sandbox.path, { timeoutMs: tier.caseTimeoutMs, outputs: [...outputs, ...schemaOutputs] });
            await rm(join(sandbox.path, 'out'), { recursive: true, force: true });
            await mkdir(join(sandbox.path, 'out'));
          }),
          params(tier.runs.flags),
        );
      });
    }

    it('corrupted safetensors (sparse prune --in, sparse dare --finetuned)', async () => {
      const original = new Uint8Array(await readFile(join(sandbox.path, 'w.safetensors')));
      await fc.assert(
        fc.asyncProperty(safetensorsCorruption, fc.boolean(), async (corruption, viaDare) => {
          await writeFile(join(sandbox.path, 'case.safetensors'), corruptSafetensors(original, corruption));
          try {
            const argv = viaDare
              ? ['dare', '--base', 'w.safetensors', '--finetuned', 'case.safetensors', '--out', 'out/d.safetensors', '--rate', '0.5']
              : ['prune', '--in', 'case.safetensors', '--out', 'out/p.safetensors', '--sparsity', '0.5'];
            await fuzzCase('safetensors', argv, sandbox.path, { timeoutMs: tier.caseTimeoutMs, outputs: ['out/d.safetensors', 'out/p.safetensors'] });
          } finally {
            await rm(join(sandbox.path, 'case.safetensors'), { force: true });
            await rm(join(sandbox.path, 'out'), { recursive: true, force: true });
            await mkdir(join(sandbox.path, 'out'));
          }
        }),
        params(tier.runs.safetensors),
      );
    });

    it('corrupted IDX files (readIdx): a SparseError E_FORMAT or a consistent array, quickly', async () => {
      const images = encodeIdx({ dtype: 'uint8', shape: [3, 4, 4], data: Uint8Array.from({ length: 48 }, (_, i) => i) });
      await fc.assert(
        fc.asyncProperty(idxCorruption, async (corruption) => {
          const counts = tally('idx');
          counts.cases += 1;
          const started = performance.now();
          try {
            const array = await readIdx(corruptIdx(images, corruption), { name: 'case.idx' });
            expect(array.data.length).toBe(array.shape.reduce((product, dim) => product * dim, 1));
            counts.succeeded += 1;
          } catch (error) {
            if (isSparseError(error, 'E_FORMAT') && !error.message.includes('\n')) {
              counts.cleanErrors += 1;
              counts.stoppedAt['E_FORMAT'] = (counts.stoppedAt['E_FORMAT'] ?? 0) + 1;
            }
            else {
              counts.crashes += 1;
              throw error instanceof SparseError ? error : new Error(`not a clean error: ${String(error)}`);
            }
          }
          const ms = performance.now() - started;
          counts.slowestMs = Math.max(counts.slowestMs, Math.round(ms));
          if (ms > tier.caseTimeoutMs) counts.hangs += 1;
          expect(ms).toBeLessThan(tier.caseTimeoutMs);
        }),
        params(tier.runs.idx),
      );
    });
  });
}
