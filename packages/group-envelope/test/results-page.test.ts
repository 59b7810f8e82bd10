import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareSeeds, readResultsData, seedStats } from '@sparse/experiments';
import { describe, expect, it } from 'vitest';
import { chooseLambdas, methodFamily, renderGroupEnvelopePage, type GroupEnvelopeData, type GroupEnvelopePageInput, type GroupEnvelopeResultsRow, type LatencyRecord, type ScalingRow } from '../src/index.js';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pct = (value: number): string => (100 * value).toFixed(2);
const stat = (values: readonly number[]): string => {
  const s = seedStats(values);
  return `${pct(s.mean)} ± ${pct(s.sd)} (${s.n})`;
};
const finals = (rows: readonly GroupEnvelopeResultsRow[], family: string): number[] => rows.filter((row) => methodFamily(row.regularizer) === family).map((row) => row.testFinal);

/** A tuning row: one λ of one family, its counts at the end of training and its accuracies. */
function tuningRow(name: string, lambda: number, nonzero: readonly number[], validation: number, test: number, weighting?: string): GroupEnvelopeResultsRow {
  const k = [16, 8];
  return {
    unit: `seed-1/${name}`,
    engine: 'stock',
    seed: 1,
    method: name,
    regularizer: { name, lambda, ...(weighting === undefined ? {} : { weighting }) },
    history: [],
    validationCurve: [{ epoch: 1, accuracy: validation }],
    testBeforeSelection: test,
    testAfterSelection: test,
    testAfterFineTune: test,
    testFinal: test,
    sets: nonzero.map((n, s) => ({ name: `fc${s + 1}`, groups: 4 * (k[s] ?? 1), k: k[s] ?? 1, nonzeroBeforeSelection: n, kept: k[s] ?? 1, nonzeroAfterFineTune: k[s] ?? 1 })),
    compaction: { widths: [784, 16, 8, 10], parameters: { before: 1, after: 1 }, flops: { before: 1, after: 1 }, difference: 0 },
  };
}

describe('chooseLambdas', () => {
  it('takes the best validation accuracy among the λ near k in every layer, never reads test accuracy, and falls back to the closest λ', () => {
    const rows = [
      tuningRow('gsef', 1, [40, 20], 0.9, 0.5), // far from k: not eligible despite the best validation
      tuningRow('gsef', 3, [17, 9], 0.85, 0.99),
      tuningRow('gsef', 6, [16, 8], 0.86, 0.1),
      tuningRow('group-lasso', 1, [60, 30], 0.9, 0.9),
      tuningRow('group-lasso', 2, [30, 2], 0.8, 0.8),
      tuningRow('gsef', 0.01, [16, 9], 0.84, 0.9, 'sqrt-size'),
    ];
    const choices = chooseLambdas(rows);
    expect(choices.map((c) => [c.family, c.lambda, c.rule])).toEqual([
      ['gsef', 6, 'validation'],
      ['group-lasso', 2, 'closest'],
      ['gsef-sqrt-size', 0.01, 'validation'],
    ]);
    // test accuracies do not move the choice
    const flipped = rows.map((row) => ({ ...row, testFinal: 1 - row.testFinal, testAfterFineTune: 1 - row.testFinal }));
    expect(chooseLambdas(flipped)).toEqual(choices);
  });
});

