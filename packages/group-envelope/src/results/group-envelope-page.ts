import { claimVerdict, compareSeeds, insertAfterTitle, provenanceMarkdown, renderMarkdownReport, renderMarkdownTable, seedStats, type PlotSeries, type ReportBlock, type ReportSection, type ResultsClaim, type ResultsProvenance, type Table } from '@sparse/experiments';
import type { ScalingRow } from '../experiment/appendix.js';
import type { LatencyRecord } from '../experiment/latency.js';
import { formatMs as ms, proxScalingSection } from '../experiment/prox-scaling-section.js';
import type { GroupEnvelopeResultsRow } from '../experiment/results-row.js';
import { chooseLambdas, TUNING_TOLERANCE, type TuningChoice } from './choose-lambda.js';
import { lambdaOf, methodFamily } from './method-family.js';

/**
 * One committed data set of the group-envelope page: its rows and where they came from.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import type { GroupEnvelopeData, GroupEnvelopeResultsRow } from '@sparse/group-envelope';
 *
 * const full: GroupEnvelopeData = await readResultsData<GroupEnvelopeResultsRow>('docs/results/data/group-envelope', 'mlp-fashion-mnist-full');
 * ```
 */
export interface GroupEnvelopeData {
  readonly rows: readonly GroupEnvelopeResultsRow[];
  readonly provenance: ResultsProvenance;
}

/**
 * What the group-envelope page is rendered from: the full run, and optionally the λ-tuning run,
 * the full run's latency record and the prox-scaling benchmark.
 *
 * @example
 * ```ts
 * import type { GroupEnvelopePageInput, GroupEnvelopeData } from '@sparse/group-envelope';
 *
 * declare const full: GroupEnvelopeData;
 * const input: GroupEnvelopePageInput = { full };
 * ```
 */
export interface GroupEnvelopePageInput {
  readonly full: GroupEnvelopeData;
  readonly tuning?: GroupEnvelopeData;
  readonly latency?: LatencyRecord;
  readonly proxScaling?: readonly ScalingRow[];
}

/**
 * The paper the page tests, as the spec (§B) names it.
 *
 * @example
 * ```ts
 * import { GROUP_ENVELOPE_PAPER } from '@sparse/group-envelope';
 *
 * console.log(GROUP_ENVELOPE_PAPER); // WGSEF (Refael, Arbel, Huleihel; arXiv 2212.12921)
 * ```
 */
export const GROUP_ENVELOPE_PAPER = 'WGSEF (Refael, Arbel, Huleihel; arXiv 2212.12921)';
const PAGE = 'group-envelope.md';
/** The bound of the "within x pt of dense" claim (spec B.5: within ~1–2 pt), in accuracy fraction. */
const DENSE_BOUND = 0.015;

