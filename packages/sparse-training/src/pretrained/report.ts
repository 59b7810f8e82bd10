import { seedStats } from '@sparse/experiments';
import type { PlotSeries, Report, ReportSection, Table } from '@sparse/experiments';
import type { PretrainedMasksConfig } from './config.js';
import type { EssentialResult, PretrainResult, PretrainedUnitResult, SparsityResult } from './results.js';

/**
 * Everything a `pretrained-masks` report is made from (nothing depends on where the run lives).
 *
 * @example
 * ```ts
 * import type { PretrainedReportInput } from '@sparse/sparse-training';
 *
 * declare const input: PretrainedReportInput;
 * console.log(input.results.length);
 * ```
 */
export interface PretrainedReportInput {
  readonly config: PretrainedMasksConfig;
  readonly runName: string;
  readonly configFile?: string;
  /** The units' outputs, in plan order. */
  readonly results: readonly PretrainedUnitResult[];
  readonly counts: { readonly train: number; readonly test: number };
}

const mean = (values: readonly number[]): number => seedStats(values).mean;
const sd = (values: readonly number[]): number => seedStats(values).sd;
const pct = (value: number): string => (100 * value).toFixed(2);
/** `mean ± sd` in percent (sample sd over seeds; no ± for one seed). */
const spread = (values: readonly number[]): string => (values.length === 0 ? '' : values.length === 1 ? pct(values[0] as number) : `${pct(mean(values))} ± ${pct(sd(values))}`);
const points = (value: number): string => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(2)}`;

const pretrains = (results: readonly PretrainedUnitResult[]): PretrainResult[] => results.filter((r): r is PretrainResult => r.unit === 'pretrain');
const essentials = (results: readonly PretrainedUnitResult[]): EssentialResult[] => results.filter((r): r is EssentialResult => r.unit === 'essential');
const comparisons = (results: readonly PretrainedUnitResult[]): SparsityResult[] => results.filter((r): r is SparsityResult => r.unit === 'sparsity');

/**
 * The table printed at the end of a run and shown first in the report: per sparsity, test
 * accuracy (mean ± sd over seeds) of magnitude pruning without retraining, the Lottery Jackpots
 * mask chosen on validation, magnitude + fine-tune, the dense model, and the jackpot's gain over
 * magnitude.
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 * import { pretrainedResultsTable, type PretrainedUnitResult } from '@sparse/sparse-training';
 *
 * declare const results: PretrainedUnitResult[];
 * console.log(formatTable(pretrainedResultsTable(results)));
 * ```
 */
export function pretrainedResultsTable(results: readonly PretrainedUnitResult[]): Table {
  const dense = pretrains(results).map((r) => r.dense.test);
  const rows = comparisons(results);
  const sparsities = [...new Set(rows.map((r) => r.sparsity))];
  return {
    columns: [
      { key: 'sparsity', header: 'sparsity (%)', align: 'right' },
      { key: 'measured', header: 'measured (all kernels, %)', align: 'right' },
      { key: 'magnitude', header: 'magnitude, no retraining (test %)', align: 'right' },
      { key: 'jackpot', header: 'Lottery Jackpots (test %)', align: 'right' },
      { key: 'gain', header: 'jackpot − magnitude (points)', align: 'right' },
      { key: 'fineTune', header: 'magnitude + fine-tune (test %)', align: 'right' },
      { key: 'dense', header: 'dense (test %)', align: 'right' },
      { key: 'changed', header: 'kept weights not in the magnitude mask (%)', align: 'right' },
      { key: 'lr', header: 'search lr (per seed)' },
    ],
    rows: sparsities.map((sparsity) => {
      const at = rows.filter((r) => r.sparsity === sparsity);
      const fineTuned = at.flatMap((r) => (r.fineTune === null ? [] : [r.fineTune.test]));
      return {
        sparsity: (100 * sparsity).toFixed(0),
        measured: pct(mean(at.map((r) => r.measuredSparsity))),
        magnitude: spread(at.map((r) => r.magnitude.test)),
        jackpot: spread(at.map((r) => r.jackpot.test)),
        gain: spread(at.map((r) => r.jackpot.test - r.magnitude.test)),
        fineTune: spread(fineTuned),
        dense: spread(dense),
        changed: pct(mean(at.map((r) => r.jackpot.changedFromMagnitude))),
        lr: at.map((r) => `${r.jackpot.learningRate} (epoch ${r.jackpot.epoch})`).join(', '),
      };
    }),
  };
}

