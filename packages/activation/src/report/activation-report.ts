import type { PlotSeries, Report, ReportBlock, ReportSection, Table, TableCell } from '@sparse/experiments';
import { findings } from './findings.js';
import { catsChessPair, findResult, mean, meanBlockError, meanSparsity, methodLabels, pct, pt, text, worstDeviation } from './format.js';
import type { ActivationResults, MethodResult, ModelResults } from './results.js';

const DEFINITIONS =
  "Definitions. Zeroing rule: an activation is zeroed when |a| <= t. Exact quantile: t is the m-th smallest calibration magnitude with m = round(target x n), so on the calibration values exactly m are zeroed when they have no ties (ties at t are zeroed together). Realized sparsity: the fraction of exactly-zero entries of the sparsified activation. Block relative error: sqrt(sum ||y_sparse - y_dense||^2 / sum ||y_dense||^2) over the test set, where both outputs of a block are computed from the same (sparse model's) block input. Skippable FLOPs: the multiply-adds that read a zeroed activation (for a gate entry: its column of W_up and row of W_down; for an attention input: its row of W_q or W_o; for a hidden ReLU unit: its row of the next kernel), as a fraction of the dense forward FLOPs of the whole model; operation counts, not measured latency.";

/**
 * The table of one model's methods: accuracy, drop, realized sparsity per site (test and
 * calibration sets), block errors and skippable FLOPs, one row per method and level.
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 * import { methodTable, type ModelResults } from '@sparse/activation';
 *
 * declare const model: ModelResults;
 * console.log(formatTable(methodTable(model)));
 * ```
 */
export function methodTable(model: ModelResults): Table {
  const rows: Record<string, TableCell>[] = model.methods.map((r) => ({
    method: r.method,
    level: r.levelLabel,
    accuracy: pct(r.accuracy),
    drop: pt(r.drop),
    test: r.testSparsity.map((s) => pct(s.sparsity, 1)).join(' / '),
    worst: pct(worstDeviation(r)),
    calib: r.calibrationSparsity.map((s) => pct(s.sparsity, 2)).join(' / '),
    error: r.blockErrors.map((b) => (b.relativeError === null ? '-' : b.relativeError.toFixed(3))).join(' / '),
    flops: pct(r.skippableFraction, 1),
  }));
  return {
    columns: [
      'method',
      'level',
      { key: 'accuracy', header: 'test acc. (%)' },
      { key: 'drop', header: 'drop (pt)' },
      { key: 'test', header: 'realized sparsity per site, test (%)' },
      { key: 'worst', header: 'max |realized - target| (pt)' },
      { key: 'calib', header: 'realized, calibration set (%)' },
      { key: 'error', header: 'block rel. error' },
      { key: 'flops', header: 'skippable FLOPs (%)' },
    ],
    rows,
  };
}

function accuracyPlot(model: ModelResults): ReportBlock {
  const series: PlotSeries[] = methodLabels(model).map((method) => ({
    name: method,
    points: model.methods.filter((r) => r.method === method).map((r) => ({ x: 100 * meanSparsity(r), y: 100 * r.accuracy })),
  }));
  const xs = model.methods.map((r) => 100 * meanSparsity(r));
  series.push({ name: 'dense', dashed: true, color: '#777777', points: [{ x: Math.min(...xs) - 5, y: 100 * model.denseAccuracy }, { x: Math.max(...xs) + 5, y: 100 * model.denseAccuracy }] });
  return { kind: 'plot', title: `${model.id} accuracy vs activation sparsity`, plot: { series, xLabel: 'realized activation sparsity on test data (%)', yLabel: 'test accuracy (%)' } };
}

function errorPlot(model: ModelResults): ReportBlock[] {
  const methods = methodLabels(model).filter((method) => model.methods.some((r) => r.method === method && r.blockErrors.some((b) => b.relativeError !== null && b.relativeError > 0)));
  if (methods.length === 0) return [];
  const series: PlotSeries[] = methods.map((method) => ({
    name: method,
    points: model.methods.filter((r) => r.method === method).map((r) => ({ x: 100 * meanSparsity(r), y: meanBlockError(r) })),
  }));
  return [{ kind: 'plot', title: `${model.id} block-output error vs activation sparsity`, plot: { series, xLabel: 'realized activation sparsity on test data (%)', yLabel: 'mean relative block-output error' } }];
}