const pct = (value: number): string => (100 * value).toFixed(2);
const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(2)}`;
const plural = (count: number | undefined, noun: string): string => `${String(count)} ${noun}${count === 1 ? '' : 's'}`;
const stat = (values: readonly number[]): string => {
  const s = seedStats(values);
  return `${pct(s.mean)} ± ${pct(s.sd)} (${s.n})`;
};
const countRange = (values: readonly number[]): string => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
};

interface PageConfig {
  readonly model?: { readonly layerSizes?: readonly number[] };
  readonly epochs?: number;
  readonly fineTuneEpochs?: number;
  readonly warmupEpochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly fineTuneLearningRate?: number;
  readonly validationSize?: number;
  readonly targetGroupSparsity?: number;
  readonly seeds?: readonly number[];
  readonly backend?: string;
  readonly methods?: readonly unknown[];
}

const configOf = (data: GroupEnvelopeData): PageConfig => data.provenance.config as PageConfig;
const byFamily = (rows: readonly GroupEnvelopeResultsRow[], family: string): GroupEnvelopeResultsRow[] => rows.filter((row) => methodFamily(row.regularizer) === family);
const families = (rows: readonly GroupEnvelopeResultsRow[]): string[] => [...new Set(rows.map((row) => methodFamily(row.regularizer)))];
const lastValidation = (row: GroupEnvelopeResultsRow): number => row.validationCurve[row.validationCurve.length - 1]?.accuracy ?? Number.NaN;

/** Per seed, the row's final test accuracy minus the dense row's of the same seed. */
function pairedDeltas(rows: readonly GroupEnvelopeResultsRow[], family: string): number[] {
  return byFamily(rows, family).flatMap((row) => {
    const dense = rows.find((other) => other.regularizer === null && other.seed === row.seed);
    return dense === undefined ? [] : [row.testFinal - dense.testFinal];
  });
}

/** The sets' names and `k` (from the rows) and the group sizes (fan-in + bias, from the config). */
function setsOf(data: GroupEnvelopeData): { readonly name: string; readonly groups: number; readonly k: number; readonly size: number | undefined }[] {
  const first = data.rows.find((row) => row.sets.length > 0);
  const widths = configOf(data).model?.layerSizes ?? [];
  return (first?.sets ?? []).map((set, s) => ({ name: set.name, groups: set.groups, k: set.k, size: widths[s] === undefined ? undefined : (widths[s] as number) + 1 }));
}

/** Exact-k counts of one family: (set, seed) pairs with nonzero groups at the end of training equal to, above and below k. */
function exactCounts(rows: readonly GroupEnvelopeResultsRow[]): { readonly total: number; readonly exact: number; readonly above: number; readonly below: number; readonly keptExact: number; readonly finalBelow: number } {
  const sets = rows.flatMap((row) => row.sets);
  return {
    total: sets.length,
    exact: sets.filter((set) => set.nonzeroBeforeSelection === set.k).length,
    above: sets.filter((set) => set.nonzeroBeforeSelection > set.k).length,
    below: sets.filter((set) => set.nonzeroBeforeSelection < set.k).length,
    keptExact: sets.filter((set) => set.kept === set.k).length,
    finalBelow: sets.filter((set) => set.nonzeroAfterFineTune < set.k).length,
  };
}

function exactVerdict(rows: readonly GroupEnvelopeResultsRow[]): { readonly verdict: string; readonly result: string } {
  const c = exactCounts(rows);
  const result = `nonzero groups at the end of training: exactly k in ${c.exact}, more than k in ${c.above}, fewer than k in ${c.below} of ${c.total} (layer, seed) pairs; the hard selection kept exactly k in ${c.keptExact} of ${c.total}`;
  if (c.total === 0) return { verdict: 'not tested', result: 'no rows' };
  if (c.exact === c.total) return { verdict: 'shown (the prox alone left exactly k groups in every layer and seed)', result };
  if (c.below === 0) return { verdict: `partly shown (the prox left at least k groups everywhere, exactly k in ${c.exact} of ${c.total}; exactly k comes from the hard selection)`, result };
  return { verdict: `not shown (the prox left fewer than k groups in ${c.below} of ${c.total} layer-seeds)`, result };
}

function accuracyClaim(rows: readonly GroupEnvelopeResultsRow[], a: string, b: string): { readonly verdict: string; readonly result: string } {
  const av = byFamily(rows, a).map((row) => row.testFinal);
  const bv = byFamily(rows, b).map((row) => row.testFinal);
  if (av.length === 0 || bv.length === 0) return { verdict: 'not tested', result: `no results for ${av.length === 0 ? a : b}` };
  const { comparison, gap } = compareSeeds(av, bv);
  const unmatched = [a, b].flatMap((family) => {
    const c = exactCounts(byFamily(rows, family));
    return c.finalBelow > 0 ? [`${family} ends with fewer than k groups in ${c.finalBelow} of ${c.total} layer-seeds (its prox zeroed more than the selection keeps)`] : [];
  });
  const result = `final test accuracy ${a} ${stat(av)} vs ${b} ${stat(bv)} (%, mean ± sd (seeds)): gap ${signed(gap)} pt${unmatched.length === 0 ? '' : `; ${unmatched.join('; ')}`}`;
  const verdict = claimVerdict(comparison, false);
  // Above beyond noise, but not at matched sparsity: the comparison does not test the claim as stated.
  if (unmatched.length > 0 && verdict === 'shown') return { verdict: 'partly shown (above beyond seed noise, but the group sparsity is not matched: see the exact-k check)', result };
  return { verdict: unmatched.length > 0 ? `${verdict}; the group sparsity is not matched` : verdict, result };
}

function denseClaim(rows: readonly GroupEnvelopeResultsRow[], family: string): { readonly verdict: string; readonly result: string } {
  const deltas = pairedDeltas(rows, family);
  if (deltas.length === 0) return { verdict: 'not tested', result: 'no dense or no GSEF rows' };
  const s = seedStats(deltas);
  const result = `final test accuracy minus dense, paired by seed: ${signed(s.mean)} ± ${pct(s.sd)} pt (${s.n} seeds; worst seed ${signed(s.min)})`;
  if (s.mean - s.sd >= -DENSE_BOUND) return { verdict: `shown (the mean gap is within ${pct(DENSE_BOUND)} pt beyond seed noise)`, result };
  if (s.mean >= -DENSE_BOUND) return { verdict: `partly shown (the mean gap is within ${pct(DENSE_BOUND)} pt, not beyond seed noise)`, result };
  return { verdict: `not shown (more than ${pct(DENSE_BOUND)} pt below dense)`, result };
}

function setupLine(data: GroupEnvelopeData): string {
  const config = configOf(data);
  const sets = setsOf(data);
  return `MLP ${(config.model?.layerSizes ?? []).join('-')}, Fashion-MNIST, ${String(config.epochs)} + ${String(config.fineTuneEpochs)} fine-tune epochs, k = ${sets.map((set) => set.k).join(' / ')} neurons (${sets.map((set) => set.name).join(' / ')}), ${String(config.seeds?.length ?? 0)} seeds`;
}

/**
 * The claims the group-envelope page tests, each with its verdict computed from the full run's
 * rows: GSEF ≥ group lasso at matched group sparsity, the prox reaching exactly k groups, GSEF
 * within 1.5 pt of dense after the fine-tune, and the weighted form (d_j = √|G_j|) against the
 * unweighted one (accuracy and exact k).
 *
 * @example
 * ```ts
 * import { groupEnvelopeClaims, type GroupEnvelopeData } from '@sparse/group-envelope';
 *
 * declare const full: GroupEnvelopeData;
 * for (const claim of groupEnvelopeClaims(full)) console.log(claim.claim, '→', claim.verdict);
 * ```
 */
export function groupEnvelopeClaims(full: GroupEnvelopeData): ResultsClaim[] {
  const { rows } = full;
  const setup = setupLine(full);
  const claim = (text: string, outcome: { readonly verdict: string; readonly result: string }): ResultsClaim => ({ page: PAGE, paper: GROUP_ENVELOPE_PAPER, claim: text, setup, result: outcome.result, verdict: outcome.verdict });
  const weighted = families(rows).find((family) => family.startsWith('gsef-'));
  const claims = [
    claim('GSEF accuracy ≥ group lasso at matched group sparsity (the same hard selection of k groups per layer and fine-tune)', accuracyClaim(rows, 'gsef', 'group-lasso')),
    claim('The GSEF prox reaches the pre-defined number k of nonzero groups per layer (exactly k at the end of training)', exactVerdict(byFamily(rows, 'gsef'))),
    claim(`GSEF within ${pct(DENSE_BOUND)} pt of dense after the fine-tune`, denseClaim(rows, 'gsef')),
  ];
  if (weighted === undefined) {
    claims.push(claim('The weighted form (d_j ≠ 1) reaches k groups with accuracy ≥ the unweighted GSEF', { verdict: 'not tested', result: 'no weighted method in the run' }));
  } else {
    const weighting = weighted.slice('gsef-'.length);
    claims.push(
      claim(`The weighted form (WGSEF, weighting ${weighting}) has accuracy ≥ the unweighted GSEF at matched group sparsity`, accuracyClaim(rows, weighted, 'gsef')),
      claim(`The WGSEF prox (weighting ${weighting}) reaches exactly k nonzero groups per layer at the end of training`, exactVerdict(byFamily(rows, weighted))),
    );
  }
  return claims;
}

function accuracyTable(data: GroupEnvelopeData): Table {
  const { rows } = data;
  const sets = setsOf(data);
  return {
    title: 'Accuracy (%, mean ± sd (seeds)); nonzero neurons as the range over seeds',
    columns: [
      { key: 'method', header: 'method' },
      { key: 'lambda', header: 'λ', align: 'right' },
      { key: 'nonzero', header: `nonzero neurons ${sets.map((set) => set.name).join(' / ')} (end of training)` },
      { key: 'kept', header: 'kept by the selection' },
      { key: 'before', header: 'test before selection', align: 'right' },
      { key: 'selected', header: 'after selection, no fine-tune', align: 'right' },
      { key: 'final', header: 'final test', align: 'right' },
      { key: 'delta', header: 'Δ vs dense (pt, paired by seed)', align: 'right' },
      { key: 'validation', header: 'final validation', align: 'right' },
    ],
    rows: families(rows).map((family) => {
      const of = byFamily(rows, family);
      const regularized = of.some((row) => row.sets.length > 0);
      const deltas = pairedDeltas(rows, family);
      const d = seedStats(deltas);
      const lambdas = [...new Set(of.map((row) => lambdaOf(row.regularizer)).filter((l): l is number => l !== undefined))];
      const afterSelection = of.map((row) => row.testAfterSelection).filter((v): v is number => v !== null);
      return {
        method: family,
        lambda: lambdas.join(', '),
        nonzero: regularized ? sets.map((_, s) => countRange(of.map((row) => row.sets[s]?.nonzeroBeforeSelection ?? 0))).join(' / ') : sets.map((set) => set.groups).join(' / '),
        kept: regularized ? sets.map((_, s) => countRange(of.map((row) => row.sets[s]?.kept ?? 0))).join(' / ') : '',
        before: stat(of.map((row) => row.testBeforeSelection)),
        selected: afterSelection.length === 0 ? '' : stat(afterSelection),
        final: stat(of.map((row) => row.testFinal)),
        delta: family === 'dense' || deltas.length === 0 ? '' : `${signed(d.mean)} ± ${pct(d.sd)}`,
        validation: stat(of.map(lastValidation)),
      };
    }),
  };
}

function seedTable(rows: readonly GroupEnvelopeResultsRow[]): Table {
  const seeds = [...new Set(rows.map((row) => row.seed))].sort((a, b) => a - b);
  return {
    title: 'Final test accuracy (%) per seed',
    columns: [{ key: 'method', header: 'method' }, ...seeds.map((seed) => ({ key: `s${seed}`, header: `seed ${seed}`, align: 'right' as const }))],
    rows: families(rows).map((family) => Object.fromEntries([['method', family], ...seeds.map((seed) => [`s${seed}`, pct(byFamily(rows, family).find((row) => row.seed === seed)?.testFinal ?? Number.NaN)])])),
  };
}

function comparisonText(rows: readonly GroupEnvelopeResultsRow[]): string {
  const regularized = families(rows).filter((family) => family !== 'dense');
  const parts: string[] = [];
  for (const family of regularized) {
    const deltas = pairedDeltas(rows, family);
    if (deltas.length > 0) {
      const s = seedStats(deltas);
      parts.push(`${family} ends ${signed(s.mean)} ± ${pct(s.sd)} pt against dense (paired by seed, ${s.n} seeds).`);
    }
  }
  for (let i = 0; i < regularized.length; i += 1) {
    for (let j = i + 1; j < regularized.length; j += 1) {
      const a = regularized[i] as string;
      const b = regularized[j] as string;
      for (const [what, pick] of [
        ['final test accuracy', (row: GroupEnvelopeResultsRow) => row.testFinal],
        ['test accuracy before the selection', (row: GroupEnvelopeResultsRow) => row.testBeforeSelection],
      ] as const) {
        const { comparison, gap, a: sa, b: sb } = compareSeeds(byFamily(rows, a).map(pick), byFamily(rows, b).map(pick));
        const relation = comparison === 'above' ? 'above' : comparison === 'below' ? 'below' : 'within seed noise of';
        parts.push(`In ${what}, ${a} is ${relation} ${b}: gap ${signed(gap)} pt (sd ${pct(sa.sd)} and ${pct(sb.sd)}).`);
      }
    }
  }
  return parts.join(' ');
}

function exactTable(rows: readonly GroupEnvelopeResultsRow[]): Table {
  const seeds = [...new Set(rows.map((row) => row.seed))].sort((a, b) => a - b);
  const regularized = families(rows).filter((family) => family !== 'dense');
  const setNames = rows.find((row) => row.sets.length > 0)?.sets.map((set) => set.name) ?? [];
  const per = (of: GroupEnvelopeResultsRow[], s: number, key: 'nonzeroBeforeSelection' | 'kept' | 'nonzeroAfterFineTune'): string => seeds.map((seed) => String(of.find((row) => row.seed === seed)?.sets[s]?.[key] ?? '')).join(', ');
  return {
    title: `Exact-k check (one value per seed: ${seeds.join(', ')})`,
    columns: [
      { key: 'method', header: 'method' },
      { key: 'set', header: 'layer' },
      { key: 'k', header: 'k', align: 'right' },
      { key: 'before', header: 'nonzero at the end of training (prox only)' },
      { key: 'kept', header: 'kept by the hard selection' },
      { key: 'after', header: 'nonzero after the fine-tune' },
    ],
    rows: regularized.flatMap((family) => {
      const of = byFamily(rows, family);
      return setNames.map((name, s) => ({ method: family, set: name, k: of[0]?.sets[s]?.k ?? '', before: per(of, s, 'nonzeroBeforeSelection'), kept: per(of, s, 'kept'), after: per(of, s, 'nonzeroAfterFineTune') }));
    }),
  };
}

function exactText(rows: readonly GroupEnvelopeResultsRow[]): string {
  return families(rows)
    .filter((family) => family !== 'dense')
    .map((family) => {
      const c = exactCounts(byFamily(rows, family));
      const mechanism = c.exact === c.total ? 'the prox alone gives exactly k' : c.below === 0 ? 'the prox leaves at least k, and exactly k comes from the hard selection' : 'the prox zeroes more than the target in some layers, and the selection cannot revive them';
      return `${family}: at the end of training exactly k nonzero neurons in ${c.exact}, more than k in ${c.above}, fewer than k in ${c.below} of ${c.total} (layer, seed) pairs; after the selection and fine-tune fewer than k in ${c.finalBelow} — ${mechanism}.`;
    })
    .join(' ');
}

const PLOT_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'] as const;

function nonzeroPlot(rows: readonly GroupEnvelopeResultsRow[]): ReportBlock | undefined {
  const regularized = families(rows).filter((family) => family !== 'dense');
  const first = rows.find((row) => row.sets.length > 0);
  if (first === undefined) return undefined;
  const series: PlotSeries[] = regularized.flatMap((family, m) => {
    const of = byFamily(rows, family);
    const steps = of[0]?.history.map((record) => record.step) ?? [];
    return first.sets.map((set, s) => ({
      name: `${family} ${set.name}`,
      color: PLOT_COLORS[m % PLOT_COLORS.length] as string,
      ...(s === 0 ? {} : { dash: '2 3' }),
      points: steps.map((step) => {
        const values = of.map((row) => row.history.find((record) => record.step === step)?.nonzero[s]).filter((v): v is number => v !== undefined);
        const st = seedStats(values);
        return { x: step, y: st.mean, yMin: st.min, yMax: st.max };
      }),
    }));
  });
  const last = Math.max(1, ...first.history.map((record) => record.step));
  const kLines: PlotSeries[] = first.sets.map((set) => ({ name: `k ${set.name} = ${set.k}`, color: '#7f7f7f', dashed: true, marker: 'none', points: [{ x: 0, y: set.k }, { x: last, y: set.k }] }));
  return {
    kind: 'plot',
    title: 'Nonzero neurons per layer during training',
    plot: { series: [...series, ...kLines], xLabel: 'step', yLabel: 'nonzero neurons', yScale: 'log', markers: false },
    caption: 'Mean over seeds, band from the lowest to the highest seed; solid: first hidden layer, dotted: second; grey dashed: k. Counted after the proximal step, every recordEvery steps while the prox runs.',
  };
}

function validationPlot(rows: readonly GroupEnvelopeResultsRow[]): ReportBlock {
  const series: PlotSeries[] = families(rows).map((family, m) => {
    const of = byFamily(rows, family);
    const epochs = of[0]?.validationCurve.map((c) => c.epoch) ?? [];
    return {
      name: family,
      color: PLOT_COLORS[m % PLOT_COLORS.length] as string,
      points: epochs.map((epoch) => {
        const st = seedStats(of.map((row) => row.validationCurve.find((c) => c.epoch === epoch)?.accuracy ?? Number.NaN).map((v) => 100 * v));
        return { x: epoch, y: st.mean, yMin: st.min, yMax: st.max };
      }),
    };
  });
  return { kind: 'plot', title: 'Validation accuracy per epoch', plot: { series, xLabel: 'epoch (training, then fine-tune)', yLabel: 'validation accuracy (%)', spread: 'bars' }, caption: 'Mean over seeds; bars from the lowest to the highest seed. The epochs after the last training epoch are the fine-tune, which starts right after the hard selection.' };
}

function tuningSection(tuning: GroupEnvelopeData, full: GroupEnvelopeData): ReportSection {
  const choices = chooseLambdas(tuning.rows);
  const config = configOf(tuning);
  const fullConfig = configOf(full);
  const scheduleKeys = ['epochs', 'fineTuneEpochs', 'warmupEpochs', 'learningRate', 'fineTuneLearningRate', 'batchSize', 'validationSize', 'targetGroupSparsity'] as const;
  const differs = scheduleKeys.filter((key) => config[key] !== fullConfig[key]);
  const fullLambdas = (family: string): number[] => [...new Set(byFamily(full.rows, family).map((row) => lambdaOf(row.regularizer)).filter((l): l is number => l !== undefined))];
  const agreement = choices.map((choice: TuningChoice) => {
    const used = fullLambdas(choice.family);
    const same = used.length === 1 && used[0] === choice.lambda;
    return `${choice.family}: chosen λ = ${choice.lambda} (${choice.rule === 'validation' ? 'best validation accuracy among the λ near the target' : 'no λ near the target; the closest'}); the full run uses ${used.length === 0 ? 'no such method' : `λ = ${used.join(', ')}`}${same ? ' (the choice)' : ' (NOT the choice)'}.`;
  });
  return {
    heading: 'How λ was chosen',
    blocks: [
      {
        kind: 'text',
        text:
          `By code (chooseLambdas in @sparse/group-envelope), from the tuning run ${tuning.provenance.name} (${String(config.epochs)} + ${String(config.fineTuneEpochs)} epochs, seeds ${JSON.stringify(config.seeds)}; ${differs.length === 0 ? 'the same schedule as the full run' : `differs from the full run in ${differs.join(', ')}`}), on the validation split only: ` +
          `a λ is near the target when every layer's nonzero neurons at the end of training are within ${(100 * TUNING_TOLERANCE).toFixed(0)} % of k; among those, the λ with the highest validation accuracy after the selection and fine-tune; if none is near, the λ closest to the target. ` +
          'Test accuracies of the tuning run are not read. The command pnpm results:group-envelope tune --write puts the chosen λ into the full config.',
      },
      {
        kind: 'table',
        table: {
          columns: [
            { key: 'method', header: 'method' },
            { key: 'lambda', header: 'λ', align: 'right' },
            { key: 'seed', header: 'seed', align: 'right' },
            { key: 'nonzero', header: 'nonzero neurons (end of training)' },
            { key: 'k', header: 'k' },
            { key: 'near', header: 'near the target' },
            { key: 'validation', header: 'validation after fine-tune (%)', align: 'right' },
            { key: 'chosen', header: 'chosen' },
          ],
          rows: choices.flatMap((choice) =>
            choice.candidates.map((c) => ({ method: choice.family, lambda: c.lambda, seed: c.seed, nonzero: c.nonzero.join(' / '), k: c.k.join(' / '), near: c.nearTarget ? 'yes' : 'no', validation: pct(c.validation), chosen: c.lambda === choice.lambda ? 'yes' : '' })),
          ),
        },
      },
      { kind: 'text', text: agreement.join(' ') },
    ],
  };
}