function jackpotVerdict(results: readonly PretrainedUnitResult[], config: PretrainedMasksConfig): string {
  const rows = comparisons(results);
  const top = Math.max(...rows.map((r) => r.sparsity));
  const at = rows.filter((r) => r.sparsity === top);
  if (at.length === 0) return '';
  const gains = at.map((r) => r.jackpot.test - r.magnitude.test);
  const every = gains.every((g) => g > 0);
  const seeds = at.length;
  const beatsFineTune = at.filter((r) => r.fineTune !== null && r.jackpot.test >= r.fineTune.test).length;
  const fineTuned = at.filter((r) => r.fineTune !== null).length;
  return (
    `Claim (Lottery Jackpots): a mask searched on the frozen pretrained weights beats magnitude pruning of the same weights without retraining by a wide margin. ` +
    `At ${(100 * top).toFixed(0)}% sparsity the searched mask beats magnitude pruning on ${every ? `every seed (${seeds} of ${seeds})` : `${gains.filter((g) => g > 0).length} of ${seeds} seed(s) only`}: ` +
    `${points(mean(gains))} points of test accuracy on average (per seed ${gains.map(points).join(', ')}). ` +
    (fineTuned > 0 ? `Against magnitude pruning with ${config.fineTune.epochs} epoch(s) of masked fine-tuning (weights trained), the search (weights frozen) is at least as good on ${beatsFineTune} of ${fineTuned} seed(s). ` : '') +
    `The search's learning rate and epoch are chosen on the validation split; the accuracies are on the test set.`
  );
}

function comparisonPlot(results: readonly PretrainedUnitResult[]): PlotSeries[] {
  const rows = comparisons(results);
  const sparsities = [...new Set(rows.map((r) => r.sparsity))];
  const series = (name: string, color: string, value: (r: SparsityResult) => number | undefined, dashed = false): PlotSeries => ({
    name,
    color,
    dashed,
    points: sparsities.flatMap((s) => {
      const values = rows.filter((r) => r.sparsity === s).flatMap((r) => {
        const v = value(r);
        return v === undefined ? [] : [100 * v];
      });
      if (values.length === 0) return [];
      const m = mean(values);
      const d = sd(values);
      return [{ x: 100 * s, y: m, yMin: m - d, yMax: m + d }];
    }),
  });
  const dense = mean(pretrains(results).map((r) => r.dense.test));
  const xs = sparsities.map((s) => 100 * s);
  return [
    series('Lottery Jackpots', '#d62728', (r) => r.jackpot.test),
    series('magnitude, no retraining', '#1f77b4', (r) => r.magnitude.test),
    series('magnitude + fine-tune', '#2ca02c', (r) => r.fineTune?.test, true),
    { name: 'dense', color: '#7f7f7f', dashed: true, points: [{ x: Math.min(...xs), y: 100 * dense }, { x: Math.max(...xs), y: 100 * dense }] },
  ].filter((s) => s.points.length > 0);
}