describe('the group-envelope results page', () => {
  it('renders the committed sample: every cell and verdict follows from the rows, and rendering is deterministic', async () => {
    const full: GroupEnvelopeData = await readResultsData<GroupEnvelopeResultsRow>(fixtures, 'sample-full');
    const tuning: GroupEnvelopeData = await readResultsData<GroupEnvelopeResultsRow>(fixtures, 'sample-tuning');
    const latency = JSON.parse(readFileSync(`${fixtures}/sample-full.latency.json`, 'utf8')) as LatencyRecord;
    expect(new Set(full.rows.map((row) => row.seed)).size).toBeGreaterThanOrEqual(3);
    const input: GroupEnvelopePageInput = { full, tuning, latency };
    const page = renderGroupEnvelopePage(input, { dataFolder: 'data/sample', regenerate: 'test' });
    expect(renderGroupEnvelopePage(input, { dataFolder: 'data/sample', regenerate: 'test' })).toEqual(page);

    // the accuracy table: mean ± sd (seeds) of every family
    for (const family of new Set(full.rows.map((row) => methodFamily(row.regularizer)))) {
      expect(page.markdown, family).toContain(stat(finals(full.rows, family)));
    }
    // k comes from the rows and the config, not from a fixed fraction
    const sets = full.rows.find((row) => row.sets.length > 0)?.sets ?? [];
    expect(page.markdown).toContain(`k = ${sets.map((set) => `${set.k} of ${set.groups} in ${set.name}`).join(', ')}`);
    expect(page.claims[0]?.setup).toContain(`k = ${sets.map((set) => set.k).join(' / ')} neurons`);
    expect(page.markdown).toContain(`${String(full.provenance.counts?.train)} training images`);

    // verdicts
    const verdict = (start: string): string | undefined => page.claims.find((claim) => claim.claim.startsWith(start))?.verdict;
    const { comparison } = compareSeeds(finals(full.rows, 'gsef'), finals(full.rows, 'group-lasso'));
    const unmatched = full.rows.some((row) => ['gsef', 'group-lasso'].includes(methodFamily(row.regularizer)) && row.sets.some((set) => set.nonzeroAfterFineTune < set.k));
    const expected = comparison === 'above' ? (unmatched ? 'partly shown' : 'shown') : comparison === 'below' ? 'not shown (the opposite holds beyond seed noise)' : 'consistent (within seed noise)';
    expect(verdict('GSEF accuracy ≥ group lasso')?.startsWith(expected)).toBe(true);
    expect(verdict('GSEF accuracy ≥ group lasso')?.includes('not matched')).toBe(unmatched);
    const gsefSets = full.rows.filter((row) => methodFamily(row.regularizer) === 'gsef').flatMap((row) => row.sets);
    const exact = gsefSets.filter((set) => set.nonzeroBeforeSelection === set.k).length;
    const below = gsefSets.filter((set) => set.nonzeroBeforeSelection < set.k).length;
    expect(verdict('The GSEF prox')).toMatch(exact === gsefSets.length ? /^shown/ : below === 0 ? /^partly shown/ : /^not shown/);
    expect(page.markdown).toContain(`exactly k nonzero neurons in ${exact},`);
    const deltas = full.rows.filter((row) => methodFamily(row.regularizer) === 'gsef').map((row) => row.testFinal - (full.rows.find((d) => d.regularizer === null && d.seed === row.seed)?.testFinal ?? Number.NaN));
    const d = seedStats(deltas);
    expect(verdict('GSEF within 1.50 pt')).toMatch(d.mean - d.sd >= -0.015 ? /^shown/ : d.mean >= -0.015 ? /^partly/ : /^not shown/);
    expect(page.claims.some((claim) => claim.claim.includes('weighting sqrt-size'))).toBe(true);
    expect(page.claims.every((claim) => claim.paper.includes('arXiv 2212.12921') && claim.page === 'group-envelope.md')).toBe(true);

    // tuning: the chosen λ are those of chooseLambdas, and the page says whether the full run used them
    for (const choice of chooseLambdas(tuning.rows)) expect(page.markdown).toContain(`${choice.family}: chosen λ = ${choice.lambda} `);
    expect(page.markdown).toContain('sample-full.jsonl');
    expect(page.markdown).toContain(full.provenance.runDirectory);
    expect(page.markdown).toContain('engines stock');
    expect(page.files.map((file) => file.name)).toEqual(['group-envelope-validation-accuracy-per-epoch.svg', 'group-envelope-nonzero-neurons-per-layer-during-training.svg']);
    expect(page.files.every((file) => file.content.startsWith('<svg'))).toBe(true);
  });

  const data = `${repo}docs/results/data/group-envelope`;
  it.skipIf(!existsSync(`${data}/mlp-fashion-mnist-full.jsonl`))('docs/results/group-envelope.md and claims.json are the page rendered from the committed raw results', async () => {
    const input: { -readonly [K in keyof GroupEnvelopePageInput]: GroupEnvelopePageInput[K] } = { full: await readResultsData<GroupEnvelopeResultsRow>(data, 'mlp-fashion-mnist-full') };
    if (existsSync(`${data}/mlp-fashion-mnist-calibrate.jsonl`)) input.tuning = await readResultsData<GroupEnvelopeResultsRow>(data, 'mlp-fashion-mnist-calibrate');
    if (existsSync(`${data}/mlp-fashion-mnist-full.latency.json`)) input.latency = JSON.parse(readFileSync(`${data}/mlp-fashion-mnist-full.latency.json`, 'utf8')) as LatencyRecord;
    const scaling = `${repo}packages/group-envelope/bench/results/prox-scaling.json`;
    if (existsSync(scaling)) input.proxScaling = JSON.parse(readFileSync(scaling, 'utf8')) as ScalingRow[];
    const page = renderGroupEnvelopePage(input, { dataFolder: 'data/group-envelope', regenerate: 'pnpm results:group-envelope render' });
    expect(readFileSync(`${repo}docs/results/group-envelope.md`, 'utf8')).toBe(page.markdown);
    expect(JSON.parse(readFileSync(`${data}/claims.json`, 'utf8'))).toEqual(page.claims);
    for (const file of page.files) expect(readFileSync(`${repo}docs/results/${file.name}`, 'utf8')).toBe(file.content);
  });

  it.skipIf(!existsSync(`${data}/mlp-fashion-mnist-calibrate.jsonl`))('the full config uses the λ chosen on the validation split of the committed tuning run, with the tuning run\'s schedule', async () => {
    const tuning = await readResultsData<GroupEnvelopeResultsRow>(data, 'mlp-fashion-mnist-calibrate');
    const config = JSON.parse(readFileSync(`${repo}examples/group-envelope/mlp-fashion-mnist-full.json`, 'utf8')) as { methods: { name: string; lambda: number }[]; epochs: number; fineTuneEpochs: number };
    for (const choice of chooseLambdas(tuning.rows)) {
      const methods = config.methods.filter((ref) => methodFamily(ref) === choice.family);
      expect(methods.map((ref) => ref.lambda), choice.family).toEqual([choice.lambda]);
    }
    const schedule = tuning.provenance.config as { epochs: number; fineTuneEpochs: number };
    expect([config.epochs, config.fineTuneEpochs]).toEqual([schedule.epochs, schedule.fineTuneEpochs]);
  });
});
