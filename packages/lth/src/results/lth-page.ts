import { refName, type ImplementationRef } from '@sparse/core';
import { provenanceMarkdown, renderMarkdownReport, renderMarkdownTable, type Comparison, type ResultsClaim, type ResultsProvenance, type SeedStats, type Table } from '@sparse/experiments';
import type { LthExperimentConfig } from '../experiment/config.js';
import type { UnitSummary } from '../experiment/replicate-job.js';
import { buildLthReport } from '../report/lth-report.js';
import type { LthResultRow } from './lth-rows.js';
import { budgetCapped, levelComparisons, lthClaims, LTH_PAPER, percentRemaining, type Compared } from './lth-claims.js';

/**
 * One committed lottery-ticket data set: its rows (checked by `parseLthRows`) and where they came from.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { parseLthRows, type LthPageData } from '@sparse/lth';
 *
 * const { rows, provenance } = await readResultsData('docs/results/data/lth', 'lenet-fashion-mnist-full');
 * const data: LthPageData = { rows: parseLthRows(rows, 'lenet-fashion-mnist-full.jsonl'), provenance };
 * ```
 */
export interface LthPageData {
  readonly rows: readonly LthResultRow[];
  readonly provenance: ResultsProvenance;
}

/**
 * A rendered lottery-ticket results page: the Markdown, the SVG plots it links (names relative to
 * its folder) and its claims for docs/results/data/lth/claims.json.
 *
 * @example
 * ```ts
 * import type { LthPage } from '@sparse/lth';
 *
 * declare const page: LthPage;
 * console.log(page.files.map((file) => file.name), page.claims.length);
 * ```
 */
export interface LthPage {
  readonly markdown: string;
  readonly files: readonly { readonly name: string; readonly content: string }[];
  readonly claims: readonly ResultsClaim[];
}

/**
 * The committed lottery-ticket data sets (docs/results/data/lth/<name>.jsonl) and the page each
 * makes in docs/results, full first, with the sentence each page prints under its claims (where
 * the claims it leaves out are tested); `pnpm results:lth render` renders those present.
 *
 * @example
 * ```ts
 * import { LTH_RESULT_SETS } from '@sparse/lth';
 *
 * for (const { name, page } of LTH_RESULT_SETS) console.log(`${name}.jsonl -> ${page}`);
 * ```
 */
export const LTH_RESULT_SETS: readonly { readonly name: string; readonly page: string; readonly seeAlso?: string }[] = [
  {
    name: 'lenet-fashion-mnist-full',
    page: 'lth-fashion-mnist.md',
    seeAlso:
      'Tested on other pages, on the bundled 6,000-image subset: "learns faster" with a round chosen long enough for the dense network to early-stop well before its end ([lth-fashion-mnist-long-budget.md](lth-fashion-mnist-long-budget.md), which counts the runs its budget still caps), and rewinding (reset to θk) with instability analysis ([lth-rewinding.md](lth-rewinding.md)).',
  },
  {
    name: 'lenet-fashion-mnist-quick',
    page: 'lth-fashion-mnist-quick.md',
    seeAlso:
      'Tested on other pages, on the same data: "learns faster" with a round chosen long enough for the dense network to early-stop well before its end ([lth-fashion-mnist-long-budget.md](lth-fashion-mnist-long-budget.md), which counts the runs its budget still caps), and rewinding (reset to θk) with instability analysis ([lth-rewinding.md](lth-rewinding.md)).',
  },
  {
    name: 'lenet-fashion-mnist-long-budget',
    page: 'lth-fashion-mnist-long-budget.md',
    seeAlso:
      'This is the quick config with a longer round, chosen on the validation curve of a dense-only pilot run ([examples/lth/README.md](../../examples/lth/README.md)): at least twice the latest iteration of the pilot\'s minimum validation loss. Rewinding (reset to θk) and instability analysis on the same data: [lth-rewinding.md](lth-rewinding.md).',
  },
];

