import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { openRunDirectory, type RunDirectory } from '../run/run-directory.js';
import { runUnits, type RunUnit } from '../run/run-units.js';
import { formatTable } from './table.js';
import { buildRunReport, metricSeries, readReportSpec, summarizeMetrics, writeReportSpec, writeRunReport, type ReportSpec } from './run-report.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sparse-report-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const records = [
  { kind: 'level-end', method: 'lth', seed: 0, remaining: 100, acc: 0.9 },
  { kind: 'level-end', method: 'lth', seed: 1, remaining: 100, acc: 0.92 },
  { kind: 'level-end', method: 'lth', seed: 0, remaining: 51.2, acc: 0.93 },
  { kind: 'level-end', method: 'lth', seed: 1, remaining: 51.2, acc: 0.95 },
  { kind: 'level-end', method: 'random', seed: 0, remaining: 51.2, acc: 0.85 },
  { kind: 'epoch', method: 'lth', seed: 0, remaining: 51.2, acc: 0.1 },
];

const spec: ReportSpec = {
  title: 'Lottery tickets',
  text: ['Two seeds.'],
  plots: [{ title: 'Accuracy vs. weights remaining', where: { kind: 'level-end' }, x: 'remaining', y: 'acc', series: 'method', xScale: 'log', reverseX: true, xLabel: 'weights remaining (%)' }],
  tables: [{ title: 'Accuracy', where: { kind: ['level-end'] }, groupBy: ['method', 'remaining'], columns: ['acc'], range: true, count: true }],
};

async function runWith(metrics: readonly Record<string, string | number>[]): Promise<RunDirectory> {
  const run = await openRunDirectory({ root, name: 'report', config: { seeds: [0, 1], model: { name: 'lenet', hidden: [300, 100] } } });
  const unit: RunUnit = {
    id: 'all',
    async run(ctx) {
      for (const record of metrics) await ctx.metric(record);
      return null;
    },
  };
  await runUnits({ run, units: [unit], runSeed: 0 });
  return run;
}

describe('metric summaries', () => {
  it('average series over seeds with min-max spread, filtered by `where`', () => {
    expect(metricSeries(records, spec.plots?.[0] ?? { title: '', x: '', y: '' })).toEqual([
      { name: 'lth', points: [{ x: 100, y: 0.91, yMin: 0.9, yMax: 0.92 }, { x: 51.2, y: 0.94, yMin: 0.93, yMax: 0.95 }] },
      { name: 'random', points: [{ x: 51.2, y: 0.85 }] },
    ]);
    expect(metricSeries(records, { title: '', x: 'remaining', y: 'acc', where: { kind: 'epoch' }, spread: 'none' })).toEqual([{ name: 'acc', points: [{ x: 51.2, y: 0.1 }] }]);
  });

  it('reduce groups to table rows', () => {
    const table = summarizeMetrics(records, spec.tables?.[0] ?? { title: '', groupBy: [], columns: [] });
    expect(formatTable(table)).toBe(
      [
        'Accuracy',
        'method  remaining   acc  acc min  acc max  n',
        '------  ---------  ----  -------  -------  -',
        'lth           100  0.91      0.9     0.92  2',
        'lth          51.2  0.94     0.93     0.95  2',
        'random       51.2  0.85     0.85     0.85  1',
      ].join('\n'),
    );
    expect(summarizeMetrics(records, { title: 'last', groupBy: [], columns: ['acc'], reduce: 'last' }).rows).toEqual([{ acc: 0.1 }]);
  });
});

describe('run reports', () => {
  it('build the HTML report of a run from its stored spec, metrics and config', async () => {
    const run = await runWith(records);
    await writeReportSpec(run, spec);
    expect(await readReportSpec(run)).toEqual(spec);
    const path = await writeRunReport(run.path);
    expect(path).toBe(run.file('report.html'));
    const html = await readFile(path, 'utf8');
    expect(html).toContain('<h1>Lottery tickets</h1>');
    expect(html).toContain('<p>Two seeds.</p>');
    expect(html).toContain('<figcaption>Accuracy vs. weights remaining</figcaption>');
    expect(html.match(/<polygon class="band"/g)).toHaveLength(1);
    expect(html).toContain('<td>model.hidden</td><td>[300,100]</td>');
    expect(html).toContain('<td class="num">0.94</td>');
    await run.close();
  });

  it('fall back to a default spec: each metric by step, and the last values per unit', async () => {
    const run = await runWith([
      { step: 1, loss: 2 },
      { step: 2, loss: 1 },
    ]);
    const report = await buildRunReport(run);
    expect(report.title).toBe('report');
    expect(report.sections.map((section) => section.heading)).toEqual(['Plots', 'Tables', 'Config']);
    const empty = await openRunDirectory({ root: join(root, 'empty'), name: 'nothing', config: {} });
    expect((await buildRunReport(empty)).sections[0]?.blocks[0]).toEqual({ kind: 'text', text: expect.stringContaining('No metrics yet') });
    await run.close();
    await empty.close();
  });

  it('reject an invalid stored spec, naming the fields', async () => {
    const run = await runWith([]);
    await writeFile(run.file('report-spec.json'), JSON.stringify({ plots: [{ title: 'x', x: 'a', y: 'b', xScale: 'logarithmic', colour: 'red' }] }));
    let error: unknown;
    try {
      await readReportSpec(run);
    } catch (caught) {
      error = caught;
    }
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain('plots[0].colour: unknown field; allowed: title, where, x, y, series');
    expect((error as Error).message).toContain('plots[0].xScale: expected one of "linear", "log", received "logarithmic"');
    await run.close();
  });
});
