import { refOptions, type ImplementationRef } from '@sparse/core';
import type { PlotSeries, Report, ReportBlock, ReportSection, Table } from '@sparse/experiments';
import type { Appendix } from './appendix.js';
import type { GroupEnvelopeExperimentConfig } from './config.js';
import type { LatencyRecord, ModelLatency } from './latency.js';
import type { GroupEnvelopeMethodResult } from './method-result.js';
import { formatMs as ms, proxScalingSection } from './prox-scaling-section.js';

/** Everything the report is made from; nothing in it depends on where the run lives. */
export interface ReportInput {
  readonly config: GroupEnvelopeExperimentConfig;
  /** The run directory's name (`<name>-<hash>`). */
  readonly runName: string;
  /** The config file's name, for the "rerun with" line. */
  readonly configFile?: string;
  /** The units' results, seed after seed, methods in config order. */
  readonly results: readonly GroupEnvelopeMethodResult[];
  /** Training images per replicate (after the validation split), and test images. */
  readonly counts: { readonly train: number; readonly test: number };
  readonly latency?: LatencyRecord;
  readonly appendix: Appendix;
}

const pct = (value: number | null | undefined): string => (value === null || value === undefined ? '' : (100 * value).toFixed(2));
const SET_COLORS = ['#1f77b4', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;
const METHOD_COLORS = ['#2ca02c', '#1f77b4', '#ff7f0e', '#9467bd', '#d62728', '#8c564b'] as const;

const lambdaOf = (ref: ImplementationRef | null): string => {
  const lambda = ref === null ? undefined : refOptions(ref)['lambda'];
  return typeof lambda === 'number' ? String(lambda) : '';
};
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
const points = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;

/** The dense result of the same seed, for the Δ column. */
function denseOf(results: readonly GroupEnvelopeMethodResult[], seed: number): GroupEnvelopeMethodResult | undefined {
  return results.find((result) => result.seed === seed && result.regularizer === null);
}

/**
 * The results table printed at the end of a run and shown first in the report: per method and
 * seed, λ, nonzero groups per set at the end of training, groups kept, test accuracy before the
 * selection, right after it and after the fine-tune, the change against dense, and the last
 * validation accuracy.
 */
export function resultsTable(results: readonly GroupEnvelopeMethodResult[]): Table {
  return {
    columns: [
      { key: 'method', header: 'method' },
      { key: 'seed', header: 'seed', align: 'right' },
      { key: 'lambda', header: 'λ', align: 'right' },
      { key: 'nonzero', header: 'nonzero groups per set (end of training)' },
      { key: 'kept', header: 'kept by the selection' },
      { key: 'before', header: 'test before selection (%)', align: 'right' },
      { key: 'selected', header: 'after selection (%)', align: 'right' },
      { key: 'fineTuned', header: 'final test (%)', align: 'right' },
      { key: 'delta', header: 'Δ vs dense (points)', align: 'right' },
      { key: 'validation', header: 'final validation (%)', align: 'right' },
    ],
    rows: results.map((result) => {
      const dense = denseOf(results, result.seed);
      return {
        method: result.method,
        seed: result.seed,
        lambda: lambdaOf(result.regularizer),
        nonzero: result.sets.length === 0 ? result.compaction.widths.slice(1, -1).join(' / ') : result.sets.map((set) => set.nonzeroBeforeSelection).join(' / '),
        kept: result.sets.length === 0 ? '' : result.sets.map((set) => set.kept).join(' / '),
        before: pct(result.testBeforeSelection),
        selected: pct(result.testAfterSelection),
        fineTuned: pct(result.testFinal),
        delta: dense === undefined ? '' : (100 * (result.testFinal - dense.testFinal)).toFixed(2),
        validation: pct(result.validationCurve[result.validationCurve.length - 1]?.accuracy),
      };
    }),
  };
}

function setupText(input: ReportInput): string {
  const { config, results, counts } = input;
  const regularized = results.find((result) => result.sets.length > 0);
  const dataset = config.dataset === 'bundled' ? 'the bundled 6,000 / 1,000 subset' : `the folder ${config.dataset.dir}`;
  const k = regularized === undefined ? '' : ` (k = ${regularized.sets.map((set) => `${set.k} of ${set.groups} in ${set.name}`).join(', ')} for ${regularized.method})`;
  const methods = config.methods.map((ref) => {
    const options = refOptions(ref);
    const groups = options['groups'];
    return `${typeof ref === 'string' ? ref : ref.name}${typeof options['lambda'] === 'number' ? ` λ = ${options['lambda']}` : ''}, groups ${typeof groups === 'string' ? groups : groups === undefined ? (typeof ref !== 'string' && ref.name === 'sef' ? 'unstructured' : 'output-units') : 'as listed in the config'}`;
  });
  return [
    `Fashion-MNIST (${dataset}): ${counts.train} training images per replicate after holding out ${config.validationSize} for validation, ${counts.test} test images.`,
    `MLP ${config.model.layerSizes.join('-')} (ReLU; Glorot-uniform initial weights from seeds derived from each replicate's seed, the same for every method of a seed), Adam learning rate ${config.learningRate}, batch ${config.batchSize}, ${plural(config.epochs, 'epoch')}; seed${config.seeds.length === 1 ? '' : 's'} ${config.seeds.join(', ')}.`,
    methods.length === 0
      ? 'Dense baseline only.'
      : `Methods: ${config.dense ? 'dense (no regularizer); ' : ''}${methods.join('; ')}. Each regularizer runs as a proximal step after every Adam update (strength τ = learning rate × λ), after ${plural(config.warmupEpochs, 'warm-up epoch')} without it. ` +
        `Then the hard selection keeps exactly k = round((1 − ${config.targetGroupSparsity})·m) groups of largest norm in each set of m groups${k}, the same rule for every method, and the masked network is fine-tuned for ${plural(config.fineTuneEpochs, 'epoch')} (Adam ${config.fineTuneLearningRate}, masks re-applied every step).`,
    `Backend ${config.backend}; run ${input.runName}.`,
  ].join(' ');
}

function accuracyVerdict(results: readonly GroupEnvelopeMethodResult[]): string {
  const labels = [...new Set(results.filter((result) => result.sets.length > 0).map((result) => result.method))];
  const seeds = new Set(results.map((result) => result.seed)).size;
  const finals = (label: string): number[] => results.filter((result) => result.method === label).map((result) => result.testFinal);
  const parts: string[] = [];
  const dense = results.filter((result) => result.regularizer === null);
  if (dense.length > 0) {
    for (const label of labels) {
      const deltas = results
        .filter((result) => result.method === label)
        .flatMap((result) => {
          const reference = denseOf(results, result.seed);
          return reference === undefined ? [] : [100 * (result.testFinal - reference.testFinal)];
        });
      parts.push(`${label} after the fine-tune: ${points(mean(deltas))} points of test accuracy against the dense network${seeds > 1 ? ` (mean over ${seeds} seeds)` : ''}.`);
    }
  }
  const [first, ...others] = labels;
  if (first !== undefined) {
    for (const other of others) {
      const difference = 100 * (mean(finals(first)) - mean(finals(other)));
      parts.push(`With the same hard selection and fine-tune, ${first} ends ${Math.abs(difference).toFixed(2)} points ${difference >= 0 ? 'above' : 'below'} ${other}${seeds > 1 ? ` (mean over ${seeds} seeds)` : ' (one seed; the seed-to-seed spread was not measured)'}.`);
    }
  }
  return parts.join(' ');
}

function exactVerdict(results: readonly GroupEnvelopeMethodResult[]): string {
  const lines = results
    .filter((result) => result.sets.length > 0)
    .map((result) => {
      const atLeast = result.sets.every((set) => set.nonzeroBeforeSelection >= set.k);
      return `${result.method} (seed ${result.seed}) ends training with ${result.sets.map((set) => set.nonzeroBeforeSelection).join(' / ')} nonzero groups (${atLeast ? 'at least k in every set' : 'fewer than k in some set'}) and ${result.sets.map((set) => set.nonzeroAfterFineTune).join(' / ')} after the selection and fine-tune.`;
    });
  lines.push('A set with fewer than k nonzero groups before the selection keeps fewer than k after it: the selection can only keep dead groups, which stay dead (zero weights and bias, ReLU gradient 0), and compaction removes them.');
  return lines.join(' ');
}

function historyPlot(results: readonly GroupEnvelopeMethodResult[]): ReportBlock[] {
  const seed = results[0]?.seed;
  const shown = results.filter((result) => result.seed === seed && result.sets.length > 0);
  if (shown.length === 0) return [];
  const series: PlotSeries[] = shown.flatMap((result, m) =>
    result.sets.map((set, s) => ({
      name: `${result.method} ${set.name}`,
      color: SET_COLORS[s % SET_COLORS.length] as string,
      dashed: m > 0,
      points: result.history.map((record) => ({ x: record.step, y: record.nonzero[s] ?? 0 })),
    })),
  );
  const lastStep = Math.max(1, ...shown.flatMap((result) => result.history.map((record) => record.step)));
  const kLines: PlotSeries[] = (shown[0]?.sets ?? []).map((set) => ({
    name: `k ${set.name} = ${set.k}`,
    color: '#7f7f7f',
    dashed: true,
    points: [
      { x: 0, y: set.k },
      { x: lastStep, y: set.k },
    ],
  }));
  return [
    { kind: 'plot', title: 'Nonzero groups per set during training', plot: { series: [...series, ...kLines], xLabel: 'step', yLabel: 'nonzero groups', markers: false } },
    {
      kind: 'text',
      text:
        `Seed ${String(seed)}. Solid: ${shown[0]?.method ?? ''}; dashed colored: ${shown.slice(1).map((result) => result.method).join(', ') || 'none'}; grey: k. Counted after the proximal steps, every few steps while the prox runs. ` +
        'A group is nonzero when its norm is not exactly 0. The prox of λ·GSEF_k never leaves fewer than k nonzero groups; the hard selection then keeps exactly k.',
    },
  ];
}

function exactTable(results: readonly GroupEnvelopeMethodResult[]): Table {
  return {
    title: 'Exact-k check',
    columns: [
      { key: 'method', header: 'method' },
      { key: 'seed', header: 'seed', align: 'right' },
      { key: 'set', header: 'set' },
      { key: 'k', header: 'k', align: 'right' },
      { key: 'beforeSelection', header: 'nonzero at the end of training', align: 'right' },
      { key: 'kept', header: 'kept by the selection', align: 'right' },
      { key: 'afterFineTune', header: 'nonzero after the fine-tune', align: 'right' },
      { key: 'exact', header: 'exactly k' },
    ],
    rows: results.flatMap((result) =>
      result.sets.map((set) => ({
        method: result.method,
        seed: result.seed,
        set: set.name,
        k: set.k,
        beforeSelection: set.nonzeroBeforeSelection,
        kept: set.kept,
        afterFineTune: set.nonzeroAfterFineTune,
        exact: set.kept === set.k && set.nonzeroAfterFineTune === set.k ? 'yes' : 'NO',
      })),
    ),
  };
}

function speedup(dense: ModelLatency | undefined, other: ModelLatency | undefined): string {
  if (dense === undefined || other === undefined) return '';
  return `${(dense.batch1 / other.batch1).toFixed(2)} / ${(dense.batch256 / other.batch256).toFixed(2)}`;
}

function compactionSection(input: ReportInput): ReportSection {
  const { results, latency } = input;
  const seed = results[0]?.seed;
  const shown = results.filter((result) => result.seed === seed);
  const timings = latency?.models ?? {};
  const denseLatency = timings['dense'];
  const timed = (key: string): Record<string, string> => {
    const value = timings[key];
    return latency === undefined ? {} : { b1: value === undefined ? '' : ms(value.batch1), b256: value === undefined ? '' : ms(value.batch256), speedup: speedup(denseLatency, value) };
  };
  const rows = shown.flatMap((result) => {
    const { compaction } = result;
    if (result.regularizer === null) {
      return [{ model: result.method, widths: compaction.widths.join('-'), parameters: compaction.parameters.before, flops: compaction.flops.before, difference: '', ...timed(result.method) }];
    }
    return [
      { model: `${result.method}, masked`, widths: input.config.model.layerSizes.join('-'), parameters: compaction.parameters.before, flops: compaction.flops.before, difference: '', ...timed(`${result.method} (masked)`) },
      { model: `${result.method}, compacted`, widths: compaction.widths.join('-'), parameters: compaction.parameters.after, flops: compaction.flops.after, difference: compaction.difference.toExponential(1), ...timed(`${result.method} (compacted)`) },
    ];
  });
  const latencyColumns =
    latency === undefined
      ? []
      : [
          { key: 'b1', header: 'latency batch 1 (ms, median)', align: 'right' as const },
          { key: 'b256', header: 'latency batch 256 (ms, median)', align: 'right' as const },
          { key: 'speedup', header: 'speed-up vs dense (b1 / b256)', align: 'right' as const },
        ];
  const text =
    `Seed ${String(seed)}. compactModel (@sparse/layers) deletes the dead units (kernel column and bias) and the matching rows of the next kernel and returns an ordinary dense tf.Sequential; ` +
    'the masked model has the dense shapes and zeros, so it costs what the dense model costs. FLOPs count one multiply and one add per kernel weight. ' +
    (latency === undefined
      ? 'Latency was not measured (latencyRounds: 0).'
      : `Latency (latency.json; wall-clock, so it differs between runs): predict() on the ${latency.backend} backend, per model the median over ${latency.rounds} interleaved rounds of the round's median (200 calls at batch 1, 40 at batch 256, after a warm-up).`);
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
            { key: 'difference', header: 'max |output − masked output| (test set)', align: 'right' },
          ],
          rows,
        },
      },
      { kind: 'text', text },
    ],
  };
}

