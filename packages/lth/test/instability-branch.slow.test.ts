/**
 * The instability branch as `sparse run` executes it (the resumable replicate, in this thread on
 * the cpu backend, a tiny MLP and a few steps): one row per level with the barrier computed from
 * the interpolation curve, and a run aborted inside copy 0 and then inside copy 1 that resumes to
 * the same rows and metrics as an uninterrupted one.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRunDirectory, openRunDirectory, type JsonValue } from '@sparse/experiments';
import { isInstabilitySummary, planExperiment, runReplicate, unitWork, type InstabilitySummary, type LthExperimentConfig, type LthUnitOutput } from '../src/index.js';
import { lthConfig, useCpu } from './support.js';

beforeAll(useCpu);
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

const RAW = {
  name: 'tiny-instability',
  seeds: [5],
  dataset: 'bundled',
  validationSize: 500,
  model: { layerSizes: [784, 12, 10] },
  batchSize: 50,
  iterations: 40,
  evalEvery: 20,
  rounds: 1,
  rates: { default: 0.4, output: 0.2 },
  rewindStep: 5,
  branches: { ticket: true, reinit: false, instability: { levels: [1], points: 4 } },
  backend: 'cpu',
  workers: 1,
  checkpointEvery: 10,
};

/** Runs the replicate of seed 5 into `root`; aborts once progress reaches `abortAt` (then returns undefined). */
async function replicate(config: LthExperimentConfig, root: string, abortAt?: number): Promise<LthUnitOutput[] | undefined> {
  const run = await openRunDirectory({ root, name: config.name, config: config as unknown as JsonValue });
  const controller = new AbortController();
  try {
    return await runReplicate(
      { runPath: run.path, config, seed: 5, datasetDir: undefined, plugins: [], backend: 'cpu' },
      { signal: controller.signal, progress: (done) => (abortAt !== undefined && done >= abortAt ? controller.abort() : undefined) },
    );
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    return undefined;
  } finally {
    await run.close();
  }
}

async function files(folder: string, out = new Map<string, string>(), base = folder): Promise<Map<string, string>> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await files(path, out, base);
    else if (path.includes(`${'/'}metrics${'/'}`)) out.set(relative(base, path), await readFile(path, 'utf8'));
  }
  return out;
}

describe('the instability branch of the resumable replicate', () => {
  it('writes one row per level (0 and the listed ones) with the error barrier of its interpolation curve, and resumes after aborts inside either copy to the same rows and metrics', async () => {
    const config = await lthConfig(RAW);
    const plan = planExperiment(config, 5500);
    expect(plan.units.map((unit) => unit.id)).toEqual(['level-00/ticket', 'level-00/instability', 'level-01/ticket', 'level-01/instability']);
    expect(plan.units.map((unit) => unitWork(unit, plan.iterations))).toEqual([40, 70, 35, 70]);

    const straightRoot = await mkdtemp(join(tmpdir(), 'lth-instability-'));
    const killedRoot = await mkdtemp(join(tmpdir(), 'lth-instability-'));
    roots.push(straightRoot, killedRoot);
    const straight = (await replicate(config, straightRoot)) as LthUnitOutput[];
    const rows = straight.filter(isInstabilitySummary);
    expect(rows.map((row) => [row.level, row.rewindStep, row.iterations, row.interpolationErrors.length])).toEqual([
      [0, 5, 40, 4],
      [1, 5, 40, 4],
    ]);
    for (const row of rows) {
      const errors = row.interpolationErrors;
      // α = 0 is copy 1, α = 1 is copy 0; the barrier is the highest error minus the mean of the ends
      expect(errors[0]).toBeCloseTo(1 - (row.copyTestAccuracies[1] as number), 12);
      expect(errors[errors.length - 1]).toBeCloseTo(1 - (row.copyTestAccuracies[0] as number), 12);
      expect(row.instability).toBeCloseTo(Math.max(...errors) - ((errors[0] as number) + (errors[errors.length - 1] as number)) / 2, 12);
      expect(row.instability).toBeGreaterThanOrEqual(0);
    }
    // the two copies train on different data orders, so they differ
    expect(rows.some((row) => row.copyTestAccuracies[0] !== row.copyTestAccuracies[1] || row.interpolationErrors.some((e, i, all) => e !== all[0] && i > 0))).toBe(true);
    expect((rows[1] as InstabilitySummary).remaining).toBeLessThan(1);

    // cumulative work: ticket 0 [0, 40], instability 0 [40, 110] (copy 0 up to 75), ticket 1 [110, 145], instability 1 [145, 215] (copy 1 from 180)
    const keys = async (unit: string) => {
      const [folder] = await readdir(killedRoot);
      return (await (await attachRunDirectory(join(killedRoot, folder as string))).store(`checkpoints/seed-5/${unit}`).list()).map((info) => info.key);
    };
    expect(await replicate(config, killedRoot, 65)).toBeUndefined(); // inside copy 0 of level 0
    const first = await keys('level-00/instability');
    expect(first.length > 0 && first.every((key) => key.startsWith('copy-0/iteration-'))).toBe(true);
    expect(await replicate(config, killedRoot, 205)).toBeUndefined(); // inside copy 1 of level 1
    expect((await keys('level-01/instability')).some((key) => key.startsWith('copy-1/'))).toBe(true); // copy 0 is not trained again
    const resumed = await replicate(config, killedRoot);
    expect(resumed).toEqual(straight);
    const [a, b] = await Promise.all([files(straightRoot), files(killedRoot)]);
    expect([...b.keys()].map((key) => key.replace(/^[^/]+\//, '')).sort()).toEqual([...a.keys()].map((key) => key.replace(/^[^/]+\//, '')).sort());
    expect([...b.values()].sort()).toEqual([...a.values()].sort());
  }, 60_000);
});
