import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { importRunResults } from '../results/raw-results.js';
import { runExperimentFile } from './run-experiment-file.js';
import { currentLoad, describeThisMachine, readRunTimings, recordRunTiming, RUN_TIMING_FILE, type RunTiming } from './run-timing.js';

const plugin = fileURLToPath(new URL('../../test/fixtures/plugins/run-dir-plugin.mjs', import.meta.url));

function timing(wallSeconds: number, resumed: boolean): RunTiming {
  return { startedAt: '2026-12-07T00:00:00.000Z', finishedAt: '2026-12-07T00:01:00.000Z', wallSeconds, resumed, loadBefore: [1, 1, 1], loadAfter: [2, 1, 1], machine: describeThisMachine() };
}

describe('run timing', () => {
  it('reads nothing from a run directory without timing.jsonl, and appends lines in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparse-timing-'));
    expect(await readRunTimings(dir)).toEqual([]);
    await recordRunTiming(dir, timing(60, false));
    await recordRunTiming(dir, timing(5, true));
    const read = await readRunTimings(dir);
    expect(read.map((line) => [line.wallSeconds, line.resumed])).toEqual([[60, false], [5, true]]);
    expect((await readdir(dir)).sort()).toEqual([RUN_TIMING_FILE]);
  });

  it('names the file when a line is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparse-timing-'));
    await writeFile(join(dir, RUN_TIMING_FILE), '{"wallSeconds":1}\nnot json\n{"wallSeconds":2}\n');
    const error: unknown = await readRunTimings(dir).catch((caught: unknown) => caught);
    expect(isSparseError(error, 'E_FORMAT')).toBe(true);
    expect((error as Error).message).toContain(RUN_TIMING_FILE);
  });

  it('describes the machine and the load as numbers', () => {
    const machine = describeThisMachine();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
    expect(currentLoad()).toHaveLength(3);
  });

  it('is written by runExperimentFile for a finished run (resumed on the second), not for a failed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparse-timing-run-'));
    const config = join(dir, 'touch.json');
    await writeFile(config, JSON.stringify({ kind: 'touch', name: 'touched', backend: 'cpu', plugins: [plugin] }));
    const before = Date.now();
    const outcome = await runExperimentFile({ path: config, cwd: dir, runsRoot: 'runs', builtIns: [], log: () => undefined });
    await runExperimentFile({ path: config, cwd: dir, runsRoot: 'runs', builtIns: [], log: () => undefined });
    const lines = await readRunTimings(outcome.runPath);
    expect(lines.map((line) => line.resumed)).toEqual([false, true]);
    const first = lines[0];
    expect(first?.wallSeconds).toBeGreaterThanOrEqual(0);
    expect(first?.wallSeconds).toBeLessThanOrEqual((Date.now() - before) / 1000 + 0.001);
    expect(Date.parse(first?.finishedAt ?? '') - Date.parse(first?.startedAt ?? '')).toBe(Math.round((first?.wallSeconds ?? -1) * 1000));
    expect(first?.machine).toEqual(describeThisMachine());

    const failing = join(dir, 'fail.json');
    await writeFile(failing, JSON.stringify({ kind: 'touch', name: 'failed', fail: true, backend: 'cpu', plugins: [plugin] }));
    await expect(runExperimentFile({ path: failing, cwd: dir, runsRoot: 'runs', builtIns: [], log: () => undefined })).rejects.toThrow(/the kind failed/);
    expect(await readdir(join(dir, 'runs'))).toEqual(['touched']);
  });

  it('travels into the provenance of an import', async () => {
    const run = await mkdtemp(join(tmpdir(), 'sparse-timing-import-'));
    await writeFile(join(run, 'results.jsonl'), '{"a":1}\n');
    await writeFile(join(run, 'config.json'), '{"kind":"x"}\n');
    await recordRunTiming(run, timing(90, false));
    const out = join(run, 'out');
    const provenance = await importRunResults({ runPath: run, name: 'x-full', command: 'sparse run x.json', configFile: 'x.json', outDir: out });
    expect(provenance.timing?.map((line) => line.wallSeconds)).toEqual([90]);
    const written = JSON.parse(await readFile(join(out, 'x-full.provenance.json'), 'utf8')) as { timing: RunTiming[] };
    expect(written.timing[0]?.wallSeconds).toBe(90);
  });
});
