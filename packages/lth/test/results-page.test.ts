/**
 * The lottery-ticket results pages from committed raw results: (1) a page rendered from a small
 * committed sample (real rows of the quick run) shows the sample's numbers and verdicts computed
 * independently here; (2) so does the rewinding page from samples of the k = 0 and k = 25 runs;
 * (3) the committed pages, plots and claims.json are what a fresh render of the committed data
 * gives (`pnpm results:lth render`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareSeeds, readResultsData, seedStats, type ResultsClaim } from '@sparse/experiments';
import { LTH_RESULT_SETS, parseInstabilityRows, parseLthRows, percentRemaining, renderLthPage, renderLthResults, renderRewindingPage, type InstabilitySummary, type LthPageData, type RewindingPageData, type UnitSummary } from '../src/index.js';

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

describe('the rewinding page from the committed samples (k = 0 and k = 25)', () => {
  async function sets(): Promise<RewindingPageData[]> {
    const out: RewindingPageData[] = [];
    for (const name of ['sample-rewind-0', 'sample-rewind-25']) {
      const { rows, provenance } = await readResultsData(fixtures, name);
      out.push({ runs: parseLthRows(rows, `${name}.jsonl`), instability: parseInstabilityRows(rows, `${name}.jsonl`), provenance, dataLink: `data/${name}` });
    }
    return out;
  }
  const accuracy = (row: InstabilitySummary) => ((row.copyTestAccuracies[0] as number) + (row.copyTestAccuracies[1] as number)) / 2;
  const stats = (values: readonly number[]) => {
    const s = seedStats(values);
    return `${(100 * s.mean).toFixed(2)} ± ${(100 * s.sd).toFixed(2)}`;
  };

  it('shows each level\'s instability and accuracy over seeds, stable and matching as the rows give them, and the k = 0 vs k = 25 comparison', async () => {
    const data = await sets();
    const page = renderRewindingPage(data, { page: 'rewind.md', regenerate: 'test' });
    expect(renderRewindingPage([...data].reverse(), { page: 'rewind.md', regenerate: 'test' })).toEqual(page);
    for (const set of data) {
      const k = set.instability[0]?.rewindStep as number;
      expect(page.markdown).toContain(`## Rewind step k = ${k}`);
      const levels = [...new Set(set.instability.map((row) => row.level))].sort((a, b) => a - b);
      expect(levels.length).toBeGreaterThanOrEqual(2);
      const dense = set.instability.filter((row) => row.level === 0).map(accuracy);
      for (const level of levels) {
        const rows = set.instability.filter((row) => row.level === level).sort((a, b) => a.seed - b.seed);
        expect(rows.length).toBeGreaterThanOrEqual(3);
        const barriers = rows.map((row) => row.instability);
        const stable = barriers.every((value) => value < 0.02) ? 'yes' : barriers.every((value) => value >= 0.02) ? 'no' : 'some seeds';
        const gap = seedStats(rows.map(accuracy)).mean - seedStats(dense).mean;
        const matching = level === 0 ? '(dense)' : gap >= -Math.max(0.01, seedStats(dense).sd) ? 'yes' : 'no';
        const cells = `| ${level} | ${percentRemaining(rows[0]?.remaining ?? 0)} | ${stats(barriers)} | ${barriers.map((value) => (100 * value).toFixed(2)).join(', ')} | ${stable} | ${stats(rows.map(accuracy))} |`;
        expect(page.markdown, `k = ${k}, level ${level}`).toContain(cells);
        expect(page.markdown, `k = ${k}, level ${level} matching`).toContain(`| ${matching} |`);
      }
      expect(page.markdown).toContain(`run directory \`${set.provenance.runDirectory}\``);
      expect(page.markdown).toContain(`[${set.dataLink}.jsonl](${set.dataLink}.jsonl) (${set.runs.length + set.instability.length} units)`);
    }
    expect(page.markdown).toContain('## k = 0 against k = 25');
    expect(page.files.map((file) => file.name)).toEqual(['rewind-instability-against-weights-remaining.svg', 'rewind-test-error-along-the-interpolation-path.svg']);
  });

  it('gives each claim the verdict its seeds give, computed here from the rows', async () => {
    const data = await sets();
    const page = renderRewindingPage(data, { page: 'rewind.md', regenerate: 'test' });
    expect(page.claims.map((claim) => claim.claim.slice(0, 40))).toEqual([
      'IMP subnetworks of LeNet are stable to S',
      'Stable IMP subnetworks are matching: the',
      'Rewinding to k > 0 (here k = 25) makes I',
      'Rewinding to k > 0 (here k = 25) makes s',
    ]);
    const [zero, later] = data.map((set) => set.instability) as [InstabilitySummary[], InstabilitySummary[]];
    const pruned = [...new Set(zero.filter((row) => row.level > 0).map((row) => row.level))];
    const barriers = (rows: readonly InstabilitySummary[], level: number) => rows.filter((row) => row.level === level).sort((a, b) => a.seed - b.seed).map((row) => row.instability);
    const stableAtZero = pruned.filter((level) => barriers(zero, level).every((value) => value < 0.02));
    const first = page.claims[0] as ResultsClaim;
    expect(first.verdict.startsWith('shown at every')).toBe(stableAtZero.length === pruned.length);
    expect(first.verdict.startsWith('not shown')).toBe(stableAtZero.length === 0);
    const lower = pruned.filter((level) => compareSeeds(barriers(zero, level), barriers(later, level)).comparison === 'above');
    const third = page.claims[2] as ResultsClaim;
    expect(third.verdict).toContain(stableAtZero.length === pruned.length ? `not tested (every level is already stable at k = 0, so rewinding has nothing to fix; lower beyond seed noise at ${lower.length} of ${pruned.length} levels` : 'shown');
    for (const claim of page.claims) {
      expect(claim.page).toBe('rewind.md');
      expect(claim.verdict).toMatch(/^(shown|partly shown|consistent|not shown|not tested)/);
    }
  });

  it('refuses instability rows that are inconsistent, naming the row and field', async () => {
    const { rows } = await readResultsData(fixtures, 'sample-rewind-0');
    const row = rows.find((raw) => (raw as { branch: string }).branch === 'instability') as Record<string, unknown>;
    expect(() => parseInstabilityRows([{ ...row, interpolationErrors: [0.5, 0.5] }], 'x.jsonl')).toThrow(/x\.jsonl, row 1: interpolationErrors must start at copy 1's test error/);
    expect(() => parseInstabilityRows([{ ...row, copyTestAccuracies: [0.5] }], 'x.jsonl')).toThrow(/row 1: copyTestAccuracies: /);
    expect(() => parseInstabilityRows([row, row], 'x.jsonl')).toThrow(/row 2: seed \d+, level \d+ has two instability rows/);
    expect(parseLthRows(rows, 'x.jsonl').every((parsed) => parsed.branch !== 'instability')).toBe(true);
  });
});

describe('the committed lottery-ticket pages', () => {
  it('exist for at least one committed data set, and claims.json holds their claims', () => {
    expect(LTH_RESULT_SETS.some((set) => existsSync(join(DATA, `${set.name}.jsonl`)))).toBe(true);
    expect(existsSync(join(DATA, 'claims.json'))).toBe(true);
  });

  it('equal a fresh render of the committed raw results (pnpm results:lth render)', async () => {
    const { pages, claims } = await renderLthResults(DATA, 'pnpm results:lth render');
    expect(pages.map((page) => page.page)).toContain('lth-fashion-mnist-quick.md');
    for (const rendered of pages) {
      expect(readFileSync(join(repo, 'docs/results', rendered.page), 'utf8'), rendered.page).toBe(rendered.markdown);
      for (const file of rendered.files) expect(readFileSync(join(repo, 'docs/results', file.name), 'utf8'), file.name).toBe(file.content);
    }
    expect(JSON.parse(readFileSync(join(DATA, 'claims.json'), 'utf8'))).toEqual(claims);
  });
});