function reluSwapTable(model: ModelResults): ReportBlock[] {
  const swap = model.reluSwap;
  if (swap === undefined) return [];
  return [
    {
      kind: 'table',
      table: {
        title: 'Naive ReLU swap: the same trained weights with ReLU instead of SiLU in the gates, no fine-tuning',
        columns: [{ key: 'accuracy', header: 'test acc. (%)' }, { key: 'drop', header: 'drop (pt)' }, { key: 'sparsity', header: 'realized sparsity per site, test (%)' }, { key: 'flops', header: 'skippable FLOPs (%)' }],
        rows: [{ accuracy: pct(swap.accuracy), drop: pt(model.denseAccuracy - swap.accuracy), sparsity: swap.sparsity.map((x) => pct(x, 1)).join(' / '), flops: pct(swap.skippableFraction, 1) }],
      },
    },
  ];
}

function chessVsCatsTable(model: ModelResults, targets: readonly number[], calibrationCount: number): ReportBlock[] {
  const pairs = targets.flatMap((target) => {
    const pair = catsChessPair(model, target);
    return pair === undefined ? [] : [{ target, ...pair }];
  });
  if (pairs.length === 0) return [];
  return [
    text(`CHESS vs CATS at equal sparsity: both calibrated to the same target on the same ${calibrationCount} images and applied to the same sites; block error is the mean over the blocks of the relative error of the block output on test data.`),
    {
      kind: 'table',
      table: {
        columns: [
          'target',
          { key: 'catsSparsity', header: 'CATS realized (%)' },
          { key: 'chessSparsity', header: 'CHESS realized (%)' },
          { key: 'catsError', header: 'CATS block error' },
          { key: 'chessError', header: 'CHESS block error' },
          { key: 'catsAccuracy', header: 'CATS acc. (%)' },
          { key: 'chessAccuracy', header: 'CHESS acc. (%)' },
        ],
        rows: pairs.map(({ target, cats, chess }) => ({
          target: `${pct(target, 0)} %`,
          catsSparsity: pct(meanSparsity(cats), 1),
          chessSparsity: pct(meanSparsity(chess), 1),
          catsError: meanBlockError(cats).toFixed(3),
          chessError: meanBlockError(chess).toFixed(3),
          catsAccuracy: pct(cats.accuracy),
          chessAccuracy: pct(chess.accuracy),
        })),
      },
    },
  ];
}

function fineTuneTable(model: ModelResults): ReportBlock[] {
  if (model.fineTuned.length === 0) return [];
  const first = model.fineTuned[0];
  return [
    text(
      `Fine-tuning with thresholds in place (the CATS variant): ${first?.epochs ?? 1} epoch${first?.epochs === 1 ? '' : 's'} of training of all parameters with the ${first?.method ?? ''} thresholds fixed and applied (zeroed activations pass no gradient), through the core train loop with Adam at a constant learning rate, starting each time from the dense model.`,
    ),
    {
      kind: 'table',
      table: {
        columns: ['method', 'level', { key: 'lr', header: 'learning rate' }, { key: 'before', header: 'acc. before (%)' }, { key: 'after', header: 'acc. after (%)' }, { key: 'sparsity', header: 'realized sparsity after, test (%)' }],
        rows: model.fineTuned.map((f) => ({ method: f.method, level: f.levelLabel, lr: f.learningRate.toExponential(0), before: pct(f.before), after: pct(f.after), sparsity: f.sparsity.map((s) => pct(s.sparsity, 1)).join(' / ') })),
      },
    },
  ];
}