const engines = (rows: readonly LthResultRow[]): string[] => [...new Set(rows.map((row) => row.engine))].sort();
const acc = (stats: SeedStats): string => `${(100 * stats.mean).toFixed(2)} ± ${(100 * stats.sd).toFixed(2)}`;
const its = (stats: SeedStats): string => `${Math.round(stats.mean)} ± ${Math.round(stats.sd)}`;
const pt = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(2)}`;
const word = (comparison: Comparison, higher: string, lower: string): string => (comparison === 'above' ? higher : comparison === 'below' ? lower : 'within noise');

/** The config fields the setup line reads (the run directory stores the validated config). */
type StoredConfig = Partial<Pick<LthExperimentConfig, 'validationSize' | 'batchSize' | 'epochsPerRound' | 'evalEvery' | 'rounds' | 'scope' | 'mode' | 'rewindStep' | 'backend' | 'seeds'>> & {
  readonly model?: { readonly layerSizes?: readonly number[] };
  readonly optimizer?: { readonly learningRate?: number };
  readonly rates?: { readonly default?: number; readonly output?: number };
  readonly scorer?: ImplementationRef;
  readonly dataset?: unknown;
};

/**
 * The setup of a lottery-ticket data set in one paragraph, from its stored config, the counts
 * recorded at import and the rows (round length, seeds and the engines that ran).
 *
 * @example
 * ```ts
 * import { lthSetupText, type LthPageData } from '@sparse/lth';
 *
 * declare const data: LthPageData;
 * console.log(lthSetupText(data));
 * ```
 */
export function lthSetupText(data: LthPageData): string {
  const config = data.provenance.config as StoredConfig;
  const counts = data.provenance.counts;
  const iterations = data.rows[0]?.iterations ?? 0;
  const seeds = [...new Set(data.rows.map((row) => row.seed))].sort((a, b) => a - b);
  const dataset = config.dataset === 'bundled' ? 'the bundled Fashion-MNIST subset' : 'Fashion-MNIST';
  const images = counts === undefined ? '' : ` (${counts.train} training images after ${String(config.validationSize)} held out for early stopping, ${counts.test} test images)`;
  const round = config.epochsPerRound === undefined ? `${iterations} iterations` : `${config.epochsPerRound} epochs = ${iterations} iterations`;
  const output = config.rates?.output === undefined ? '' : ` (output layer ${config.rates.output})`;
  return (
    `MLP ${(config.model?.layerSizes ?? []).join('-')} on ${dataset}${images}; Adam ${String(config.optimizer?.learningRate)}, batch ${String(config.batchSize)}, ${round} per round, validation and test evaluated every ${String(config.evalEvery)} iterations; ` +
    `${String(config.rounds)} rounds of ${config.mode === 'mir-l' ? 'MIR-L global percentile' : String(config.scope)} ${config.scorer === undefined ? 'magnitude' : refName(config.scorer)} pruning at ${String(config.rates?.default)}${output} of the remaining weights, reset to ${config.rewindStep === undefined || config.rewindStep === 0 ? 'θ0' : `θ${config.rewindStep}`}; ` +
    `seeds ${seeds.join(', ')}; training engine ${engines(data.rows).join(', ')} (as the raw rows record it); backend ${String(config.backend)}.`
  );
}

/** The short setup of the claims index. */
function claimSetup(data: LthPageData): string {
  const config = data.provenance.config as StoredConfig;
  const counts = data.provenance.counts;
  const seeds = new Set(data.rows.map((row) => row.seed)).size;
  const deepest = Math.min(...data.rows.map((row) => row.remaining));
  return `MLP ${(config.model?.layerSizes ?? []).join('-')}, ${config.dataset === 'bundled' ? 'bundled Fashion-MNIST subset' : 'Fashion-MNIST'}${counts === undefined ? '' : ` (${counts.train} train / ${counts.test} test)`}, ${config.epochsPerRound === undefined ? '' : `${config.epochsPerRound} epochs = `}${data.rows[0]?.iterations ?? 0} iterations per round, ${String(config.rounds)} rounds down to ${percentRemaining(deepest)} of the weights, ${seeds} seeds, engine ${engines(data.rows).join(', ')}`;
}

/**
 * The per-level comparison table: the ticket's accuracy (mean ± sd over seeds) and its gap to the
 * dense network and to random re-initialisation, each marked higher / lower / within noise, and
 * the early-stop iterations of ticket and re-init (mean ± sd).
 *
 * @example
 * ```ts
 * import { renderMarkdownTable } from '@sparse/experiments';
 * import { comparisonTable, type UnitSummary } from '@sparse/lth';
 *
 * declare const rows: UnitSummary[];
 * console.log(renderMarkdownTable(comparisonTable(rows)));
 * ```
 */
export function comparisonTable(rows: readonly UnitSummary[]): Table {
  const levels = levelComparisons(rows);
  const dense = levels[0]?.vsDense.b;
  const gapCells = (compared: Compared | undefined, higher: string, lower: string) => (compared === undefined ? ['', ''] : [pt(compared.gap), word(compared.comparison, higher, lower)]);
  return {
    title: `Per level, over seeds (mean ± sample sd; pt = percentage points)${dense === undefined ? '' : `: dense network ${acc(dense)} % at early stop, early stop at iteration ${its(levels[0]?.fasterThanDense.a as SeedStats)}`}`,
    columns: [
      { key: 'level', header: 'level', align: 'right' },
      { key: 'remaining', header: 'weights remaining', align: 'right' },
      { key: 'ticket', header: 'ticket acc %', align: 'right' },
      { key: 'dGap', header: 'ticket − dense (pt)', align: 'right' },
      { key: 'dWord', header: 'vs dense' },
      { key: 'reinit', header: 're-init acc %', align: 'right' },
      { key: 'rGap', header: 'ticket − re-init (pt)', align: 'right' },
      { key: 'rWord', header: 'vs re-init' },
      { key: 'ticketIt', header: 'ticket early-stop it.', align: 'right' },
      { key: 'reinitIt', header: 're-init early-stop it.', align: 'right' },
      { key: 'faster', header: 'ticket stops vs dense / re-init' },
    ],
    rows: levels.map((level) => {
      const [dGap, dWord] = gapCells(level.vsDense, 'higher', 'lower');
      const [rGap, rWord] = gapCells(level.vsReinit, 'higher', 'lower');
      return {
        level: level.level,
        remaining: percentRemaining(level.remaining),
        ticket: acc(level.vsDense.a),
        dGap,
        dWord,
        reinit: level.vsReinit === undefined ? '' : acc(level.vsReinit.b),
        rGap,
        rWord,
        ticketIt: its(level.fasterThanDense.b),
        reinitIt: level.fasterThanReinit === undefined ? '' : its(level.fasterThanReinit.a),
        faster: `${word(level.fasterThanDense.comparison, 'earlier', 'later')} / ${level.fasterThanReinit === undefined ? '–' : word(level.fasterThanReinit.comparison, 'earlier', 'later')}`,
      };
    }),
  };
}

/** The budget line: how many runs early-stopped at the last evaluation, by branch. */
function budgetText(rows: readonly UnitSummary[]): string {
  const { capped, total, byBranch } = budgetCapped(rows);
  const iterations = rows[0]?.iterations ?? 0;
  const parts = [...byBranch.entries()].map(([branch, count]) => `${branch} ${count.capped} of ${count.total}`).join(', ');
  return `Early-stop budget: ${capped} of ${total} training runs (${((100 * capped) / total).toFixed(0)}%) early-stopped at the last evaluation, iteration ${iterations} (${parts}). For those the round's budget, not the validation loss, ended training: their early-stop iteration is a lower bound, so differences in early-stop iteration are understated where runs hit the cap.`;
}