function compactionSection(full: GroupEnvelopeData, latency: LatencyRecord | undefined): ReportSection {
  const seed = latency?.seed ?? full.rows[0]?.seed;
  const shown = full.rows.filter((row) => row.seed === seed);
  const timings = latency?.models ?? {};
  const dense = timings['dense'];
  const timed = (key: string): Record<string, string> => {
    const value = timings[key];
    if (latency === undefined) return {};
    return { b1: value === undefined ? '' : ms(value.batch1), b256: value === undefined ? '' : ms(value.batch256), speedup: dense === undefined || value === undefined ? '' : `${(dense.batch1 / value.batch1).toFixed(2)} / ${(dense.batch256 / value.batch256).toFixed(2)}` };
  };
  const widths = configOf(full).model?.layerSizes ?? [];
  const rows = shown.flatMap((row) =>
    row.regularizer === null
      ? [{ model: row.method, widths: row.compaction.widths.join('-'), parameters: row.compaction.parameters.before, flops: row.compaction.flops.before, difference: '', ...timed(row.method) }]
      : [
          { model: `${row.method}, masked`, widths: widths.join('-'), parameters: row.compaction.parameters.before, flops: row.compaction.flops.before, difference: '', ...timed(`${row.method} (masked)`) },
          { model: `${row.method}, compacted`, widths: row.compaction.widths.join('-'), parameters: row.compaction.parameters.after, flops: row.compaction.flops.after, difference: row.compaction.difference.toExponential(1), ...timed(`${row.method} (compacted)`) },
        ],
  );
  const latencyColumns =
    latency === undefined
      ? []
      : [
          { key: 'b1', header: 'latency batch 1 (ms, median)', align: 'right' as const },
          { key: 'b256', header: 'latency batch 256 (ms, median)', align: 'right' as const },
          { key: 'speedup', header: 'speed-up vs dense (b1 / b256)', align: 'right' as const },
        ];
  return {
    heading: latency === undefined ? 'Compaction' : 'Compaction and latency',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { key: 'model', header: 'model' },
            { key: 'widths', header: 'widths' },
            { key: 'parameters', header: 'parameters', align: 'right' },
            { key: 'flops', header: 'FLOPs / example', align: 'right' },
            ...latencyColumns,
            { key: 'difference', header: 'max |compacted − masked output| (test set)', align: 'right' },
          ],
          rows,
        },
      },
      {
        kind: 'text',
        text:
          `Seed ${String(seed)}. compactModel (@sparse/layers) deletes the dead neurons (kernel column and bias) and the matching rows of the next kernel; the masked model keeps the dense shapes. FLOPs count one multiply and one add per kernel weight. ` +
          (latency === undefined
            ? 'Latency was not measured.'
            : `Latency (wall-clock, from the run's latency.json, committed beside the raw results): predict() on the ${latency.backend} backend, per model the median over ${latency.rounds} interleaved rounds of the round's median (200 calls at batch 1, 40 at batch 256, after a warm-up), on the shared machine named in the provenance.`),
      },
    ],
  };
}

