import type { PlotSeries, Report, ReportBlock } from '@sparse/experiments';
import type { CurveResult, DeltaExperimentResults } from '../results.js';
import { darexTable, modelsTable, varianceTable } from './results-tables.js';
import { accuracyText, mean, percent, std } from './stats.js';

type Regime = DeltaExperimentResults['regimes'][number];


function series(curve: CurveResult): PlotSeries {
  return {
    name: curve.label,
    points: curve.points.map(({ rate, accuracy }) => ({
      x: 1 - rate,
      y: 100 * mean(accuracy),
      ...(accuracy.length > 1 ? { yMin: 100 * Math.min(...accuracy), yMax: 100 * Math.max(...accuracy) } : {}),
    })),
  };
}

function regimeBlocks(regime: Regime, results: DeltaExperimentResults): ReportBlock[] {
  const rates = regime.curves[0]?.points.map((point) => point.rate) ?? [];
  const kept = rates.map((rate) => 1 - rate);
  const log = kept.every((value) => value > 0);
  const flat = (name: string, value: number, color: string): PlotSeries => ({
    name,
    points: [{ x: Math.min(...kept), y: 100 * value }, { x: Math.max(...kept), y: 100 * value }],
    dashed: true,
    color,
  });
  const blocks: ReportBlock[] = [];
  if (rates.length > 1) {
    blocks.push({
      kind: 'plot',
      title: `Accuracy after delta pruning (${regime.id})`,
      plot: {
        title: `Test accuracy after pruning the delta: ${regime.label}`,
        series: [...regime.curves.map(series), flat('fine-tuned (no pruning)', regime.finetune.accuracy, '#000000'), flat('pretrained base', results.pretrain.accuracy, '#999999')],
        xLabel: `fraction of the delta kept, 1 − p${log ? ' (log scale)' : ''}`,
        yLabel: 'test accuracy (%)',
        xScale: log ? 'log' : 'linear',
        reverseX: true,
        xTickFormat: (value) => String(+value.toPrecision(2)),
      },
      caption: `Mean over drop seeds ${results.dropSeeds.join(', ')} (band: min to max) for random methods; deterministic methods are evaluated once.`,
    });
  }
  const withQ = regime.curves.filter((curve) => curve.points.some((point) => point.q !== null && point.evaluations > 0));
  blocks.push({
    kind: 'table',
    table: {
      title: `${regime.label}: test accuracy (%) by drop rate p (fine-tuned: ${percent(regime.finetune.accuracy)})`,
      columns: [{ key: 'p', header: 'p', align: 'right' }, ...regime.curves.map((curve) => ({ key: `m${curve.index}`, header: curve.label, align: 'right' as const }))],
      rows: rates.map((rate, k) => ({ p: String(rate), ...Object.fromEntries(regime.curves.map((curve) => [`m${curve.index}`, accuracyText(curve.points[k]?.accuracy ?? [])])) })),
    },
  });
  for (const curve of withQ) {
    blocks.push({ kind: 'text', text: `${curve.label}: q chosen at each rate: ${curve.points.map((point) => `p = ${point.rate}: ${point.q ?? '-'} (${point.evaluations} evaluations)`).join('; ')}.` });
  }
  return blocks;
}

function findings(results: DeltaExperimentResults): ReportBlock[] {
  const lines: string[] = [];
  for (const regime of results.regimes) {
    const parts = regime.curves.map((curve) => {
      const within1 = curve.points.filter((point) => regime.finetune.accuracy - mean(point.accuracy) <= 0.01).map((point) => point.rate);
      const lost5 = curve.points.find((point) => regime.finetune.accuracy - mean(point.accuracy) > 0.05)?.rate;
      return `${curve.label}: within 1 pt of the fine-tuned model at p ∈ {${within1.join(', ')}}, first loses more than 5 pt at ${lost5 === undefined ? 'no rate of the grid' : `p = ${lost5}`}`;
    });
    lines.push(`${regime.label} (mean |δ| ${regime.finetune.delta.meanAbs.toExponential(2)}, fine-tuned ${percent(regime.finetune.accuracy)}%): ${parts.join('; ')}.`);
    const reference = regime.darex[0];
    if (reference !== undefined) {
      const others = regime.darex.slice(1).map((row) => {
        const gain = mean(row.accuracy) - mean(reference.accuracy);
        const noise = (2 * Math.max(std(row.accuracy), std(reference.accuracy))) / Math.sqrt(Math.max(1, reference.accuracy.length));
        return `${row.label} ${percent(mean(row.accuracy))}% (${gain > 0 ? '+' : ''}${(100 * gain).toFixed(2)} pt, ${gain > noise ? 'better beyond seed noise' : gain > 0 ? 'better within seed noise' : 'not better'})`;
      });
      if (others.length > 0) lines.push(`At p = ${results.darexRate ?? '?'} (${regime.id}): ${reference.label} ${percent(mean(reference.accuracy))}%; ${others.join('; ')}.`);
    }
  }
  return lines.map((text) => ({ kind: 'text', text }));
}

