import { mkdtemp, readFile, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { runDirectoryName } from '@sparse/experiments';
import { loadSweepFile, parseSweep } from './sweep-config.js';
import { prepareSweep } from './prepare-sweep.js';
import { runSweepLocally } from './run-local.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-sweep-local-'));
  await copyFile(join(fixtures, 'toy-kind.mjs'), join(dir, 'toy-kind.mjs'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeSweep(name: string, sweep: Record<string, unknown>): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(sweep));
  return path;
}

const base = { kind: 'toy', name: 'toy', plugins: ['./toy-kind.mjs'], backend: 'cpu', seed: 0, value: 1 };

describe('prepareSweep', () => {
  it('checks every expanded run before any work, kind checks and plugins included, naming each bad run', async () => {
    const path = await writeSweep('bad', { name: 'bad', base, grid: { value: [1, -1, 'x'] } });
    const runs = join(dir, 'bad-runs');
    const error = await prepareSweep({ loaded: await loadSweepFile(path, dir), cwd: dir, runsRoot: runs }).then(() => undefined, (caught: unknown) => caught);
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    const text = (error as Error).message;
    expect(text).toMatch(/2 invalid runs; nothing was run/);
    expect(text).toMatch(/run 2 of 3 \(value=-1\): value: -1 is negative/);
    expect(text).toMatch(/run 3 of 3 \(value=x\):[^]*value/);
    await expect(readdir(runs)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a plugin that cannot load and two runs with one config', async () => {
    const missing = await parseSweep({ name: 'p', base: { ...base, plugins: ['./nowhere.mjs'] } }, dir, join(dir, 'p.json'));
    await expect(prepareSweep({ loaded: missing, cwd: dir, runsRoot: 'r' })).rejects.toMatchObject({ code: 'E_PLUGIN' });
    const twice = await parseSweep({ name: 't', base, grid: { value: [2, 2.0] } }, dir, join(dir, 't.json'));
    await expect(prepareSweep({ loaded: twice, cwd: dir, runsRoot: 'r' })).rejects.toThrow(/same config as run 1 \(value=2\)/);
  });

  it('names runs as sparse run names their directories', async () => {
    const loaded = await parseSweep({ name: 'n', base, grid: { value: [3] }, seeds: [5] }, dir, join(dir, 'n.json'));
    const sweep = await prepareSweep({ loaded, cwd: dir, runsRoot: 'r' });
    const config = { ...base, value: 3, seed: 5, fail: false, sleepMs: 0, bytes: 1000 };
    expect(sweep.runs.map((run) => run.id)).toEqual([runDirectoryName('toy', config)]);
  });
});

describe('runSweepLocally', () => {
  it('runs every run, records a failing one with its error without stopping the rest, and resumes', async () => {
    const path = await writeSweep('mixed', { name: 'mixed', base, grid: { value: [1, 2], fail: [false, true] }, seeds: [0, 1], report: { metrics: ['accuracy'], x: 'remaining', y: 'accuracy' } });
    const runsRoot = join(dir, 'mixed-runs');
    const sweep = await prepareSweep({ loaded: await loadSweepFile(path, dir), cwd: dir, runsRoot });
    const lines: string[] = [];
    const outcome = await runSweepLocally(sweep, { parallel: 2, log: (text) => lines.push(text) });
    expect(outcome.statuses.map((run) => run.status)).toEqual(['done', 'done', 'failed', 'failed', 'done', 'done', 'failed', 'failed']);
    expect(outcome.statuses[2]?.error).toMatch(/toy unit toy \(value 1\) fails on purpose/);
    const markdown = await readFile(outcome.markdownPath, 'utf8');
    expect(markdown).toMatch(/8 runs: 4 done, 4 failed, 0 pending/);
    expect(markdown).toMatch(/## Failed runs/);
    expect(markdown).toMatch(/!\[accuracy vs remaining\]/);
    expect(await readFile(outcome.reportPath, 'utf8')).toMatch(/<svg/);
    for (const run of sweep.runs.filter((_, index) => outcome.statuses[index]?.status === 'done')) {
      expect(JSON.parse(await readFile(join(runsRoot, run.id, 'config.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(run.config)));
    }
    const again: string[] = [];
    await runSweepLocally(sweep, { log: (text) => again.push(text) });
    expect(again[0]).toMatch(/8 runs, 4 already done; running 4/);
  });
});