function setupText(full: GroupEnvelopeData): string {
  const config = configOf(full);
  const counts = full.provenance.counts;
  const sets = setsOf(full);
  const weighted = families(full.rows).filter((family) => family.startsWith('gsef-'));
  const weights = sets.map((set) => (set.size === undefined ? '' : `${set.name}: d = √${set.size} = ${Math.sqrt(set.size).toFixed(2)}`)).join(', ');
  return [
    `Fashion-MNIST: ${counts === undefined ? 'the training images' : `${counts.train} training images`} per seed after holding out ${String(config.validationSize)} for validation (the split is drawn from each seed), ${counts === undefined ? 'the test images' : `${counts.test} test images`}.`,
    `MLP ${(config.model?.layerSizes ?? []).join('-')} (ReLU; every method of a seed starts from the same initial weights), Adam ${String(config.learningRate)}, batch ${String(config.batchSize)}, ${String(config.epochs)} epochs; seeds ${JSON.stringify(config.seeds)}.`,
    `Groups: the hidden neurons, each its incoming kernel column and its bias. The regularizers run as a proximal step after every Adam update (strength τ = learning rate × λ) after ${plural(config.warmupEpochs, 'warm-up epoch')} without it.`,
    `Then the hard selection keeps, in each layer of m neurons, the k = round((1 − ${String(config.targetGroupSparsity)})·m) of largest norm (k = ${sets.map((set) => `${set.k} of ${set.groups} in ${set.name}`).join(', ')}), the same rule for every method, and the masked network is fine-tuned for ${plural(config.fineTuneEpochs, 'epoch')} (Adam ${String(config.fineTuneLearningRate)}).`,
    weighted.length === 0
      ? 'Every method here uses d_j = 1.'
      : `Weighted form (${weighted.join(', ')}): WGSEF_k(θ) = SEF_k(d_1‖θ_G1‖, …, d_m‖θ_Gm‖) with d_j = √|G_j| (${weights}); the prox is computed exactly for these weights. Every neuron of a layer has the same size here, so d_j is one number per layer and WGSEF_k = d²·GSEF_k in each layer: the weighting changes how strongly each layer is pushed (λ·d² per layer), not which neurons of a layer are preferred.`,
    `Methods as configured: ${(config.methods ?? []).map((ref) => JSON.stringify(ref)).join(', ')}.`,
  ].join(' ');
}

