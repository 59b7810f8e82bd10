import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSparseError, SparseError } from '@sparse/core';
import { allUnitIds, replicateSeed, toyUnits, type ToyConfig } from '../../test/fixtures/toy-job.js';
import { readTree, treeDifferences } from '../../test/support/tree.js';
import { openRunDirectory, type RunDirectory } from './run-directory.js';
import { finalizeRun, readRunMetrics, runUnits, type RunUnit, type UnitContext } from './run-units.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sparse-units-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const SMALL: ToyConfig = { seed: 3, replicates: 1, levels: 2, epochs: 2, dim: 8, samples: 16, lr: 0.3 };

/** Runs the toy job (every replicate, then finalize) in `run`, optionally with wrapped units. */
async function runToy(run: RunDirectory, config: ToyConfig, wrap: (unit: RunUnit) => RunUnit = (unit) => unit, onResume?: (unit: string, key: string) => void): Promise<void> {
  for (let replicate = 0; replicate < config.replicates; replicate += 1) {
    const units = toyUnits(run, config, replicate, onResume === undefined ? {} : { onResume }).map(wrap);
    await runUnits({ run, units, runSeed: replicateSeed(config, replicate), finalize: false });
  }
  await finalizeRun(run, allUnitIds(config));
}

class Crash extends Error {}

/** Wraps units so that the `at`-th write-related call (before or after each metric and checkpoint) throws. */
function crashAt(at: number): (unit: RunUnit) => RunUnit {
  let count = 0;
  const tick = (): void => {
    count += 1;
    if (count === at) throw new Crash(`crash at ${at}`);
  };
  return (unit) => ({
    id: unit.id,
    run: (ctx: UnitContext) =>
      unit.run({
        ...ctx,
        async metric(record) {
          tick();
          await ctx.metric(record);
          tick();
        },
        async checkpoint(key, snapshot) {
          tick();
          await ctx.checkpoint(key, snapshot);
          tick();
        },
      }),
  });
}

