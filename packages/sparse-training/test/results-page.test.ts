import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareSeeds, evaluateClaim, readResultsData, renderPretrainedPage, renderSparseTrainingPage, seedStats, sparseTrainingIndexClaims, type PageData, type PretrainedUnitResult, type SparseTrainingUnitResult } from '../src/index.js';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

const row = (method: string, seed: number, testAccuracy: number, targetSparsity: number | null = 0.9): SparseTrainingUnitResult => ({
  unit: `seed-${seed}/${method}`,
  method,
  name: method,
  seed,
  targetSparsity,
  engine: 'dense-trainer',
  validationAccuracy: testAccuracy,
  testAccuracy,
  sparsity: targetSparsity ?? 0,
  layerDensities: {},
  curve: [],
  steps: 1,
});

describe('claims', () => {
  it('a gap beyond both spreads, with every seed above the other mean, is shown; the reverse is not; overlap is within noise', () => {
    const a = [0.9, 0.91, 0.905];
    const b = [0.88, 0.885, 0.882];
    expect(compareSeeds(a, b).comparison).toBe('above');
    expect(compareSeeds(b, a).comparison).toBe('below');
    expect(compareSeeds([0.9, 0.86, 0.88], [0.88, 0.87, 0.89]).comparison).toBe('within-noise');
    // one seed below the other's mean blocks "above" even when the means are far apart
    expect(compareSeeds([0.95, 0.95, 0.95, 0.85], [0.88, 0.88, 0.88, 0.88]).comparison).toBe('within-noise');
  });

  it('evaluates at-least, above, within and matches claims from the rows', () => {
    const rows = [0, 1, 2].flatMap((seed) => [row('a', seed, 0.9 + seed * 0.001), row('b', seed, 0.88 + seed * 0.001), row('dense', seed, 0.903 + seed * 0.001, null), row('nm', seed, 0.899 + seed * 0.001, null)]);
    const claim = (relation: 'at-least' | 'above' | 'within' | 'matches', a: string, b: string, s: number | null = 0.9) => evaluateClaim(rows, { claim: 'c', source: 's', a: { method: a, targetSparsity: s }, b: { method: b, targetSparsity: s }, relation, tolerance: 0.005 }).verdict;
    expect(claim('at-least', 'a', 'b')).toBe('shown');
    expect(claim('at-least', 'b', 'a')).toMatch(/^not shown/);
    expect(claim('above', 'a', 'a')).toMatch(/^not shown \(within/);
    expect(claim('at-least', 'a', 'a')).toMatch(/^consistent/);
    expect(claim('within', 'nm', 'dense', null)).toMatch(/^shown/);
    expect(claim('within', 'b', 'a')).toMatch(/^not shown/);
    expect(claim('matches', 'a', 'b')).toMatch(/^shown \(above/);
    expect(claim('matches', 'b', 'a')).toMatch(/^not shown/);
    expect(claim('at-least', 'a', 'missing')).toBe('not tested');
  });
});

describe('the results page', () => {
  it('renders the committed sample: every grid cell is the mean ± sd of its seeds, every verdict follows from the rows, and rendering is deterministic', async () => {
    const dst: PageData = await readResultsData<SparseTrainingUnitResult>(fixtures, 'sample-dst');
    expect(dst.rows.length).toBeGreaterThan(10);
    const page = renderSparseTrainingPage({ dst }, { dataFolder: 'data/sample', regenerate: 'test' });
    expect(renderSparseTrainingPage({ dst }, { dataFolder: 'data/sample', regenerate: 'test' }).markdown).toBe(page.markdown);
    const pct = (value: number): string => (100 * value).toFixed(2);
    for (const method of new Set(dst.rows.map((r) => r.method))) {
      for (const target of new Set(dst.rows.filter((r) => r.method === method).map((r) => r.targetSparsity))) {
        const stats = seedStats(dst.rows.filter((r) => r.method === method && r.targetSparsity === target).map((r) => r.testAccuracy));
        expect(page.markdown, `${method} at ${String(target)}`).toContain(`${pct(stats.mean)} ± ${pct(stats.sd)} (${stats.n})`);
      }
    }
    const erk = dst.rows.filter((r) => r.method === 'static (erk)' && r.targetSparsity === 0.9).map((r) => r.testAccuracy);
    const uniform = dst.rows.filter((r) => r.method === 'static (uniform)' && r.targetSparsity === 0.9).map((r) => r.testAccuracy);
    const erkClaim = page.claims.find((claim) => claim.claim === 'ERK ≥ uniform (static random) at 90 %');
    expect(erkClaim?.verdict.startsWith('shown')).toBe(compareSeeds(erk, uniform).comparison === 'above');
    expect(page.markdown).toContain('sample-dst.jsonl');
    expect(page.markdown).toContain(dst.provenance.runDirectory);
    expect(page.files.length).toBe(1);
    expect(page.files[0]?.content).toMatch(/^<svg/);
  });

  it('renders the committed pretrained-masks sample: the jackpot claims follow the seeds, the essential sparsity is each seed\'s drop point', async () => {
    const data = await readResultsData<PretrainedUnitResult>(fixtures, 'sample-pretrained');
    const page = renderPretrainedPage(data, { dataFolder: 'data/sample', regenerate: 'test' });
    const comparisons = data.rows.filter((r) => r.unit === 'sparsity');
    const top = Math.max(...comparisons.map((r) => r.sparsity));
    const at = comparisons.filter((r) => r.sparsity === top);
    const { comparison, gap } = compareSeeds(
      at.map((r) => r.jackpot.test),
      at.map((r) => r.magnitude.test),
    );
    const wide = page.claims.find((claim) => claim.claim.includes('wide margin'));
    expect(wide?.verdict === 'shown').toBe(comparison === 'above' && gap >= 0.1);
    const essentialSeeds = data.rows.filter((r) => r.unit === 'essential');
    const global = page.claims.find((claim) => claim.claim.includes('(global)'));
    for (const row of essentialSeeds) {
      const drop = row.sweeps.find((sweep) => sweep.allocation === 'global')?.drop.test.essential;
      expect(global?.evidence).toContain(drop === null || drop === undefined ? 'none' : (100 * drop).toFixed(2));
    }
    expect(page.markdown).toContain('sample-pretrained.jsonl');
    expect(page.files.length).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(`${repo}docs/results/data/sparse-training/pretrained-masks-full.jsonl`))('docs/results/pretrained-masks.md is the page rendered from the committed raw results', async () => {
    const data = await readResultsData<PretrainedUnitResult>(`${repo}docs/results/data/sparse-training`, 'pretrained-masks-full');
    const page = renderPretrainedPage(data, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' });
    expect(readFileSync(`${repo}docs/results/pretrained-masks.md`, 'utf8')).toBe(page.markdown);
  });

  it.skipIf(!existsSync(`${repo}docs/results/data/sparse-training/dst-full.jsonl`))('docs/results/sparse-training.md is the page rendered from the committed raw results', async () => {
    const dir = `${repo}docs/results/data/sparse-training`;
    const data: { dst?: PageData; search?: PageData; nm?: PageData } = {};
    for (const [key, name] of [['dst', 'dst-full'], ['search', 'search-vs-imp-full'], ['nm', 'nm-full']] as const) {
      if (existsSync(`${dir}/${name}.jsonl`)) data[key] = await readResultsData<SparseTrainingUnitResult>(dir, name);
    }
    const page = renderSparseTrainingPage(data, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' });
    expect(readFileSync(`${repo}docs/results/sparse-training.md`, 'utf8')).toBe(page.markdown);
    const pretrainedData = await readResultsData<PretrainedUnitResult>(dir, 'pretrained-masks-full');
    const pretrained = { data: pretrainedData, claims: renderPretrainedPage(pretrainedData, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' }).claims };
    expect(JSON.parse(readFileSync(`${dir}/claims.json`, 'utf8'))).toEqual(sparseTrainingIndexClaims(data, page.claims, pretrained));
  });
});