function modelSection(model: ModelResults, results: ActivationResults): ReportSection {
  const trained = model.history.filter((point) => point.epoch > 0);
  const sites = model.sites.map((site) => site.name);
  const calibrating = model.sparsifiers.some((s) => s.calibrates);
  const methodsText =
    model.sparsifiers.length === 0
      ? []
      : [
          text(
            `Methods. ${model.sparsifiers.map((s) => s.description).join(' ')} ${calibrating ? `Thresholds are calibrated on ${results.calibrationCount} held-out validation images that no model trains on (calibration batches of ${results.calibrationBatchSize}); as in CATS and CHESS, all statistics are recorded in one pass on the dense model, so in the sparsified model only the first site sees exactly the calibrated inputs. ` : ''}Every accuracy and realized sparsity is measured on the ${results.testCount} test images ("realized, calibration set": on the calibration images). Realized-sparsity columns list the sparsified sites in forward order (the model's sites: ${sites.join(', ')}); block errors list the model's blocks in forward order (0 for a block left dense).`,
          ),
        ];
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  return {
    heading: model.id === model.model ? model.id : `${model.id} (${model.model})`,
    blocks: [
      text(
        `Model: ${model.description}; ${(model.flopsPerExample / 1e6).toFixed(2)} MFLOP per example. Trained dense for ${plural(model.epochs, 'epoch')} (Adam, batch ${results.batchSize}, peak learning rate ${model.learningRate}, cosine schedule to 5 %): test accuracy per epoch ${trained.map((h) => pct(h.accuracy)).join(', ')} %. Dense accuracy ${pct(model.denseAccuracy)} %; natural sparsity per site: ${model.naturalSparsity.map((s) => `${s.site} ${pct(s.sparsity, 2)} %`).join(', ')}.`,
      ),
      ...methodsText,
      ...(model.methods.length === 0 ? [] : [{ kind: 'table', table: methodTable(model) } satisfies ReportBlock, accuracyPlot(model), ...errorPlot(model)]),
      ...reluSwapTable(model),
      ...chessVsCatsTable(model, results.targets, results.calibrationCount),
      ...fineTuneTable(model),
    ],
  };
}

function lazySection(results: ActivationResults): ReportSection[] {
  const tracked = results.models.filter((model) => model.trackNonzero);
  if (tracked.length === 0) return [];
  const series: PlotSeries[] = tracked.flatMap((model) => {
    const points = model.history.filter((p) => p.testNonzero !== undefined);
    const probe = points.filter((p) => typeof p.trainNonzero === 'number');
    return [
      { name: `${model.id}, test`, points: points.map((p) => ({ x: p.epoch, y: 100 * (p.testNonzero ?? 0) })) },
      ...(probe.length === 0 ? [] : [{ name: `${model.id}, train subset`, dashed: true, points: probe.map((p) => ({ x: p.epoch, y: 100 * (p.trainNonzero ?? 0) })) }]),
    ];
  });
  const epochs = [...new Set(tracked.flatMap((model) => model.history.map((p) => p.epoch)))].sort((a, b) => a - b);
  return [
    {
      heading: 'Lazy neurons: nonzero activations during training',
      blocks: [
        text(`Models trained dense with Adam; after each epoch (epoch 0 = at initialisation) the percentage of nonzero entries of the activations at their sites, averaged over sites and examples, on the ${results.testCount} test images and on ${results.probeCount} training images (seen in training).`),
        { kind: 'plot', title: 'Nonzero activations per epoch', plot: { series, xLabel: 'epoch', yLabel: 'nonzero activations (%)' } },
        {
          kind: 'table',
          table: {
            columns: [{ key: 'epoch', header: 'epoch', align: 'right' }, ...tracked.flatMap((model) => [{ key: `nz-${model.id}`, header: `${model.id}: nonzero, test (%)` }, { key: `acc-${model.id}`, header: `${model.id}: test acc. (%)` }])],
            rows: epochs.map((epoch) => {
              const row: Record<string, TableCell> = { epoch };
              for (const model of tracked) {
                const point = model.history.find((p) => p.epoch === epoch);
                row[`nz-${model.id}`] = point?.testNonzero === undefined ? '' : pct(point.testNonzero, 1);
                row[`acc-${model.id}`] = point === undefined ? '' : pct(point.accuracy);
              }
              return row;
            }),
          },
        },
      ],
    },
  ];
}

function checks(results: ActivationResults): ReportBlock[] {
  const rows = results.models.flatMap((model) => {
    const cats50: MethodResult | undefined = findResult(model, 'CATS', 0.5);
    if (cats50 === undefined) return [];
    const worst = worstDeviation(cats50);
    return [
      { check: `${model.id}, CATS 50 %: realized sparsity per site on test data`, bound: 'within 3 pt of 50 %', measured: `${cats50.testSparsity.map((s) => pct(s.sparsity, 2)).join(' / ')} % (worst ${pct(worst)} pt)`, result: worst <= 0.03 ? 'met' : 'NOT met' },
      { check: `${model.id}, CATS 50 %: accuracy cost`, bound: '<= 1.5 pt', measured: `${pt(cats50.drop)} pt (${pct(model.denseAccuracy)} -> ${pct(cats50.accuracy)} %)`, result: cats50.drop <= 0.015 ? 'met' : 'NOT met' },
    ];
  });
  return rows.length === 0 ? [] : [{ kind: 'table', table: { columns: ['check', 'bound', 'measured', 'result'], rows } }];
}