function appendixSections(appendix: Appendix): ReportSection[] {
  return appendix.proxScaling === undefined ? [] : [proxScalingSection(appendix.proxScaling, 'From the file the config names in appendix.proxScaling.')];
}

/**
 * The report of a `group-envelope` run (rendered to `report.html` and `results.md`): setup,
 * accuracy (table, comparison, validation curves), nonzero groups during training and the exact-k
 * check, compaction (and latency when measured), the evidence files of `appendix`, and notes.
 */
export function buildGroupEnvelopeReport(input: ReportInput): Report {
  const { results, config } = input;
  const firstSeed = results[0]?.seed;
  const curveSeries: PlotSeries[] = results
    .filter((result) => result.seed === firstSeed)
    .map((result, i) => ({
      name: result.method,
      color: METHOD_COLORS[i % METHOD_COLORS.length] as string,
      points: result.validationCurve.map((c) => ({ x: c.epoch, y: 100 * c.accuracy })),
    }));
  const regularized = results.some((result) => result.sets.length > 0);
  const sections: ReportSection[] = [
    { heading: 'Setup', blocks: [{ kind: 'text', text: setupText(input) }] },
    {
      heading: 'Accuracy',
      blocks: [
        { kind: 'table', table: resultsTable(results) },
        ...(regularized ? [{ kind: 'text' as const, text: accuracyVerdict(results) }] : []),
        { kind: 'plot', title: 'Validation accuracy per epoch', plot: { series: curveSeries, xLabel: 'epoch (training, then fine-tune)', yLabel: 'validation accuracy (%)', markers: true }, caption: `Seed ${String(firstSeed)}.` },
      ],
    },
    ...(regularized ? [{ heading: 'Nonzero groups per set', blocks: [...historyPlot(results), { kind: 'table' as const, table: exactTable(results) }, { kind: 'text' as const, text: exactVerdict(results) }] }] : []),
    compactionSection(input),
    ...appendixSections(input.appendix),
    {
      heading: 'Notes',
      blocks: [
        {
          kind: 'text',
          text:
            'Weighted form: @sparse/group-envelope implements WGSEF_k(θ) = SEF_k(d_1‖θ_G1‖, …, d_m‖θ_Gm‖), the convex envelope of ½ Σ d_j²‖θ_Gj‖² + δ(at most k nonzero groups), whose prox it computes exactly (d_j = 1 unless a weighting is given). ' +
            'The prox after Adam is a heuristic (the analysed proximal-gradient method uses plain SGD); Adam reaches good accuracy in few epochs. To bring the network to k groups the envelope also shrinks the kept groups (its ridge part, a weight decay of strength τ on the top groups); group lasso has no k, so its λ decides how many groups it zeroes. ' +
            'All methods end with the same hard selection of k groups per set and the same fine-tune, so they are compared at matched group sparsity.',
        },
      ],
    },
  ];
  return {
    title: `Group sparse envelope on Fashion-MNIST: ${config.name}`,
    subtitle: `Made by the group-envelope experiment kind of @sparse/group-envelope (run ${input.runName}). Rerun with: sparse run ${input.configFile ?? '<config>'} (node packages/cli/dist/bin.js run …).`,
    sections,
  };
}