/**
 * The report of a `delta` run (rendered to `report.html` and `results.md`): setup, the fine-tuned
 * models and their deltas, an accuracy curve and table per fine-tuned model, the `darex`
 * comparison, the variance check, and what the numbers show.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from '@sparse/experiments';
 * import { buildDeltaExperimentReport, type DeltaExperimentResults } from '@sparse/delta';
 *
 * declare const results: DeltaExperimentResults;
 * const html = renderHtmlReport(buildDeltaExperimentReport(results));
 * ```
 */
export function buildDeltaExperimentReport(results: DeltaExperimentResults): Report {
  const { counts } = results;
  const sections: Report['sections'][number][] = [
    {
      heading: 'Setup',
      blocks: [
        {
          kind: 'text',
          text: `MLP 784-${results.model.join('-')}-10 (ReLU). Pretrained with Adam (lr ${results.pretrainLearningRate}, batch ${results.batchSize}, ${results.pretrainEpochs} epoch${results.pretrainEpochs === 1 ? '' : 's'}) on Fashion-MNIST classes ${results.pretrainClasses.join(', ')} (${counts.pretrain} images); it scores ${percent(results.pretrain.pretrainAccuracy)}% on the test images of those classes and ${percent(results.pretrain.accuracy)}% on the fine-tuning task. Fine-tuned on classes ${results.finetuneClasses.join(', ')} (${counts.finetune} images; ${counts.validation} held out for validation), every parameter trained. The delta δ = fine-tuned − pretrained is pruned with @sparse/delta's kernels; tensors matching ${results.exclude.map((source) => `/${source}/`).join(', ') || 'nothing'} are kept as fine-tuned. Accuracy is measured on the ${counts.test} test images of the fine-tuning classes. Random methods are averaged over drop seeds ${results.dropSeeds.join(', ')}; label-free objectives use ${counts.calibration} training images without their labels. Data: ${results.dataset}; backend: ${results.backend}.`,
        },
        { kind: 'table', table: modelsTable(results) },
      ],
    },
    ...results.regimes.map((regime) => ({ heading: `Delta pruning: ${regime.label}`, blocks: regimeBlocks(regime, results) })),
  ];
  if (results.darexRate !== null) {
    sections.push({
      heading: `At p = ${results.darexRate}: choosing the rescale`,
      blocks: [
        {
          kind: 'text',
          text: `Kept deltas are multiplied by 1/q; DARE uses q = 1 − p. Methods that search q run a coarse-then-fine grid from 1 − p upward, maximizing validation accuracy (labels, first drop seed) or minimizing the mean absolute change of the last hidden layer on the calibration images (no labels, averaged over the drop seeds without the farthest value); the analytical method computes q per layer from the mean layer inputs on the same images. Test accuracy over the drop seeds; output change = mean |Δh| on the calibration images.`,
        },
        { kind: 'table', table: darexTable(results) },
      ],
    });
  }
  if (results.varianceCheck !== null) {
    const check = results.varianceCheck;
    sections.push({
      heading: `Mean and variance of the change of one unit (${check.regime}, ${check.layer} unit ${check.unit})`,
      blocks: [
        {
          kind: 'text',
          text: `Δh = Σ_j c_j − (1/q) Σ_j b_j c_j with c_j = δ_j x̄_j (x̄: mean ${check.layer} input on the calibration images, b_j: kept), over ${check.rows[0]?.seeds ?? 0} drop seeds. Expected: E[Δh] = (1 − (1−p)/q) Σ c and Var[Δh] = ((1−p)p/q²) Σ c².`,
        },
        { kind: 'table', table: varianceTable(check) },
      ],
    });
  }
  sections.push({ heading: 'What the numbers show', blocks: findings(results) });
  return {
    title: `Delta-parameter pruning on Fashion-MNIST: ${results.name}`,
    subtitle: `sparse run (kind delta); regenerate with the same config: the run is deterministic on a given backend.`,
    sections,
  };
}