/**
 * The group-envelope results page (docs/results/group-envelope.md) and its claims, rendered from
 * committed raw results: the claims table, provenance, setup, accuracy over seeds, the exact-k
 * check (which mechanism gives exactly k), the λ tuning (from the tuning run, by
 * {@link chooseLambdas}), compaction and latency, and the prox-scaling benchmark. Every judgement
 * on the page is computed from the rows.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { renderGroupEnvelopePage, type GroupEnvelopeResultsRow } from '@sparse/group-envelope';
 *
 * const full = await readResultsData<GroupEnvelopeResultsRow>('docs/results/data/group-envelope', 'mlp-fashion-mnist-full');
 * const page = renderGroupEnvelopePage({ full }, { dataFolder: 'data/group-envelope', regenerate: 'pnpm results:group-envelope render' });
 * console.log(page.claims.map((claim) => claim.verdict));
 * ```
 */
export function renderGroupEnvelopePage(
  input: GroupEnvelopePageInput,
  options: { readonly dataFolder: string; readonly regenerate: string },
): { readonly markdown: string; readonly files: readonly { readonly name: string; readonly content: string }[]; readonly claims: readonly ResultsClaim[] } {
  const { full, tuning } = input;
  const claims = groupEnvelopeClaims(full);
  const nonzero = nonzeroPlot(full.rows);
  const sections: ReportSection[] = [
    { heading: 'Setup', blocks: [{ kind: 'text', text: setupText(full) }] },
    {
      heading: 'Accuracy',
      blocks: [{ kind: 'table', table: accuracyTable(full) }, { kind: 'text', text: comparisonText(full.rows) }, { kind: 'table', table: seedTable(full.rows) }, validationPlot(full.rows)],
    },
    {
      heading: 'Which mechanism gives exactly k',
      blocks: [
        { kind: 'table', table: exactTable(full.rows) },
        { kind: 'text', text: `${exactText(full.rows)} A neuron is nonzero when its group norm (kernel column and bias) is not exactly 0.` },
        ...(nonzero === undefined ? [] : [nonzero]),
      ],
    },
    ...(tuning === undefined ? [] : [tuningSection(tuning, full)]),
    compactionSection(full, input.latency),
    ...(input.proxScaling === undefined ? [] : [proxScalingSection(input.proxScaling, 'From packages/group-envelope/bench/results/prox-scaling.json (pnpm --filter @sparse/group-envelope results).')]),
  ];
  const rendered = renderMarkdownReport({ title: 'Group sparse envelope (GSEF) on Fashion-MNIST: results', sections }, 'group-envelope');
  const claimsTable = renderMarkdownTable({
    columns: [
      { key: 'claim', header: 'claim' },
      { key: 'result', header: 'our result' },
      { key: 'verdict', header: 'verdict' },
    ],
    rows: claims.map((claim) => ({ claim: claim.claim, result: claim.result, verdict: claim.verdict })),
  });
  const shown = claims.filter((claim) => claim.verdict.startsWith('shown')).length;
  const data = [full, ...(tuning === undefined ? [] : [tuning])];
  const provenance = data.map((item) => provenanceMarkdown(item.provenance, { dataLink: `${options.dataFolder}/${item.provenance.name}`, units: item.rows.length, engines: [...new Set(item.rows.map((row) => row.engine))] })).join('\n');
  const markdown = insertAfterTitle(rendered.markdown, [
    `Generated by \`${options.regenerate}\` from the committed raw results below; every number and judgement on this page is computed from them. Paper: ${GROUP_ENVELOPE_PAPER} (spec §B). A difference is **shown** when the gap of the means exceeds both methods' sample standard deviations over seeds and every seed of the better method reaches the other's mean; otherwise the data are **consistent** with a claim (within seed noise) or do **not show** it.`,
    `## Claims (${shown} of ${claims.length} shown)`,
    claimsTable,
    '## Provenance',
    provenance,
  ]);
  return { markdown, files: rendered.files, claims };
}