/**
 * A lottery-ticket results page from one committed data set: setup, the claims at a glance (each
 * verdict computed by `lthClaims`), provenance (`provenanceMarkdown`, engines from the rows), the
 * findings, the per-level comparison over seeds, the plots and the results table of
 * `buildLthReport`. Deterministic: the same data give the same bytes.
 *
 * @param options.page - the page's file name in docs/results (`lth-fashion-mnist.md`): its SVG plots are named after it.
 * @param options.dataLink - the data set's path relative to the page, without extension (`data/lth/lenet-fashion-mnist-full`).
 * @param options.regenerate - the command that regenerates the page, printed on it.
 * @param options.seeAlso - a sentence printed under the claims (where other claims are tested); none when absent.
 *
 * @example
 * ```ts
 * import { renderLthPage, type LthPageData } from '@sparse/lth';
 *
 * declare const data: LthPageData;
 * const page = renderLthPage(data, { page: 'lth-fashion-mnist.md', dataLink: 'data/lth/lenet-fashion-mnist-full', regenerate: 'pnpm results:lth render' });
 * console.log(page.markdown.split('\n')[0], page.claims.length);
 * ```
 */
export function renderLthPage(data: LthPageData, options: { readonly page: string; readonly dataLink: string; readonly regenerate: string; readonly seeAlso?: string | undefined }): LthPage {
  const rows = data.rows;
  const claims = lthClaims(rows);
  const setup = claimSetup(data);
  const resultsClaims: ResultsClaim[] = claims.map((claim) => ({ page: options.page, paper: LTH_PAPER, claim: claim.claim, setup, result: claim.result, verdict: claim.verdict }));
  const report = buildLthReport(data.provenance.config as unknown as LthExperimentConfig, rows, [budgetText(rows)]);
  const sections = [
    ...report.sections.slice(0, 1),
    { heading: 'Per-level comparison over seeds', blocks: [{ kind: 'table' as const, table: comparisonTable(rows) }] },
    ...report.sections.slice(1),
  ];
  const rendered = renderMarkdownReport({ title: report.title, subtitle: lthSetupText(data), sections }, options.page.replace(/\.md$/, ''));
  const shown = claims.filter((claim) => claim.verdict.startsWith('shown')).length;
  const claimsTable: Table = {
    columns: [
      { key: 'claim', header: 'claim' },
      { key: 'result', header: 'our result (test accuracy %, mean ± sd over seeds)' },
      { key: 'verdict', header: 'verdict' },
    ],
    rows: claims.map((claim) => ({ ...claim })),
  };
  const [head, ...rest] = rendered.markdown.split('\n## ');
  const markdown = [
    head?.trimEnd(),
    '',
    `Generated by \`${options.regenerate}\` from the committed raw results below (one line per training run): every number and verdict on this page is computed from them. A difference is **beyond seed noise** when the gap of the means exceeds both sides' sample standard deviations over seeds and every seed of the higher side reaches the other side's mean; a claim is **shown** only where that holds.`,
    '',
    `## Claims at a glance (${shown} of ${claims.length} shown)`,
    '',
    `Claims of ${LTH_PAPER}, tested on this run.`,
    '',
    renderMarkdownTable(claimsTable),
    '',
    ...(options.seeAlso === undefined ? [] : [options.seeAlso, '']),
    '## Provenance',
    '',
    provenanceMarkdown(data.provenance, { dataLink: options.dataLink, units: rows.length, engines: engines(rows) }),
    '',
    ...rest.map((part) => `## ${part}`),
  ].join('\n');
  return { markdown: markdown.endsWith('\n') ? markdown : `${markdown}\n`, files: rendered.files, claims: resultsClaims };
}
