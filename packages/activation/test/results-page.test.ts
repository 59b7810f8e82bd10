import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { claimVerdict, compareSeeds, readResultsData, seedStats } from '@sparse/experiments';
import { ACTIVATION_CLAIM_BOUNDS, renderActivationPage, type ActivationRow } from '../src/index.js';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = `${repo}docs/results/data/activation`;

type Sparsify = Extract<ActivationRow, { kind: 'sparsify' }>;
type Train = Extract<ActivationRow, { kind: 'train' }>;
const pct = (value: number): string => (100 * value).toFixed(2);
const cell = (values: readonly number[]): string => {
  const stats = seedStats(values);
  return `${pct(stats.mean)} ± ${pct(stats.sd)} (${stats.n})`;
};
const blockError = (row: Sparsify): number => {
  const errors = row.blockErrors.map((block) => block.relativeError).filter((value): value is number => value !== null && value > 0);
  return errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length);
};

describe('the activation results page', () => {
  it('renders the committed sample: every cell is the mean ± sd of its seeds, every verdict follows from the rows, and rendering is deterministic', async () => {
    const data = await readResultsData<ActivationRow>(fixtures, 'sample-activation');
    const { rows } = data;
    expect(new Set(rows.map((row) => row.seed)).size).toBeGreaterThanOrEqual(3);
    const page = renderActivationPage(data, { dataFolder: 'data/sample', regenerate: 'test' });
    expect(renderActivationPage(data, { dataFolder: 'data/sample', regenerate: 'test' })).toEqual(page);

    const sparsify = rows.filter((row): row is Sparsify => row.kind === 'sparsify');
    expect(sparsify.length).toBeGreaterThan(10);
    const groups = new Set(sparsify.map((row) => `${row.model}|${row.method}|${row.levelLabel}`));
    for (const key of groups) {
      const [model, method, level] = key.split('|');
      const group = sparsify.filter((row) => row.model === model && row.method === method && row.levelLabel === level);
      expect(page.markdown, key).toContain(`| ${method} | ${level} | ${cell(group.map((row) => row.accuracy))} | ${cell(group.map((row) => row.drop))} |`);
    }

    // The distributions: each site's kurtosis over seeds.
    const train = rows.filter((row): row is Train => row.kind === 'train');
    const gate = train.filter((row) => row.model === 'gated-mlp').map((row) => row.distributions[0]?.kurtosis ?? Number.NaN);
    const gateStats = seedStats(gate);
    expect(page.markdown).toContain(`| gated-mlp | block0/gate | ${gateStats.mean.toFixed(2)} ± ${gateStats.sd.toFixed(2)} |`);
    // Exactly which images: each seed's fingerprints.
    for (const row of train) expect(page.markdown).toContain(`| ${row.seed} | ${row.images.train} | ${row.images.validation} | ${row.images.calibration} | ${row.images.test} | \`${row.images.validationSha256}\` | \`${row.images.calibrationSha256}\` |`);

    // CHESS vs CATS block error, per target, through compareSeeds.
    const at = (method: string, level: string) => sparsify.filter((row) => row.model === 'gated-mlp' && row.method === method && row.levelLabel === level).sort((a, b) => a.seed - b.seed);
    const errorClaim = page.claims.find((claim) => claim.claim.includes('block-output error'));
    const parts = ['50 %', '90 %'].map((level) => ({ level, verdict: claimVerdict(compareSeeds(at('CATS', level).map(blockError), at('CHESS', level).map(blockError)).comparison, true) }));
    if (parts.every((part) => part.verdict === 'shown')) expect(errorClaim?.verdict).toMatch(/^shown/);
    else for (const part of parts) expect(errorClaim?.verdict).toContain(part.verdict === 'shown' ? part.level : `${part.level}: ${part.verdict}`);
    // CATS at 50 % against the ReLU swap: strict claim through compareSeeds.
    const swap = rows.filter((row): row is Extract<ActivationRow, { kind: 'relu-swap' }> => row.kind === 'relu-swap').sort((x, y) => x.seed - y.seed);
    const relu = page.claims.find((claim) => claim.claim.includes('ReLUfication'));
    expect(relu?.verdict).toBe(claimVerdict(compareSeeds(at('CATS', '50 %').map((row) => row.accuracy), swap.map((row) => row.accuracy)).comparison, true));
    // CHESS+ on the ViT: shown at a level only when every seed is within the bound of dense.
    const plus = page.claims.find((claim) => claim.claim.startsWith('CHESS+'));
    for (const level of ['50 %', '90 %']) {
      const within = sparsify.filter((row) => row.model === 'vit' && row.method === 'CHESS+' && row.levelLabel === level).every((row) => row.drop <= ACTIVATION_CLAIM_BOUNDS.accuracyDrop);
      expect(plus?.verdict.includes(`${level}: not shown`)).toBe(!within);
    }
    // Wall-clock: the rows' medians, and the claim from compareSeeds of dense against thresholded times.
    const timing = rows.filter((row): row is Extract<ActivationRow, { kind: 'timing' }> => row.kind === 'timing');
    expect(timing.length).toBeGreaterThanOrEqual(3);
    const dense = timing.map((row) => row.denseMs);
    const half = timing.map((row) => row.levels.find((level) => level.levelLabel === '50 %')?.ms ?? Number.NaN);
    const clock = page.claims.find((claim) => claim.claim.includes('wall-clock'));
    expect(clock?.result).toContain(`dense ${seedStats(dense).mean.toFixed(1)} ± ${seedStats(dense).sd.toFixed(1)} ms`);
    expect(clock?.verdict.includes('50 %: not shown')).toBe(compareSeeds(dense, half).comparison !== 'above');

    expect(page.markdown).toContain('sample-activation.jsonl');
    expect(page.markdown).toContain(data.provenance.runDirectory);
    expect(page.claims.every((claim) => /^(shown|partly shown|consistent|not shown|not tested)/.test(claim.verdict))).toBe(true);
    expect(page.files.length).toBeGreaterThan(0);
    for (const file of page.files) expect(file.content).toMatch(/^<svg/);
  });

  it('says "not tested" for a claim whose rows are absent instead of a verdict', async () => {
    const data = await readResultsData<ActivationRow>(fixtures, 'sample-activation');
    const page = renderActivationPage({ ...data, rows: data.rows.filter((row) => row.kind !== 'timing' && row.model !== 'vit') }, { dataFolder: 'data/sample', regenerate: 'test' });
    expect(page.claims.find((claim) => claim.claim.includes('wall-clock'))?.verdict).toMatch(/^not tested/);
    expect(page.claims.find((claim) => claim.claim.startsWith('CHESS+'))?.verdict).toMatch(/^not tested/);
    expect(page.markdown).toContain('This data set has no timing rows');
  });

  const committed = ['activation-full', 'activation-quick'].find((name) => existsSync(`${DATA}/${name}.jsonl`));
  it.skipIf(committed === undefined)('docs/results/activation.md and claims.json are the page rendered from the committed raw results', async () => {
    const data = await readResultsData<ActivationRow>(DATA, committed as string);
    const page = renderActivationPage(data, { dataFolder: 'data/activation', regenerate: 'pnpm results:activation render' });
    expect(readFileSync(`${repo}docs/results/activation.md`, 'utf8')).toBe(page.markdown);
    for (const file of page.files) expect(readFileSync(`${repo}docs/results/${file.name}`, 'utf8'), file.name).toBe(file.content);
    expect(JSON.parse(readFileSync(`${DATA}/claims.json`, 'utf8'))).toEqual(page.claims);
  });
});
