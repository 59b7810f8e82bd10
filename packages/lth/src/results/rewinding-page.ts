import { provenanceMarkdown, renderMarkdownReport, renderMarkdownTable, type PlotSeries, type ResultsClaim, type ResultsProvenance, type SeedStats, type Table } from '@sparse/experiments';
import type { InstabilitySummary } from '../experiment/replicate-job.js';
import { percentRemaining } from './lth-claims.js';
import { lthSetupText, type LthPage } from './lth-page.js';
import type { LthResultRow } from './lth-rows.js';
import { instabilityLevels, LMC_PAPER, MATCHING_TOLERANCE, rewindComparisons, rewindingClaims, STABLE_BELOW, type RewindSet } from './rewinding-claims.js';

/**
 * One committed rewinding data set (an `lth` run with `branches.instability`): its training rows,
 * its instability rows, where they came from and the path of its data relative to the page.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { parseInstabilityRows, parseLthRows, type RewindingPageData } from '@sparse/lth';
 *
 * const { rows, provenance } = await readResultsData('docs/results/data/lth', 'lenet-fashion-mnist-rewind-0');
 * const data: RewindingPageData = { runs: parseLthRows(rows, 'x.jsonl'), instability: parseInstabilityRows(rows, 'x.jsonl'), provenance, dataLink: 'data/lth/lenet-fashion-mnist-rewind-0' };
 * ```
 */
export interface RewindingPageData {
  readonly runs: readonly LthResultRow[];
  readonly instability: readonly InstabilitySummary[];
  readonly provenance: ResultsProvenance;
  readonly dataLink: string;
}

/**
 * The committed rewinding data sets (docs/results/data/lth/<name>.jsonl, k = 0 first) and the page
 * they make together; `pnpm results:lth render` renders it when they are present.
 *
 * @example
 * ```ts
 * import { LTH_REWINDING_SETS } from '@sparse/lth';
 *
 * console.log(LTH_REWINDING_SETS.names, '->', LTH_REWINDING_SETS.page);
 * ```
 */
export const LTH_REWINDING_SETS: { readonly names: readonly string[]; readonly page: string } = {
  names: ['lenet-fashion-mnist-rewind-0', 'lenet-fashion-mnist-rewind-25'],
  page: 'lth-rewinding.md',
};