/**
 * The report of an `activation` run: summary with checks, findings read off the numbers, one
 * section per model (training, methods table, accuracy and block-error plots, ReLU swap, CHESS vs
 * CATS, fine-tuning), lazy neurons, and the settings. Rendered as `report.html` and as the results
 * page `results.md` (the page behind docs/results/activation.md).
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from '@sparse/experiments';
 * import { buildActivationReport, type ActivationResults } from '@sparse/activation';
 *
 * declare const results: ActivationResults;
 * const html = renderHtmlReport(buildActivationReport(results));
 * ```
 */
export function buildActivationReport(results: ActivationResults): Report {
  const bundled = results.dataset === 'bundled';
  return {
    title: 'Activation sparsity on Fashion-MNIST: CATS, CHESS, CHESS+, top-k and lazy neurons',
    subtitle: `Generated by sparse run (experiment kind activation, config "${results.name}").${bundled ? ' On the bundled subset: not the reference numbers.' : ''}`,
    sections: [
      {
        heading: 'Summary',
        blocks: [
          text(
            `Data: Fashion-MNIST${bundled ? ' (bundled subset)' : ''}, ${results.trainCount} training and ${results.testCount} test images; thresholds calibrated on ${results.calibrationCount} held-out validation images, never trained on; this report shows seed ${results.seed} only (the run's results.jsonl has every seed); every accuracy and realized sparsity below is measured on the ${results.testCount} test images, with no fine-tuning unless stated. Backend: ${results.backend}. Target sparsities: ${results.targets.map((t) => `${pct(t, 0)} %`).join(', ')}.`,
          ),
          ...checks(results),
          text(DEFINITIONS),
        ],
      },
      { heading: 'Findings', blocks: findings(results).map(text) },
      ...results.models.map((model) => modelSection(model, results)),
      ...lazySection(results),
      { heading: 'Settings', blocks: [text(`Config: ${JSON.stringify(results.config)}`)] },
    ],
  };
}

/**
 * The results table printed at the end of a run: per model its dense accuracy, then every method
 * and level with accuracy, drop, mean realized sparsity and skippable FLOPs.
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 * import { activationResultsTable, type ActivationResults } from '@sparse/activation';
 *
 * declare const results: ActivationResults;
 * console.log(formatTable(activationResultsTable(results)));
 * ```
 */
export function activationResultsTable(results: ActivationResults): Table {
  const rows = results.models.flatMap((model) => [
    { model: model.id, method: 'dense', level: '', accuracy: pct(model.denseAccuracy), drop: '', sparsity: pct(mean(model.naturalSparsity.map((s) => s.sparsity)), 1), flops: '' },
    ...model.methods.map((r) => ({ model: model.id, method: r.method, level: r.levelLabel, accuracy: pct(r.accuracy), drop: pt(r.drop), sparsity: pct(meanSparsity(r), 1), flops: pct(r.skippableFraction, 1) })),
    ...(model.reluSwap === undefined ? [] : [{ model: model.id, method: 'ReLU swap', level: '', accuracy: pct(model.reluSwap.accuracy), drop: pt(model.denseAccuracy - model.reluSwap.accuracy), sparsity: pct(mean(model.reluSwap.sparsity), 1), flops: pct(model.reluSwap.skippableFraction, 1) }]),
    ...model.fineTuned.map((f) => ({ model: model.id, method: `${f.method}, fine-tuned (lr ${f.learningRate.toExponential(0)})`, level: f.levelLabel, accuracy: pct(f.after), drop: pt(model.denseAccuracy - f.after), sparsity: pct(mean(f.sparsity.map((s) => s.sparsity)), 1), flops: '' })),
  ]);
  return {
    title: 'Test accuracy and realized activation sparsity',
    columns: [
      'model',
      'method',
      'level',
      { key: 'accuracy', header: 'test acc. (%)', align: 'right' },
      { key: 'drop', header: 'drop (pt)', align: 'right' },
      { key: 'sparsity', header: 'sparsity (%)', align: 'right' },
      { key: 'flops', header: 'skippable FLOPs (%)', align: 'right' },
    ],
    rows,
  };
}
