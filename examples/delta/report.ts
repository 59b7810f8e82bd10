/** Turns the results of experiment.ts into the Markdown report docs/results/delta.md. */
import type { PlotSeries, Report, ReportBlock, TableCell } from '@sparse/experiments';

export interface Curve {
  readonly rate: number;
  readonly accuracy: readonly number[];
}

export interface DarexRow {
  readonly method: string;
  readonly q: string;
  readonly accuracy: readonly number[];
  readonly outputChange: number;
  readonly evaluations: number;
}

export interface RegimeResult {
  readonly id: string;
  readonly label: string;
  readonly epochs: number;
  readonly tunedAccuracy: number;
  readonly stats: { readonly meanAbs: number; readonly maxAbs: number; readonly rms: number; readonly headMeanAbs: number };
  readonly curves: { readonly dare: Curve[]; readonly dropOnly: Curve[]; readonly magnitude: Curve[]; readonly magnitudeDare: Curve[] };
  readonly darex: { readonly rate: number; readonly rows: readonly DarexRow[] };
}

export interface Results {
  readonly quick: boolean;
  readonly data: string;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly testCount: number;
  readonly pretrainCount: number;
  readonly pretrainEpochs: number;
  readonly baseAccuracy: number;
  readonly baseAccuracyOld: number;
  readonly seeds: readonly number[];
  readonly regimes: readonly RegimeResult[];
  readonly varianceCheck: readonly {
    readonly rate: number;
    readonly q: number;
    readonly realizedRate: number;
    readonly mean: number;
    readonly expectedMean: number;
    readonly variance: number;
    readonly expectedVariance: number;
    readonly seeds: number;
  }[];
  readonly seconds: number;
  readonly backend: string;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const std = (values: readonly number[]) => {
  const m = mean(values);
  return values.length < 2 ? 0 : Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
};
const pct = (value: number) => (100 * value).toFixed(2);
const pm = (values: readonly number[]) => (values.length > 1 ? `${pct(mean(values))} ± ${(100 * std(values)).toFixed(2)}` : pct(values[0] as number));
const at = (curve: readonly Curve[], rate: number) => mean(curve.find((point) => point.rate === rate)?.accuracy ?? [Number.NaN]);

function series(name: string, curve: readonly Curve[], extra: Partial<PlotSeries> = {}): PlotSeries {
  return {
    name,
    points: curve.map(({ rate, accuracy }) => ({
      x: 1 - rate,
      y: 100 * mean(accuracy),
      ...(accuracy.length > 1 ? { yMin: 100 * Math.min(...accuracy), yMax: 100 * Math.max(...accuracy) } : {}),
    })),
    ...extra,
  };
}

function regimeBlocks(regime: RegimeResult, results: Results): ReportBlock[] {
  const rates = regime.curves.dare.map((point) => point.rate);
  const flat = (name: string, value: number, color: string): PlotSeries => ({
    name,
    points: [{ x: 1 - Math.max(...rates), y: 100 * value }, { x: 1 - Math.min(...rates), y: 100 * value }],
    dashed: true,
    color,
  });
  return [
    {
      kind: 'plot',
      title: `Accuracy after delta pruning (${regime.id})`,
      plot: {
        title: `Test accuracy after pruning the delta: ${regime.label}`,
        series: [
          series('DARE (rescale 1/(1−p))', regime.curves.dare),
          series('DropOnly (no rescale)', regime.curves.dropOnly),
          series('magnitude DPP (no rescale)', regime.curves.magnitude),
          series('magnitude DPP (rescale 1/(1−p))', regime.curves.magnitudeDare),
          flat('fine-tuned (no pruning)', regime.tunedAccuracy, '#000000'),
          flat('pretrained base', results.baseAccuracy, '#999999'),
        ],
        xLabel: 'fraction of the delta kept, 1 − p (log scale)',
        yLabel: 'test accuracy, 10 classes (%)',
        xScale: 'log',
        reverseX: true,
        xTickFormat: (value) => String(+value.toPrecision(2)),
      },
      caption: `Mean over drop seeds ${results.seeds.join(', ')} (band: min to max) for the random methods; magnitude pruning is deterministic. Head kept dense.`,
    },
    {
      kind: 'table',
      table: {
        title: `${regime.label}: test accuracy (%) by drop rate p (fine-tuned: ${pct(regime.tunedAccuracy)})`,
        columns: [
          { key: 'p', header: 'p', align: 'right' },
          { key: 'dare', header: 'DARE', align: 'right' },
          { key: 'dropOnly', header: 'DropOnly', align: 'right' },
          { key: 'magnitude', header: 'magnitude', align: 'right' },
          { key: 'magnitudeDare', header: 'magnitude + 1/(1−p)', align: 'right' },
        ],
        rows: rates.map((rate, i) => ({
          p: String(rate),
          dare: pm(regime.curves.dare[i]?.accuracy ?? []),
          dropOnly: pm(regime.curves.dropOnly[i]?.accuracy ?? []),
          magnitude: pm(regime.curves.magnitude[i]?.accuracy ?? []),
          magnitudeDare: pm(regime.curves.magnitudeDare[i]?.accuracy ?? []),
        })),
      },
    },
  ];
}

function claims(results: Results): ReportBlock[] {
  const small = results.regimes.find((r) => r.id === 'small');
  const large = results.regimes.find((r) => r.id === 'large');
  const adamrs = results.regimes.filter((r) => r.id.startsWith('adamr'));
  const lines: string[] = [];
  for (const regime of results.regimes.filter((r) => r.id === 'tiny' || r.id === 'small')) {
    const drop90 = regime.tunedAccuracy - at(regime.curves.dare, 0.9);
    const drop99 = regime.tunedAccuracy - at(regime.curves.dare, 0.99);
    const moderate = [0.5, 0.7, 0.9];
    lines.push(
      `Claim 2 (${regime.label}, mean |δ| ${regime.stats.meanAbs.toExponential(2)}): DARE at p = 0.9 loses ${(100 * drop90).toFixed(2)} pt (target ≤ 1 pt: ${drop90 <= 0.01 ? 'met' : 'not met'}); at p = 0.99 it loses ${(100 * drop99).toFixed(2)} pt (a clear drop expected: ${drop99 > drop90 + 0.005 ? 'yes' : 'no'}). DropOnly at p = 0.5/0.7/0.9: ${moderate.map((p) => pct(at(regime.curves.dropOnly, p))).join(' / ')} vs DARE ${moderate.map((p) => pct(at(regime.curves.dare, p))).join(' / ')} (DropOnly worse at moderate p: ${moderate.every((p) => at(regime.curves.dropOnly, p) < at(regime.curves.dare, p)) ? 'yes' : 'not everywhere'}).`,
    );
  }
  for (const regime of results.regimes) {
    const [dare, byValidation, byOutput, analytical] = regime.darex.rows;
    if (dare === undefined || byValidation === undefined || byOutput === undefined || analytical === undefined) continue;
    lines.push(
      `Claim 3 (${regime.id}): at p = 0.99, DARE ${pct(mean(dare.accuracy))}%; DAREx-q with q by output change (no labels, q = ${byOutput.q}) ${pct(mean(byOutput.accuracy))}% (vs DARE: ${(100 * (mean(byOutput.accuracy) - mean(dare.accuracy))).toFixed(2)} pt, ${mean(byOutput.accuracy) - mean(dare.accuracy) > 2 * Math.max(std(byOutput.accuracy), std(dare.accuracy)) / Math.sqrt(dare.accuracy.length) ? 'better beyond seed noise' : mean(byOutput.accuracy) > mean(dare.accuracy) ? 'better, within seed noise' : 'not better'}); by validation (q = ${byValidation.q}) ${pct(mean(byValidation.accuracy))}%; analytical ${pct(mean(analytical.accuracy))}%.`,
    );
  }
  if (large !== undefined && small !== undefined) {
    const collapse = (regime: RegimeResult) => regime.curves.dare.find((point) => regime.tunedAccuracy - mean(point.accuracy) > 0.05)?.rate;
    const beats = large.curves.magnitude.filter((point, i) => mean(point.accuracy) > mean(large.curves.dare[i]?.accuracy ?? [1])).map((point) => point.rate);
    lines.push(
      `Claim 4 (large deltas, mean |δ| ${large.stats.meanAbs.toExponential(2)} vs ${small.stats.meanAbs.toExponential(2)}): DARE first loses more than 5 pt at p = ${collapse(large) ?? '(never)'} (small deltas: ${collapse(small) ?? 'never in the grid'}); magnitude DPP beats DARE at p ∈ {${beats.join(', ')}}.`,
    );
    for (const adamr of adamrs) {
      lines.push(
        `${adamr.label}: mean |δ| ${adamr.stats.meanAbs.toExponential(2)} (${(adamr.stats.meanAbs / large.stats.meanAbs).toFixed(2)}× the plain lr 1e-2 fine-tune), fine-tuned accuracy ${pct(adamr.tunedAccuracy)}% (plain: ${pct(large.tunedAccuracy)}%); DARE at p = 0.9 / 0.95 / 0.99: ${[0.9, 0.95, 0.99].map((p) => pct(at(adamr.curves.dare, p))).join(' / ')}% vs ${[0.9, 0.95, 0.99].map((p) => pct(at(large.curves.dare, p))).join(' / ')}% without AdamR.`,
      );
    }
  }
  return lines.map((text) => ({ kind: 'text', text }));
}

export function buildReport(results: Results): Report {
  const fmt = (value: TableCell) => (typeof value === 'number' ? value.toExponential(2) : String(value));
  return {
    title: 'Delta-parameter pruning on Fashion-MNIST (spec D.6)',
    subtitle: `Generated by examples/delta/experiment.ts${results.quick ? ' --quick (smoke run: fewer epochs and seeds)' : ''} in ${(results.seconds / 60).toFixed(1)} min on the ${results.backend} backend (one core). Regenerate with: pnpm build && pnpm --filter @sparse/examples run delta-results (or, on the sources without a build: pnpm tsx --tsconfig examples/delta/tsconfig.json examples/delta/experiment.ts)`,
    sections: [
      {
        heading: 'Setup',
        blocks: [
          {
            kind: 'text',
            text: `MLP 784-256-256-10 (ReLU). Pretrained with Adam (lr 1e-3, batch 128, ${results.pretrainEpochs} epoch${results.pretrainEpochs === 1 ? '' : 's'}) on Fashion-MNIST classes 0–4 (${results.pretrainCount} images); it scores ${pct(results.baseAccuracyOld)}% on the test images of those classes and ${pct(results.baseAccuracy)}% on all 10. Fine-tuned on the shifted task, all 10 classes (${results.trainCount} images; ${results.validationCount} held out for validation), every parameter trained. The delta δ = fine-tuned − pretrained is pruned with @sparse/delta's pruneDeltas; the head (head/kernel, head/bias) matches the default exclude pattern and is kept as fine-tuned; both biases and kernels of fc1 and fc2 are pruned. Accuracy is measured on the ${results.testCount} test images. Random methods average drop seeds ${results.seeds.join(', ')}. Data: ${results.data}.`,
          },
          {
            kind: 'table',
            table: {
              title: 'Fine-tuned models and their deltas (fc1 and fc2)',
              columns: [
                { key: 'regime', header: 'fine-tuning' },
                { key: 'epochs', header: 'epochs', align: 'right' },
                { key: 'accuracy', header: 'test accuracy (%)', align: 'right' },
                { key: 'meanAbs', header: 'mean |δ|', align: 'right', format: fmt },
                { key: 'rms', header: 'rms δ', align: 'right', format: fmt },
                { key: 'maxAbs', header: 'max |δ|', align: 'right', format: fmt },
                { key: 'head', header: 'head mean |δ|', align: 'right', format: fmt },
              ],
              rows: results.regimes.map((r) => ({ regime: r.label, epochs: r.epochs, accuracy: pct(r.tunedAccuracy), meanAbs: r.stats.meanAbs, rms: r.stats.rms, maxAbs: r.stats.maxAbs, head: r.stats.headMeanAbs })),
            },
          },
        ],
      },
      ...results.regimes.map((regime) => ({ heading: `DARE, DropOnly and magnitude DPP: ${regime.label}`, blocks: regimeBlocks(regime, results) })),
      {
        heading: 'DAREx-q at p = 0.99: three ways to choose q',
        blocks: [
          {
            kind: 'text',
            text: 'Kept deltas are multiplied by 1/q instead of 1/(1 − p) = 100. Labelled: coarse-then-fine search of q in [1 − p, 0.5] = [0.01, 0.5] (step 0.01, then 0.001; q = 0.01, DARE itself, is the first candidate) maximizing validation accuracy with drop seed 0 (spec D.3.1). No labels: the same search minimizing the mean absolute change of the last hidden layer (256 units) on 512 unlabeled training images, averaged over the drop seeds with the farthest outlier removed (D.3.2). Analytical: per-layer q of D.3.3 from the mean inputs of fc1 and fc2 on the same 512 images, η searched on a log grid (log10 η from −1 to 3, step 0.25 then 0.025) with the output-change objective. Test accuracy over the drop seeds; output change = mean |Δh| on the 512 images.',
          },
          ...results.regimes.map(
            (regime): ReportBlock => ({
              kind: 'table',
              table: {
                title: `${regime.label} (fine-tuned: ${pct(regime.tunedAccuracy)}%)`,
                columns: [
                  { key: 'method', header: 'rescale' },
                  { key: 'q', header: 'q' },
                  { key: 'accuracy', header: 'test accuracy (%)', align: 'right' },
                  { key: 'change', header: 'output change', align: 'right', format: fmt },
                  { key: 'evaluations', header: 'search evaluations', align: 'right' },
                ],
                rows: regime.darex.rows.map((row) => ({ method: row.method, q: row.q, accuracy: pm(row.accuracy), change: row.outputChange, evaluations: row.evaluations })),
              },
            }),
          ),
        ],
      },
      {
        heading: 'Spec D.2 on the real delta: one unit of fc2 (small-delta model)',
        blocks: [
          {
            kind: 'text',
            text: 'Δh = Σ_j c_j − (1/q) Σ_j b_j c_j with c_j = δ_j x̄_j (x̄: mean fc2 input on the 512 calibration images), over 5000 drop seeds. Expected: E[Δh] = (1 − (1−p)/q) Σ c and Var[Δh] = ((1−p)p/q²) Σ c². The unit tests check the same with tolerances (src/tensors/prune-deltas.test.ts).',
          },
          {
            kind: 'table',
            table: {
              columns: [
                { key: 'p', align: 'right' },
                { key: 'q', align: 'right' },
                { key: 'realized', header: 'realized drop rate', align: 'right' },
                { key: 'mean', header: 'mean Δh', align: 'right', format: fmt },
                { key: 'expectedMean', header: 'expected', align: 'right', format: fmt },
                { key: 'z', header: '|mean − expected| / SE', align: 'right' },
                { key: 'variance', header: 'Var Δh', align: 'right', format: fmt },
                { key: 'expectedVariance', header: 'expected', align: 'right', format: fmt },
                { key: 'ratio', header: 'ratio', align: 'right' },
              ],
              rows: results.varianceCheck.map((row) => ({
                p: row.rate,
                q: row.q,
                realized: row.realizedRate.toFixed(4),
                mean: row.mean,
                expectedMean: row.expectedMean,
                z: (Math.abs(row.mean - row.expectedMean) / Math.sqrt(row.variance / row.seeds)).toFixed(2),
                variance: row.variance,
                expectedVariance: row.expectedVariance,
                ratio: (row.variance / row.expectedVariance).toFixed(3),
              })),
            },
          },
        ],
      },
      { heading: 'Against the claims of spec D.6', blocks: claims(results) },
    ],
  };
}
