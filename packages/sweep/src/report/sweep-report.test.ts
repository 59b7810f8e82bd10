import { describe, expect, it } from 'vitest';
import { renderHtmlReport, renderMarkdownReport } from '@sparse/experiments';
import { buildSweepReport, type SweepReportRun } from './sweep-report.js';

const spec = { rows: 'summaries', where: { branch: 'ticket' }, metrics: ['accuracy'], x: 'remaining', y: 'accuracy', xScale: 'log' as const };

function run(index: number, scorer: string, seed: number, status: SweepReportRun['status']['status'], accuracy: number[]): SweepReportRun {
  const id = `r-${index}`;
  return {
    index,
    id,
    label: `scorer=${scorer} seed=${seed}`,
    axes: [{ path: 'scorer', value: scorer }],
    seed,
    status: status === 'failed' ? { id, status, error: 'boom' } : { id, status },
    summary: { summaries: [...accuracy.map((value, level) => ({ branch: 'ticket', remaining: 0.5 ** level, accuracy: value })), { branch: 'reinit', remaining: 1, accuracy: 0 }] },
  };
}

describe('buildSweepReport', () => {
  const runs = [run(0, 'magnitude', 0, 'done', [0.9, 0.8]), run(1, 'magnitude', 1, 'done', [0.7, 0.6]), run(2, 'random', 0, 'failed', []), run(3, 'random', 1, 'pending', [])];
  const report = buildSweepReport('demo', runs, spec);

  it('tables the axes, seed, status and the last kept record\'s metrics of every run', () => {
    const markdown = renderMarkdownReport(report, 'report').markdown;
    expect(markdown).toMatch(/4 runs: 2 done, 1 failed, 1 pending/);
    expect(markdown).toMatch(/\| # \| scorer \| seed \| status \| accuracy \| run directory \|/);
    expect(markdown).toMatch(/\| 1 \| magnitude \| 0 \| done \| 0\.8 \| r-0 \|/);
    expect(markdown).toMatch(/\| 3 \| random \| 0 \| failed \|/);
    expect(markdown).toMatch(/3 \(scorer=random seed=0, r-2\): boom/);
  });

  it('plots one series per grid combination, the mean over seeds with its range', () => {
    const plot = report.sections.flatMap((section) => section.blocks).find((block) => block.kind === 'plot');
    expect(plot?.kind).toBe('plot');
    if (plot?.kind !== 'plot') return;
    expect(plot.plot.series).toHaveLength(1);
    expect(plot.plot.series[0]?.name).toBe('scorer=magnitude');
    expect(plot.plot.series[0]?.points).toEqual([
      { x: 0.5, y: expect.closeTo(0.7, 12), yMin: 0.6, yMax: 0.8 },
      { x: 1, y: expect.closeTo(0.8, 12), yMin: 0.7, yMax: 0.9 },
    ]);
    expect(renderHtmlReport(report)).toMatch(/<svg[^]*scorer=magnitude/);
  });

  it('says there is nothing to plot before any run is done', () => {
    const empty = buildSweepReport('demo', [run(0, 'magnitude', 0, 'pending', [])], spec);
    expect(renderMarkdownReport(empty, 'report').markdown).toMatch(/No finished run has results to plot yet/);
  });
});
