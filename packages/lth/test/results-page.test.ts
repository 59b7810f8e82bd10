/**
 * The lottery-ticket results pages from committed raw results: (1) a page rendered from a small
 * committed sample (real rows of the quick run) shows the sample's numbers and verdicts computed
 * independently here; (2) the committed pages, plots and claims.json are what a fresh render of the
 * committed data gives (`pnpm results:lth render`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareSeeds, readResultsData, seedStats, type ResultsClaim } from '@sparse/experiments';
import { LTH_RESULT_SETS, parseLthRows, percentRemaining, renderLthPage, type LthPageData, type UnitSummary } from '../src/index.js';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = join(repo, 'docs/results/data/lth');

async function sample(): Promise<LthPageData> {
  const { rows, provenance } = await readResultsData(fixtures, 'sample-lth');
  return { rows: parseLthRows(rows, 'sample-lth.jsonl'), provenance };
}

const of = (rows: readonly UnitSummary[], branch: string, level: number) => rows.filter((row) => row.branch === branch && row.level === level);
const acc = (values: readonly number[]): string => {
  const stats = seedStats(values);
  return `${(100 * stats.mean).toFixed(2)} ± ${(100 * stats.sd).toFixed(2)}`;
};

describe('the lottery-ticket results page from the committed sample', () => {
  it('shows every level\'s accuracies as mean ± sd of its seeds, the engine, the provenance and the budget share', async () => {
    const data = await sample();
    expect(new Set(data.rows.map((row) => row.seed)).size).toBeGreaterThanOrEqual(3);
    const page = renderLthPage(data, { page: 'sample.md', dataLink: 'data/sample', regenerate: 'test' });
    expect(renderLthPage(data, { page: 'sample.md', dataLink: 'data/sample', regenerate: 'test' })).toEqual(page);
    const levels = [...new Set(data.rows.filter((row) => row.level > 0).map((row) => row.level))];
    expect(levels.length).toBeGreaterThanOrEqual(2);
    for (const level of levels) {
      const ticket = of(data.rows, 'ticket', level);
      const reinit = of(data.rows, 'reinit', level);
      const cells = `| ${level} | ${percentRemaining(ticket[0]?.remaining ?? 0)} | ${acc(ticket.map((row) => row.testAccuracyAtEarlyStop))} |`;
      expect(page.markdown, `level ${level}`).toContain(cells);
      expect(page.markdown, `re-init at level ${level}`).toContain(`| ${acc(reinit.map((row) => row.testAccuracyAtEarlyStop))} |`);
    }
    const engines = [...new Set(data.rows.map((row) => row.engine))];
    expect(page.markdown).toContain(`training engine ${engines.join(', ')} (as the raw rows record it)`);
    expect(page.markdown).toContain(`engines ${engines.join(', ')}`);
    expect(page.markdown).toContain(`run directory \`${data.provenance.runDirectory}\``);
    expect(page.markdown).toContain('[data/sample.jsonl](data/sample.jsonl)');
    const capped = data.rows.filter((row) => row.earlyStopIteration === row.iterations).length;
    expect(page.markdown).toContain(`${capped} of ${data.rows.length} training runs`);
    expect(page.files.map((file) => file.name)).toEqual(['sample-test-accuracy-at-early-stop.svg', 'sample-early-stopping-iteration.svg']);
  });

  it('gives each claim the verdict its seeds give, computed here from the rows', async () => {
    const data = await sample();
    const page = renderLthPage(data, { page: 'sample.md', dataLink: 'data/sample', regenerate: 'test' });
    const byClaim = (start: string): ResultsClaim => page.claims.find((claim) => claim.claim.startsWith(start)) as ResultsClaim;
    const levels = [...new Set(data.rows.filter((row) => row.branch === 'reinit').map((row) => row.level))];
    const accuracies = (rows: readonly UnitSummary[]) => rows.map((row) => row.testAccuracyAtEarlyStop);
    const beatsReinit = levels.filter((level) => compareSeeds(accuracies(of(data.rows, 'ticket', level)), accuracies(of(data.rows, 'reinit', level))).comparison === 'above');
    const reinit = byClaim('A winning ticket (IMP, reset to θ0)');
    expect(reinit.result).toMatch(new RegExp(`^beyond seed noise at ${beatsReinit.length} of ${levels.length} levels`));
    expect(reinit.verdict.startsWith('not shown')).toBe(beatsReinit.length === 0);
    expect(reinit.verdict.startsWith('shown at every')).toBe(beatsReinit.length === levels.length);
    const dense = accuracies(of(data.rows, 'ticket', 0));
    const belowDense = levels.filter((level) => compareSeeds(accuracies(of(data.rows, 'ticket', level)), dense).comparison === 'below');
    expect(byClaim('A winning ticket reaches at least').verdict.startsWith('partly') || byClaim('A winning ticket reaches at least').verdict.startsWith('not shown')).toBe(belowDense.length > 0);
    const stops = (rows: readonly UnitSummary[]) => rows.map((row) => row.earlyStopIteration);
    const earlier = levels.filter((level) => compareSeeds(stops(of(data.rows, 'reinit', level)), stops(of(data.rows, 'ticket', level))).comparison === 'above');
    expect(byClaim('Winning tickets learn faster').result).toContain(`than re-init at ${earlier.length} of ${levels.length}`);
    for (const claim of page.claims) {
      expect(claim.page).toBe('sample.md');
      expect(claim.verdict).toMatch(/^(shown|partly shown|consistent|not shown|not tested)/);
    }
  });
});

describe('the committed lottery-ticket pages', () => {
  const present = LTH_RESULT_SETS.filter((set) => existsSync(join(DATA, `${set.name}.jsonl`)));

  it('exist for at least one committed data set, and claims.json holds their claims', () => {
    expect(present.length).toBeGreaterThan(0);
    expect(existsSync(join(DATA, 'claims.json'))).toBe(true);
  });

  it('equal a fresh render of the committed raw results (pnpm results:lth render)', async () => {
    const claims: ResultsClaim[] = [];
    for (const { name, page } of present) {
      const { rows, provenance } = await readResultsData(DATA, name);
      const rendered = renderLthPage({ rows: parseLthRows(rows, `${name}.jsonl`), provenance }, { page, dataLink: `data/lth/${name}`, regenerate: 'pnpm results:lth render' });
      expect(readFileSync(join(repo, 'docs/results', page), 'utf8'), page).toBe(rendered.markdown);
      for (const file of rendered.files) expect(readFileSync(join(repo, 'docs/results', file.name), 'utf8'), file.name).toBe(file.content);
      claims.push(...rendered.claims);
    }
    expect(JSON.parse(readFileSync(join(DATA, 'claims.json'), 'utf8'))).toEqual(claims);
  });
});
