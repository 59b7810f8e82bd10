import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareSeeds, readResultsData, seedStats } from '@sparse/experiments';
import { renderDeltaPage, type DeltaRow } from '../src/index.js';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pct = (value: number): string => (100 * value).toFixed(2);
const avg = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const cell = (values: readonly number[]): string => {
  const stats = seedStats(values);
  return values.length > 1 ? `${pct(stats.mean)} ± ${pct(stats.sd)}` : pct(stats.mean);
};

type Phase<P extends DeltaRow['phase']> = Extract<DeltaRow, { phase: P }>;
const phase = <P extends DeltaRow['phase']>(rows: readonly DeltaRow[], name: P): Phase<P>[] => rows.filter((row): row is Phase<P> => row.phase === name);

describe('the delta results page', () => {
  it('renders the committed sample: every cell is the mean ± sd over training seeds of the per-seed means over drop seeds, every verdict follows from the rows', async () => {
    const data = await readResultsData<DeltaRow>(fixtures, 'sample-delta');
    const page = renderDeltaPage(data, { page: 'delta.md', dataFolder: 'data/sample', regenerate: 'test' });
    expect(renderDeltaPage(data, { page: 'delta.md', dataFolder: 'data/sample', regenerate: 'test' }).markdown).toBe(page.markdown);
    const seeds = new Set(data.rows.map((row) => row.seed));
    expect(seeds.size).toBeGreaterThan(1);

    const curves = phase(data.rows, 'curve');
    expect(curves.length).toBeGreaterThan(0);
    for (const { regime, index } of curves) {
      const mine = curves.filter((row) => row.regime === regime && row.index === index);
      for (const { rate } of mine[0]?.points ?? []) {
        const values = mine.map((row) => avg(row.points.find((point) => point.rate === rate)?.accuracy ?? []));
        expect(page.markdown, `${regime} ${index} ${rate}`).toContain(`| ${rate} |`);
        expect(page.markdown, `${regime} ${index} ${rate}`).toContain(cell(values));
      }
    }
    for (const regime of new Set(phase(data.rows, 'finetune').map((row) => row.regime))) {
      expect(page.markdown).toContain(cell(phase(data.rows, 'finetune').filter((row) => row.regime === regime).map((row) => row.accuracy)));
    }

    const dareAt = (regime: string) => phase(data.rows, 'curve').filter((row) => row.regime === regime && row.method === 'dare').map((row) => ({ seed: row.seed, value: avg(row.points.find((point) => point.rate === 0.9)?.accuracy ?? []) }));
    for (const claim of page.claims.filter((item) => item.claim.startsWith('DARE at p = 0.9'))) {
      const regime = phase(data.rows, 'finetune').find((row) => claim.setup.includes(row.label))?.regime as string;
      const gaps = dareAt(regime).map(({ seed, value }) => value - (phase(data.rows, 'finetune').find((row) => row.regime === regime && row.seed === seed)?.accuracy ?? Number.NaN));
      expect(claim.verdict.startsWith('shown'), claim.setup).toBe(avg(gaps) >= -0.01);
    }
    const darex = phase(data.rows, 'darex');
    for (const claim of page.claims.filter((item) => item.claim.endsWith(`above DARE at p = ${darex[0]?.rate}`))) {
      const regime = phase(data.rows, 'finetune').find((row) => claim.setup.includes(row.label))?.regime as string;
      const of = (test: (row: Phase<'darex'>) => boolean) => darex.filter((row) => row.regime === regime && test(row)).map((row) => avg(row.accuracy));
      const label = claim.claim.replace(/ above DARE at p = .*$/, '');
      expect(claim.verdict.startsWith('shown')).toBe(compareSeeds(of((row) => row.label === label), of((row) => row.method === 'dare')).comparison === 'above');
    }
    const merges = phase(data.rows, 'merge');
    if (merges.length > 0) {
      expect(page.markdown).toContain('## Merging two fine-tunes');
      const ties = merges.filter((row) => row.method === 'ties' && row.rate === 0).map((row) => avg(row.accuracy['all'] ?? []));
      expect(page.markdown).toContain(cell(ties));
    }
    for (const claim of page.claims) expect(page.markdown).toContain(claim.verdict);
    expect(page.markdown).toContain('sample-delta.jsonl');
    expect(page.markdown).toContain(data.provenance.runDirectory);
    expect(page.markdown).toContain('engines stock');
  });

  it('the committed pages and claims.json are what `pnpm results:delta render` makes of the committed raw results', async () => {
    const pages: Record<string, string> = { 'delta-wide-full': 'delta.md', 'delta-task-shift-full': 'delta-task-shift.md' };
    const claims = [];
    for (const [name, file] of Object.entries(pages)) {
      if (!existsSync(`${repo}docs/results/data/delta/${name}.jsonl`)) continue;
      const page = renderDeltaPage(await readResultsData<DeltaRow>(`${repo}docs/results/data/delta`, name), { page: file, dataFolder: 'data/delta', regenerate: 'pnpm results:delta render' });
      expect(readFileSync(`${repo}docs/results/${file}`, 'utf8')).toBe(page.markdown);
      for (const plot of page.files) expect(readFileSync(`${repo}docs/results/${plot.name}`, 'utf8')).toBe(plot.content);
      claims.push(...page.claims);
    }
    expect(claims.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(`${repo}docs/results/data/delta/claims.json`, 'utf8'))).toEqual(claims);
  });
});