function essentialSections(results: readonly PretrainedUnitResult[], config: PretrainedMasksConfig): ReportSection[] {
  const runs = essentials(results);
  if (runs.length === 0) return [];
  const dense = mean(runs.map((r) => r.dense.test));
  const colors = { layerwise: '#1f77b4', global: '#d62728' } as const;
  const series: PlotSeries[] = config.essential.allocations.map((allocation) => ({
    name: `${allocation} magnitude`,
    color: colors[allocation],
    points: config.essential.sparsities.map((s, i) => {
      const values = runs.map((r) => 100 * (r.sweeps.find((w) => w.allocation === allocation)?.curve[i]?.test ?? 0));
      const m = mean(values);
      return { x: 100 * s, y: m, yMin: m - sd(values), yMax: m + sd(values) };
    }),
  }));
  const xs = config.essential.sparsities.map((s) => 100 * s);
  series.push({ name: 'dense', color: '#7f7f7f', dashed: true, points: [{ x: Math.min(...xs), y: 100 * dense }, { x: Math.max(...xs), y: 100 * dense }] });
  const curveTable: Table = {
    title: 'Test accuracy after one-shot magnitude pruning, no retraining (mean ± sd over seeds)',
    columns: [{ key: 'sparsity', header: 'sparsity (%)', align: 'right' }, ...config.essential.allocations.flatMap((a) => [{ key: `${a}-test`, header: `${a} test (%)`, align: 'right' as const }, { key: `${a}-val`, header: `${a} validation (%)`, align: 'right' as const }])],
    rows: config.essential.sparsities.map((s, i) => {
      const row: Record<string, string> = { sparsity: (100 * s).toFixed(0) };
      for (const a of config.essential.allocations) {
        const points = runs.flatMap((r) => {
          const p = r.sweeps.find((w) => w.allocation === a)?.curve[i];
          return p === undefined ? [] : [p];
        });
        row[`${a}-test`] = spread(points.map((p) => p.test));
        row[`${a}-val`] = spread(points.map((p) => p.validation));
      }
      return row;
    }),
  };
  const fmt = (value: number | null): string => (value === null ? '—' : (100 * value).toFixed(0));
  const dropTable: Table = {
    title: `Drop point per seed: the largest swept sparsity up to which accuracy stays within ${(100 * config.essential.tolerance).toFixed(1)} points of dense`,
    columns: [
      { key: 'seed', header: 'seed', align: 'right' },
      { key: 'allocation', header: 'allocation' },
      { key: 'dense', header: 'dense test (%)', align: 'right' },
      { key: 'essentialTest', header: 'essential sparsity, test (%)', align: 'right' },
      { key: 'dropTest', header: 'first drop, test (%)', align: 'right' },
      { key: 'atDrop', header: 'test accuracy there (%)', align: 'right' },
      { key: 'essentialVal', header: 'essential sparsity, validation (%)', align: 'right' },
    ],
    rows: runs.flatMap((r) =>
      r.sweeps.map((w) => ({
        seed: r.seed,
        allocation: w.allocation,
        dense: pct(r.dense.test),
        essentialTest: fmt(w.drop.test.essential),
        dropTest: fmt(w.drop.test.firstDrop),
        atDrop: w.drop.test.accuracyAtDrop === null ? '—' : pct(w.drop.test.accuracyAtDrop),
        essentialVal: fmt(w.drop.validation.essential),
      })),
    ),
  };
  const summary = config.essential.allocations
    .map((a) => {
      const drops = runs.map((r) => r.sweeps.find((w) => w.allocation === a)?.drop.test.essential ?? null);
      return `${a}: ${drops.map(fmt).join(', ')} %`;
    })
    .join('; ');
  return [
    {
      heading: 'Essential sparsity',
      blocks: [
        {
          kind: 'text',
          text:
            'Jaiswal et al. ("The Emergence of Essential Sparsity in Large Pre-trained Models: The Weights that Matter", NeurIPS 2023) prune pretrained weights by magnitude in one shot, without retraining, and find a sharp turning point: up to some sparsity accuracy hardly moves, past it it falls fast. ' +
            `Here the drop point is the largest swept sparsity up to which the test accuracy of every swept point stays within ${(100 * config.essential.tolerance).toFixed(1)} points of the dense model's (per seed; — when none). Per seed, ${summary}.`,
        },
        { kind: 'plot', title: 'Magnitude pruning without retraining', plot: { series, xLabel: 'sparsity of the pruned kernels (%)', yLabel: 'test accuracy (%)', markers: true, spread: 'bars' }, caption: 'Mean over seeds, bars ± one sample sd.' },
        { kind: 'table', table: curveTable },
        { kind: 'table', table: dropTable },
      ],
    },
  ];
}

/**
 * The report of a `pretrained-masks` run (rendered to `report.html` and `results.md`): setup,
 * Lottery Jackpots vs magnitude pruning (table, verdict, plot), the essential-sparsity curves and
 * drop points, pretraining, and notes on the deliberate differences from the references.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from '@sparse/experiments';
 * import { buildPretrainedMasksReport, type PretrainedReportInput } from '@sparse/sparse-training';
 *
 * declare const input: PretrainedReportInput;
 * const html = renderHtmlReport(buildPretrainedMasksReport(input));
 * ```
 */