const stat = (stats: SeedStats): string => `${(100 * stats.mean).toFixed(2)} ± ${(100 * stats.sd).toFixed(2)}`;
const pt = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(2)}`;
const word = (comparison: string, higher: string, lower: string): string => (comparison === 'above' ? higher : comparison === 'below' ? lower : 'within noise');
const rewindOf = (data: RewindingPageData): number => data.instability[0]?.rewindStep ?? Number((data.provenance.config as { rewindStep?: number }).rewindStep ?? 0);

/**
 * The per-level instability table of one rewinding data set: weights remaining, instability (pt,
 * mean ± sd over seeds, and each seed), stable or not, accuracy (the mean of each seed's two
 * copies, mean ± sd over seeds), its gap to the dense network and whether it is matching.
 *
 * @example
 * ```ts
 * import { renderMarkdownTable } from '@sparse/experiments';
 * import { instabilityTable, type InstabilitySummary } from '@sparse/lth';
 *
 * declare const rows: InstabilitySummary[];
 * console.log(renderMarkdownTable(instabilityTable(rows)));
 * ```
 */
export function instabilityTable(rows: readonly InstabilitySummary[]): Table {
  return {
    columns: [
      { key: 'level', header: 'level', align: 'right' },
      { key: 'remaining', header: 'weights remaining', align: 'right' },
      { key: 'instability', header: 'instability (pt)', align: 'right' },
      { key: 'seeds', header: 'per seed (pt)', align: 'right' },
      { key: 'stable', header: `stable (< ${100 * STABLE_BELOW} pt)` },
      { key: 'accuracy', header: 'test acc % (copies)', align: 'right' },
      { key: 'gap', header: '− dense (pt)', align: 'right' },
      { key: 'matching', header: 'matching' },
    ],
    rows: instabilityLevels(rows).map((level) => ({
      level: level.level,
      remaining: percentRemaining(level.remaining),
      instability: stat(level.instability),
      seeds: level.perSeed.map((value) => (100 * value).toFixed(2)).join(', '),
      stable: level.stability === 'stable' ? 'yes' : level.stability === 'unstable' ? 'no' : 'some seeds',
      accuracy: stat(level.accuracy),
      gap: level.level === 0 ? '' : pt(level.gapToDense),
      matching: level.level === 0 ? '(dense)' : level.matching ? 'yes' : 'no',
    })),
  };
}

/** k = 0 against each k > 0, level by level. */
function comparisonTable(zero: RewindSet, later: RewindSet): Table {
  const k = later.rewindStep;
  return {
    title: `k = 0 against k = ${k}, over seeds (mean ± sample sd)`,
    columns: [
      { key: 'remaining', header: 'weights remaining', align: 'right' },
      { key: 'i0', header: 'instability k = 0 (pt)', align: 'right' },
      { key: 'ik', header: `instability k = ${k} (pt)`, align: 'right' },
      { key: 'iw', header: `k = ${k} vs k = 0` },
      { key: 'a0', header: 'test acc % k = 0', align: 'right' },
      { key: 'ak', header: `test acc % k = ${k}`, align: 'right' },
      { key: 'aw', header: `k = ${k} vs k = 0` },
    ],
    rows: rewindComparisons(zero, later).map((c) => ({
      remaining: percentRemaining(c.remaining),
      i0: stat(c.atZero.instability),
      ik: stat(c.atK.instability),
      iw: word(c.instability, 'lower', 'higher'),
      a0: stat(c.atZero.accuracy),
      ak: stat(c.atK.accuracy),
      aw: word(c.accuracy, 'higher', 'lower'),
    })),
  };
}

/** Instability against weights remaining, one series per k. */
function instabilitySeries(sets: readonly RewindingPageData[]): PlotSeries[] {
  return sets.map((data) => ({
    name: `k = ${rewindOf(data)}`,
    points: instabilityLevels(data.instability).map((level) => ({ x: 100 * level.remaining, y: 100 * level.instability.mean, yMin: 100 * Math.min(...level.perSeed), yMax: 100 * Math.max(...level.perSeed) })),
  }));
}

/** The mean interpolation curve of the sparsest analysed level, one series per k. */
function curveSeries(sets: readonly RewindingPageData[]): { series: PlotSeries[]; remaining: number } {
  let remaining = 1;
  const series = sets.map((data) => {
    const deepest = Math.max(...data.instability.map((row) => row.level));
    const rows = data.instability.filter((row) => row.level === deepest);
    remaining = rows[0]?.remaining ?? remaining;
    const points = rows[0]?.interpolationErrors.length ?? 0;
    return {
      name: `k = ${rewindOf(data)}`,
      points: Array.from({ length: points }, (_, i) => {
        const values = rows.map((row) => row.interpolationErrors[i] as number);
        return { x: i / (points - 1), y: (100 * values.reduce((a, b) => a + b, 0)) / values.length, yMin: 100 * Math.min(...values), yMax: 100 * Math.max(...values) };
      }),
    };
  });
  return { series, remaining };
}

/**
 * The rewinding and instability page from the committed rewinding data sets (k = 0 and k > 0 on
 * the same data): the claims at a glance (`rewindingClaims`), how stable and matching are
 * measured, per data set its setup, provenance and per-level table, the k = 0 against k > 0
 * comparison and two plots (instability against weights remaining; the error along the
 * interpolation path at the sparsest level). Deterministic: the same data give the same bytes.
 *
 * @param options.page - the page's file name in docs/results: its SVG plots are named after it.
 * @param options.regenerate - the command that regenerates the page, printed on it.
 *
 * @example
 * ```ts
 * import { renderRewindingPage, type RewindingPageData } from '@sparse/lth';
 *
 * declare const sets: RewindingPageData[];
 * const page = renderRewindingPage(sets, { page: 'lth-rewinding.md', regenerate: 'pnpm results:lth render' });
 * console.log(page.claims.map((claim) => claim.verdict));
 * ```
 */
export function renderRewindingPage(sets: readonly RewindingPageData[], options: { readonly page: string; readonly regenerate: string }): LthPage {
  const ordered = [...sets].sort((a, b) => rewindOf(a) - rewindOf(b));
  const rewindSets: RewindSet[] = ordered.map((data) => ({ rewindStep: rewindOf(data), rows: data.instability }));
  const claims = rewindingClaims(rewindSets);
  const first = ordered[0];
  const config = (first?.provenance.config ?? {}) as { dataset?: unknown; epochsPerRound?: number };
  const counts = first?.provenance.counts;
  const iterations = first?.instability[0]?.iterations ?? 0;
  const seeds = new Set(ordered.flatMap((data) => data.instability.map((row) => row.seed))).size;
  const setup = `MLP 784-300-100-10, ${config.dataset === 'bundled' ? 'bundled Fashion-MNIST subset' : 'Fashion-MNIST'}${counts === undefined ? '' : ` (${counts.train} train / ${counts.test} test)`}, ${iterations} iterations per run, k = ${rewindSets.map((set) => set.rewindStep).join(', ')}, ${seeds} seeds, test-error barrier at ${first?.instability[0]?.interpolationErrors.length ?? 0} points`;
  const resultsClaims: ResultsClaim[] = claims.map((claim) => ({ page: options.page, paper: LMC_PAPER, claim: claim.claim, setup, result: claim.result, verdict: claim.verdict }));
  const zero = rewindSets.find((set) => set.rewindStep === 0);
  const { series: curves, remaining: curveRemaining } = curveSeries(ordered);
  const report = renderMarkdownReport(
    {
      title: 'Lottery tickets: rewinding and instability',
      sections: [
        ...ordered.map((data) => {
          const k = rewindOf(data);
          return {
            heading: `Rewind step k = ${k}`,
            blocks: [
              { kind: 'text' as const, text: lthSetupText({ rows: data.runs, provenance: data.provenance }) },
              { kind: 'text' as const, text: `Instability analysis at levels ${[...new Set(data.instability.map((row) => row.level))].sort((a, b) => a - b).join(', ')} (level 0 is the dense network): the ticket's masks of the level, two copies trained from θ${k} to iteration ${data.instability[0]?.iterations ?? 0} with different data orders.` },
              { kind: 'table' as const, table: instabilityTable(data.instability) },
            ],
          };
        }),
        ...(zero === undefined
          ? []
          : rewindSets.filter((set) => set.rewindStep > 0).map((set) => ({ heading: `k = 0 against k = ${set.rewindStep}`, blocks: [{ kind: 'table' as const, table: comparisonTable(zero, set) }] }))),
        {
          heading: 'Plots',
          blocks: [
            {
              kind: 'plot' as const,
              title: 'Instability against weights remaining',
              plot: { series: instabilitySeries(ordered), xLabel: '% of weights remaining (log scale)', yLabel: 'instability (pt of test error)', xScale: 'log' as const, reverseX: true },
              caption: `Mean over seeds; band: min–max over seeds. Stable: below ${100 * STABLE_BELOW} pt.`,
            },
            {
              kind: 'plot' as const,
              title: 'Test error along the interpolation path',
              plot: { series: curves, xLabel: 'α (weight of copy 0)', yLabel: 'test error (%)' },
              caption: `The sparsest analysed level (${percentRemaining(curveRemaining)} of the weights): test error of α·W⁰ + (1 − α)·W¹, mean over seeds; band: min–max over seeds.`,
            },
          ],
        },
      ],
    },
    options.page.replace(/\.md$/, ''),
  );
  const claimsTable: Table = {
    columns: [
      { key: 'claim', header: 'claim' },
      { key: 'result', header: 'our result (mean ± sd over seeds)' },
      { key: 'verdict', header: 'verdict' },
    ],
    rows: claims.map((claim) => ({ ...claim })),
  };
  const shown = claims.filter((claim) => claim.verdict.startsWith('shown')).length;
  const [head, ...rest] = report.markdown.split('\n## ');
  const markdown = [
    head?.trimEnd(),
    '',
    `Generated by \`${options.regenerate}\` from the committed raw results below (one line per training run and per instability analysis): every number and verdict on this page is computed from them. ` +
      `Instability (${LMC_PAPER}, Algorithm 1 with the IMP subnetwork): two copies of a subnetwork, both starting from the rewind point θk with the ticket's masks, are trained to the end of the round with different data orders; the instability is the highest test error along the straight line between the two trained copies minus the mean of the copies' test errors. ` +
      `A level is **stable** when every seed's instability is below ${100 * STABLE_BELOW} pt, and **matching** when its accuracy (the mean of each seed's two copies, averaged over seeds) is at most max(${100 * MATCHING_TOLERANCE} pt, the dense network's sample sd over seeds) below the dense network's (level 0 of the same data set, trained the same way). ` +
      'A difference between k = 0 and k > 0 is **beyond seed noise** when the gap of the means exceeds both sides\' sample standard deviations over seeds and every seed of the higher side reaches the other side\'s mean.',
    '',
    'These runs use the bundled 6,000-image Fashion-MNIST subset (the quick config\'s data and round length), not the full data set, whose epochs are ten times longer ([examples/lth/README.md](../../examples/lth/README.md) says why); the claims are tested at that scale.',
    '',
    `## Claims at a glance (${shown} of ${claims.length} shown)`,
    '',
    renderMarkdownTable(claimsTable),
    '',
    '## Provenance',
    '',
    ...ordered.flatMap((data) => [`k = ${rewindOf(data)}:`, '', provenanceMarkdown(data.provenance, { dataLink: data.dataLink, units: data.runs.length + data.instability.length, engines: [...new Set([...data.runs, ...data.instability].map((row) => row.engine))].sort() }), '']),
    ...rest.map((part) => `## ${part}`),
  ].join('\n');
  return { markdown: markdown.endsWith('\n') ? markdown : `${markdown}\n`, files: report.files, claims: resultsClaims };
}