describe('runUnits', () => {
  it('runs units in order with derived seeds, writes per-unit and combined files', async () => {
    const run = await openRunDirectory({ root, name: 'order', config: { seed: 5 } });
    const calls: string[] = [];
    const units: RunUnit[] = ['a', 'b/c'].map((id, index) => ({
      id,
      async run(ctx) {
        calls.push(`${ctx.id}:${ctx.seed('init', 'w')}`);
        await ctx.metric({ index, value: index * 1.5 });
        return index === 0 ? { first: true } : { previous: ctx.output('a') };
      },
    }));
    const derive = (runSeed: number, purpose: string, name?: string): number => runSeed * 1000 + purpose.length * 10 + (name?.length ?? 0);
    const result = await runUnits({ run, units, runSeed: 2, deriveSeed: derive });
    expect(calls).toEqual(['a:2041', 'b/c:2041']);
    expect(result.executed).toEqual(['a', 'b/c']);
    expect([...result.outputs]).toEqual([
      ['a', { first: true }],
      ['b/c', { previous: { first: true } }],
    ]);
    expect(await readRunMetrics(run)).toEqual([
      { unit: 'a', index: 0, value: 0 },
      { unit: 'b/c', index: 1, value: 1.5 },
    ]);
    expect(await readRunMetrics(run, 'b/c')).toEqual([{ unit: 'b/c', index: 1, value: 1.5 }]);
    expect(JSON.parse(await readFile(run.file('results.json'), 'utf8'))).toEqual({ units: [{ id: 'a', output: { first: true } }, { id: 'b/c', output: { previous: { first: true } } }] });
    const again = await runUnits({ run, units, runSeed: 2, deriveSeed: derive });
    expect([again.executed, again.skipped, calls.length]).toEqual([[], ['a', 'b/c'], 2]);
    await run.close();
  });

  it('ends with the same files when interrupted at any write and resumed', async () => {
    // The reference run also counts the write points (before and after each metric and checkpoint).
    let points = 0;
    const counting = (unit: RunUnit): RunUnit => ({
      id: unit.id,
      run: (ctx: UnitContext) =>
        unit.run({
          ...ctx,
          metric: async (record) => {
            points += 2;
            await ctx.metric(record);
          },
          checkpoint: async (key, snapshot) => {
            points += 2;
            await ctx.checkpoint(key, snapshot);
          },
        }),
    });
    const reference = await openRunDirectory({ root: join(root, 'reference'), name: 'toy', config: SMALL });
    await runToy(reference, SMALL, counting);
    await reference.close();
    const expected = await readTree(reference.path);
    expect(expected.size).toBeGreaterThan(10);
    expect(points).toBe(2 * SMALL.replicates * SMALL.levels * (2 * SMALL.epochs + 1));

    let resumedFromCheckpoint = 0;
    for (let at = 1; at <= points; at += 1) {
      const run = await openRunDirectory({ root: join(root, `crash-${at}`), name: 'toy', config: SMALL });
      const error = await rejection(runToy(run, SMALL, crashAt(at)));
      expect((error as Error).cause).toBeInstanceOf(Crash);
      await runToy(run, SMALL, undefined, () => (resumedFromCheckpoint += 1));
      await run.close();
      expect({ at, differences: treeDifferences(expected, await readTree(run.path)) }).toEqual({ at, differences: [] });
    }
    expect(resumedFromCheckpoint).toBeGreaterThan(points / 3);
  });

  it('writes each metric line exactly once across a resume', async () => {
    const run = await openRunDirectory({ root, name: 'once', config: { n: 1 } });
    let attempt = 0;
    const unit: RunUnit = {
      id: 'only',
      async run(ctx) {
        attempt += 1;
        const start = ctx.resume === undefined ? 0 : (ctx.resume.state as number);
        for (let step = start + 1; step <= 4; step += 1) {
          await ctx.metric({ step });
          if (step % 2 === 0) await ctx.checkpoint(`step-${step}`, { state: step });
          if (attempt === 1 && step === 3) throw new Error('power cut');
        }
        return step4(ctx);
      },
    };
    const step4 = (ctx: UnitContext): number => (ctx.resume === undefined ? 0 : 1);
    const failed = await rejection(runUnits({ run, units: [unit], runSeed: 0 }));
    expect(isSparseError(failed, 'E_INTERNAL')).toBe(true);
    expect((failed as Error).message).toBe('Unit "only" failed: power cut');
    expect((await readRunMetrics(run, 'only')).map((record) => record['step'])).toEqual([1, 2, 3]);
    const result = await runUnits({ run, units: [unit], runSeed: 0 });
    expect(result.outputs.get('only')).toBe(1);
    expect((await readRunMetrics(run)).map((record) => record['step'])).toEqual([1, 2, 3, 4]);
    await run.close();
  });

  it('names the failing unit and keeps the code of a SparseError', async () => {
    const run = await openRunDirectory({ root, name: 'fail', config: {} });
    const error = await rejection(
      runUnits({
        run,
        runSeed: 0,
        units: [
          {
            id: 'bad',
            run() {
              throw new SparseError('E_ARGUMENT', 'sparsity 2 is out of range');
            },
          },
        ],
      }),
    );
    expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe('Unit "bad" failed: sparsity 2 is out of range');
    expect((error as SparseError).details).toEqual({ field: 'unit', received: 'bad' });
    await run.close();
  });

  it('stops when cancelled and resumes later', async () => {
    const run = await openRunDirectory({ root, name: 'cancel', config: {} });
    const controller = new AbortController();
    const units: RunUnit[] = [0, 1, 2].map((i) => ({
      id: `u${i}`,
      async run(ctx) {
        if (i === 1) controller.abort(new Error('stop now'));
        ctx.signal.throwIfAborted();
        await ctx.metric({ i });
        return i;
      },
    }));
    const error = await rejection(runUnits({ run, units, runSeed: 0, signal: controller.signal }));
    expect((error as Error).message).toBe('stop now');
    const result = await runUnits({ run, units, runSeed: 0 });
    expect([result.skipped, result.executed]).toEqual([['u0'], ['u1', 'u2']]);
    await run.close();
  });

  it('validates unit ids, metric records and outputs', async () => {
    const run = await openRunDirectory({ root, name: 'checks', config: {} });
    const unit = (id: string): RunUnit => ({ id, run: () => null });
    expect(isSparseError(await rejection(runUnits({ run, runSeed: 0, units: [unit('a'), unit('a')] })), 'E_ARGUMENT')).toBe(true);
    expect((await rejection(runUnits({ run, runSeed: 0, units: [unit('../x')] })) as Error).message).toContain('units[0].id');
    const badMetric: RunUnit = { id: 'm', run: async (ctx) => { await ctx.metric({ unit: 'x' }); return null; } };
    expect((await rejection(runUnits({ run, runSeed: 0, units: [badMetric] })) as Error).message).toContain('without a "unit" key');
    const badOutput: RunUnit = { id: 'o', run: () => ({ value: Number.NaN }) };
    expect(isSparseError(await rejection(runUnits({ run, runSeed: 0, units: [badOutput] })), 'E_ARGUMENT')).toBe(true);
    const earlier: RunUnit = { id: 'e', run: (ctx) => ctx.output('later') };
    expect(isSparseError(await rejection(runUnits({ run, runSeed: 0, units: [earlier] })), 'E_NOT_FOUND')).toBe(true);
    expect(isSparseError(await rejection(finalizeRun(run, ['never'])), 'E_NOT_FOUND')).toBe(true);
    await run.close();
  });

  it('refuses to resume over metrics that were changed after a unit completed', async () => {
    const run = await openRunDirectory({ root, name: 'tamper', config: {} });
    const units: RunUnit[] = [{ id: 'a', run: async (ctx) => { await ctx.metric({ v: 1 }); return 1; } }];
    await runUnits({ run, units, runSeed: 0 });
    await writeFile(run.file('metrics', 'a.jsonl'), '{"unit":"a","v":2}\n');
    expect(isSparseError(await rejection(runUnits({ run, units, runSeed: 0 })), 'E_FORMAT')).toBe(true);
    await run.close();
  });
});