export function buildPretrainedMasksReport(input: PretrainedReportInput): Report {
  const { config, results, counts } = input;
  const dataset = config.dataset === 'bundled' ? 'the bundled 6,000 / 1,000 subset' : `the folder ${config.dataset.dir}`;
  const pre = pretrains(results);
  const setup =
    `Fashion-MNIST (${dataset}): ${counts.train} training images per seed after holding out ${config.validationSize} for validation, ${counts.test} test images. ` +
    `MLP ${config.model.layerSizes.join('-')} (ReLU), Glorot-normal weights from each seed, pretrained with Adam (learning rate ${config.learningRate}, batch ${config.batchSize}, ${config.epochs} epochs, engine ${[...new Set(pre.map((r) => r.engine))].join(', ')}); seeds ${config.seeds.join(', ')}. ` +
    `Pruned: ${config.keepOutputDense ? 'the hidden kernels (the output kernel stays dense, as the Lottery Jackpots code keeps its classifier)' : 'every kernel'}; biases never. ` +
    `Lottery Jackpots: ${config.allocation} magnitude masks at each sparsity (exact counts), scores 1 (kept) / 0.99 (pruned), SGD momentum ${config.search.momentum}, weight decay ${config.search.weightDecay}, batch ${config.search.batchSize}, ${config.search.epochs} epochs with a per-epoch cosine learning rate, learning rates ${config.search.learningRates.join(', ')} tried, short restriction (${config.search.restriction}) after every step; weights and biases frozen. ` +
    (config.fineTune.epochs > 0 ? `Reference point: the magnitude masks with ${config.fineTune.epochs} epoch(s) of masked Adam fine-tuning (learning rate ${config.fineTune.learningRate}, batch ${config.search.batchSize}). ` : '') +
    `Backend ${config.backend}; run ${input.runName}.`;
  const pretrainTable: Table = {
    title: 'Pretrained models',
    columns: [
      { key: 'seed', header: 'seed', align: 'right' },
      { key: 'engine', header: 'engine' },
      { key: 'validation', header: 'validation (%)', align: 'right' },
      { key: 'test', header: 'test (%)', align: 'right' },
    ],
    rows: pre.map((r) => ({ seed: r.seed, engine: r.engine, validation: pct(r.dense.validation), test: pct(r.dense.test) })),
  };
  const plot = comparisonPlot(results);
  const sections: ReportSection[] = [
    { heading: 'Setup', blocks: [{ kind: 'text', text: setup }] },
    {
      heading: 'Lottery Jackpots vs magnitude pruning without retraining',
      blocks: [
        { kind: 'table', table: pretrainedResultsTable(results) },
        { kind: 'text', text: jackpotVerdict(results, config) },
        ...(plot.length === 0 ? [] : [{ kind: 'plot' as const, title: 'Test accuracy vs sparsity', plot: { series: plot, xLabel: 'target sparsity (%)', yLabel: 'test accuracy (%)', markers: true, spread: 'bars' as const }, caption: 'Mean over seeds, bars ± one sample sd.' }]),
      ],
    },
    ...essentialSections(results, config),
    { heading: 'Pretraining', blocks: [{ kind: 'table', table: pretrainTable }] },
    {
      heading: 'Notes',
      blocks: [
        {
          kind: 'text',
          text:
            'Differences from the Lottery Jackpots code (zyxxmu/lottery-jackpots, utils/conv_type.py and cifar.py), on purpose: ties in the score ranking are broken by flat index (the code skips an update when ties make its two candidate lists differ); the allocation is an exact count (floor of sparsity × weights), not a count of weights below a threshold; ' +
            "the restriction rate follows the ImageNet script's cosine (the CIFAR script's formula is 1 in every epoch it runs: `full`); the scores' learning rate is a grid chosen on validation data; far fewer search epochs than the paper's 30. " +
            'Raw per-unit results: results.jsonl in the run directory, one compact JSON object per unit.',
        },
      ],
    },
  ];
  return {
    title: `Masks on pretrained weights: ${config.name}`,
    subtitle: `Made by the pretrained-masks experiment kind of @sparse/sparse-training (run ${input.runName}). Rerun with: sparse run ${input.configFile ?? '<config>'}.`,
    sections,
  };
}
