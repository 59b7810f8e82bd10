import { provenanceMarkdown, renderMarkdownReport, seedStats, shortVerdict, type PlotSeries, type ReportSection, type ResultsClaim, type ResultsProvenance, type Table } from '@sparse/experiments';
import type { ActivationRow } from './raw-rows.js';
import { activationClaims, ACTIVATION_CLAIM_BOUNDS } from './results-claims.js';
import { distinct, levelRows, meanBlockError, meanSparsity, numStats, pct, pctStats, rowsOf, statsOf, trainRows, type RowOf } from './results-stats.js';

/**
 * One committed data set of the activation results page: its raw rows and where they came from.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import type { ActivationPageData, ActivationRow } from '@sparse/activation';
 *
 * const data: ActivationPageData = await readResultsData<ActivationRow>('docs/results/data/activation', 'activation-full');
 * ```
 */
export interface ActivationPageData {
  readonly rows: readonly ActivationRow[];
  readonly provenance: ResultsProvenance;
}

/**
 * The rendered activation results page: its Markdown, the SVG plots to write beside it, and the
 * claims it tests (for `claims.json`).
 *
 * @example
 * ```ts
 * import type { ActivationPage } from '@sparse/activation';
 *
 * declare const page: ActivationPage;
 * console.log(page.claims.filter((claim) => claim.verdict.startsWith('shown')).length);
 * ```
 */
export interface ActivationPage {
  readonly markdown: string;
  readonly files: readonly { readonly name: string; readonly content: string }[];
  readonly claims: readonly ResultsClaim[];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function claimsTable(claims: readonly ResultsClaim[]): string {
  return [
    '| paper | claim | our setup | result (mean ± sd (seeds)) | verdict |',
    '| --- | --- | --- | --- | --- |',
    ...claims.map((claim) => `| ${cell(claim.paper)} | ${cell(claim.claim)} | ${cell(claim.setup)} | ${cell(claim.result)} | **${shortVerdict(claim.verdict)}**: ${cell(claim.verdict)} |`),
  ].join('\n');
}

function imagesText(rows: readonly ActivationRow[], provenance: ResultsProvenance): string {
  const train = rowsOf(rows, 'train');
  const perSeed = distinct(train.map((row) => row.seed)).map((seed) => train.find((row) => row.seed === seed) as RowOf<'train'>);
  const dataset = (provenance.config as { dataset?: unknown }).dataset;
  const source = dataset === 'bundled' || dataset === undefined ? "the bundled Fashion-MNIST subset of @sparse/datasets" : 'Fashion-MNIST (60,000 training and 10,000 test images)';
  const lines = [
    `Data: ${source}. For each seed, \`splitValidation\` (@sparse/datasets, seed \`deriveSeed(seed, 'validation-split')\`) holds out validation images from the training file; no model of that seed trains on them. Every sparsifier's thresholds are calibrated on the first images of the validation split in a seeded order (\`calibration-subset\`), a subset of the held-out images, never of the training images. Accuracy and realized sparsity are measured on the test images. Fingerprints: sha256 of the images' ascending indices into the training file (int32 little-endian), first 16 hex digits; the raw rows carry them.`,
    '',
    '| seed | training images | held-out validation images | calibration images (of the held-out) | test images | validation sha256 | calibration sha256 |',
    '| ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...perSeed.map((row) => `| ${row.seed} | ${row.images.train} | ${row.images.validation} | ${row.images.calibration} | ${row.images.test} | \`${row.images.validationSha256}\` | \`${row.images.calibrationSha256}\` |`),
  ];
  return lines.join('\n');
}

function distributionTable(rows: readonly ActivationRow[]): Table {
  const train = rowsOf(rows, 'train');
  const out: Record<string, string>[] = [];
  for (const model of distinct(train.map((row) => row.model))) {
    const mine = trainRows(rows, model);
    for (const site of distinct(mine.flatMap((row) => row.distributions.map((d) => d.site)))) {
      const values = mine.flatMap((row) => row.distributions.filter((d) => d.site === site));
      const stat = (figure: (d: (typeof values)[number]) => number, digits: number): string => numStats(seedStats(values.map(figure)), digits);
      out.push({
        model,
        site,
        kurtosis: stat((d) => d.kurtosis, 2),
        p50: stat((d) => d.absP50, 3),
        p90: stat((d) => d.absP90, 3),
        p99: stat((d) => d.absP99, 3),
        p999: stat((d) => d.absP999, 3),
        max: stat((d) => d.absMax, 3),
        zeros: stat((d) => 100 * d.zeros, 1),
      });
    }
  }
  return {
    title: 'Pre-threshold activation per site: kurtosis and quantiles of |a|, mean ± sd over seeds',
    columns: [
      'model',
      'site',
      { key: 'kurtosis', header: 'kurtosis (normal: 3)' },
      { key: 'p50', header: '|a| 50 %' },
      { key: 'p90', header: '|a| 90 %' },
      { key: 'p99', header: '|a| 99 %' },
      { key: 'p999', header: '|a| 99.9 %' },
      { key: 'max', header: 'max |a|' },
      { key: 'zeros', header: 'exact zeros (%)' },
    ],
    rows: out,
  };
}

function methodTable(rows: readonly ActivationRow[], model: string): Table {
  const sparsify = rowsOf(rows, 'sparsify').filter((row) => row.model === model);
  const out: Record<string, string>[] = [];
  for (const method of distinct(sparsify.map((row) => row.method))) {
    for (const label of distinct(sparsify.filter((row) => row.method === method).map((row) => row.levelLabel))) {
      const level = levelRows(rows, model, method, label);
      const worst = Math.max(0, ...level.flatMap((row) => row.testSparsity.map((site) => Math.abs(site.sparsity - row.target))));
      out.push({
        method,
        level: label,
        accuracy: pctStats(statsOf(level, (row) => row.accuracy)),
        drop: pctStats(statsOf(level, (row) => row.drop)),
        sparsity: pctStats(statsOf(level, meanSparsity)),
        worst: pct(worst),
        calibration: pctStats(statsOf(level, (row) => (row.calibrationSparsity.length === 0 ? 0 : row.calibrationSparsity.reduce((a, b) => a + b.sparsity, 0) / row.calibrationSparsity.length))),
        error: numStats(statsOf(level, meanBlockError), 3),
        flops: pctStats(statsOf(level, (row) => row.skippableFraction)),
      });
    }
  }
  return {
    title: `${model}: each sparsifier at each level, no fine-tuning (mean ± sd (seeds))`,
    columns: [
      'method',
      'level',
      { key: 'accuracy', header: 'test acc. (%)' },
      { key: 'drop', header: 'drop vs dense (pt)' },
      { key: 'sparsity', header: 'realized sparsity, test, mean of sites (%)' },
      { key: 'worst', header: 'worst |realized − target| over sites and seeds (pt)' },
      { key: 'calibration', header: 'realized, calibration images (%)' },
      { key: 'error', header: 'mean block rel. error' },
      { key: 'flops', header: 'skippable FLOPs (%)' },
    ],
    rows: out,
  };
}

function accuracyPlot(rows: readonly ActivationRow[], model: string): ReportSection['blocks'][number] {
  const sparsify = rowsOf(rows, 'sparsify').filter((row) => row.model === model);
  const series: PlotSeries[] = distinct(sparsify.map((row) => row.method)).map((method) => ({
    name: method,
    points: distinct(sparsify.filter((row) => row.method === method).map((row) => row.levelLabel)).map((label) => {
      const level = levelRows(rows, model, method, label);
      const accuracy = statsOf(level, (row) => 100 * row.accuracy);
      return { x: statsOf(level, (row) => 100 * meanSparsity(row)).mean, y: accuracy.mean, yMin: accuracy.min, yMax: accuracy.max };
    }),
  }));
  return { kind: 'plot', title: `${model} accuracy vs activation sparsity`, plot: { series, xLabel: 'realized activation sparsity on test data (%)', yLabel: 'test accuracy (%), mean; bars: min-max over seeds' } };
}

function modelConfig(provenance: ResultsProvenance, model: string): string {
  const models = (provenance.config as { models?: readonly { id?: string; model?: unknown; epochs?: number; learningRate?: number }[] }).models ?? [];
  const entry = models.find((item) => (item.id ?? (typeof item.model === 'string' ? item.model : (item.model as { name?: string } | undefined)?.name)) === model);
  return entry === undefined ? '' : ` Config: model ${JSON.stringify(entry.model)}, ${entry.epochs ?? '?'} epochs of dense training (Adam, cosine learning rate from ${entry.learningRate ?? '?'} to 5 % of it).`;
}

function modelSection(rows: readonly ActivationRow[], provenance: ResultsProvenance, model: string): ReportSection {
  const train = trainRows(rows, model);
  const first = train[0] as RowOf<'train'>;
  const blocks: ReportSection['blocks'][number][] = [
    {
      kind: 'text',
      text: `${model} (${first.architecture}): ${(first.flopsPerExample / 1e6).toFixed(2)} MFLOP per example, sites ${first.sites.map((site) => `${site.name} (width ${site.width})`).join(', ')}.${modelConfig(provenance, model)} Dense test accuracy ${pctStats(statsOf(train, (row) => row.denseAccuracy))} %; exact zeros of the dense activation per site ${first.naturalSparsity.map((site) => `${site.site} ${pctStats(seedStats(train.map((row) => row.naturalSparsity.find((s) => s.site === site.site)?.sparsity ?? 0)))} %`).join(', ')}.`,
    },
  ];
  if (rowsOf(rows, 'sparsify').some((row) => row.model === model)) {
    blocks.push({ kind: 'table', table: methodTable(rows, model) }, accuracyPlot(rows, model));
  }
  const swap = rowsOf(rows, 'relu-swap').filter((row) => row.model === model);
  if (swap.length > 0) {
    blocks.push({
      kind: 'table',
      table: {
        title: `${model}: naive ReLU swap (the trained weights with ReLU in place of SiLU in the gates, no fine-tuning)`,
        columns: [{ key: 'accuracy', header: 'test acc. (%)' }, { key: 'sparsity', header: 'realized sparsity, mean of sites (%)' }, { key: 'flops', header: 'skippable FLOPs (%)' }],
        rows: [{ accuracy: pctStats(statsOf(swap, (row) => row.accuracy)), sparsity: pctStats(statsOf(swap, (row) => row.sparsity.reduce((a, b) => a + b, 0) / Math.max(1, row.sparsity.length))), flops: pctStats(statsOf(swap, (row) => row.skippableFraction)) }],
      },
    });
  }
  const tuned = rowsOf(rows, 'fine-tune').filter((row) => row.model === model);
  if (tuned.length > 0) {
    const keys = distinct(tuned.map((row) => `${row.levelLabel}|${row.learningRate}`));
    blocks.push({
      kind: 'table',
      table: {
        title: `${model}: fine-tuning from the dense model with the thresholds in place (${tuned[0]?.method ?? ''}, ${tuned[0]?.epochs ?? 0} epoch(s), Adam at a constant learning rate; zeroed activations pass no gradient)`,
        columns: ['level', { key: 'lr', header: 'learning rate' }, { key: 'before', header: 'acc. before (%)' }, { key: 'after', header: 'acc. after (%)' }, { key: 'gain', header: 'after − before (pt)' }, { key: 'sparsity', header: 'realized sparsity after (%)' }],
        rows: keys.map((key) => {
          const group = tuned.filter((row) => `${row.levelLabel}|${row.learningRate}` === key);
          return {
            level: group[0]?.levelLabel ?? '',
            lr: String(group[0]?.learningRate ?? ''),
            before: pctStats(statsOf(group, (row) => row.before)),
            after: pctStats(statsOf(group, (row) => row.after)),
            gain: pctStats(statsOf(group, (row) => row.after - row.before)),
            sparsity: pctStats(statsOf(group, (row) => row.sparsity.reduce((a, b) => a + b.sparsity, 0) / Math.max(1, row.sparsity.length))),
          };
        }),
      },
    });
  }
  return { heading: `Model ${model}`, blocks };
}

function lazySection(rows: readonly ActivationRow[]): ReportSection | undefined {
  const tracked = distinct(
    rowsOf(rows, 'train')
      .filter((row) => row.history.some((record) => record.testNonzero !== undefined))
      .map((row) => row.model),
  );
  if (tracked.length === 0) return undefined;
  const epochs = distinct(tracked.flatMap((model) => trainRows(rows, model).flatMap((row) => row.history.map((record) => record.epoch)))).sort((a, b) => a - b);
  const at = (model: string, epoch: number, figure: 'testNonzero' | 'accuracy') => seedStats(trainRows(rows, model).flatMap((row) => row.history.filter((record) => record.epoch === epoch).map((record) => record[figure] ?? 0)));
  const series: PlotSeries[] = tracked.map((model) => ({ name: model, points: epochs.map((epoch) => ({ x: epoch, y: 100 * at(model, epoch, 'testNonzero').mean, yMin: 100 * at(model, epoch, 'testNonzero').min, yMax: 100 * at(model, epoch, 'testNonzero').max })) }));
  return {
    heading: 'Lazy neurons: nonzero ReLU activations during training',
    blocks: [
      { kind: 'text', text: 'The percentage of nonzero entries of the post-ReLU hidden activation on the test images, at initialisation (epoch 0) and after every epoch of dense training, mean ± sd over seeds; the raw rows also hold the same count on training images (trainNonzero).' },
      {
        kind: 'table',
        table: {
          columns: ['epoch', ...tracked.flatMap((model) => [{ key: `${model}-nz`, header: `${model}: nonzero, test (%)` }, { key: `${model}-acc`, header: `${model}: test acc. (%)` }])],
          rows: epochs.map((epoch) => Object.fromEntries([['epoch', String(epoch)], ...tracked.flatMap((model) => [[`${model}-nz`, pctStats(at(model, epoch, 'testNonzero'))], [`${model}-acc`, pctStats(at(model, epoch, 'accuracy'))]])])),
        },
      },
      { kind: 'plot', title: 'Nonzero hidden activations per epoch', plot: { series, xLabel: 'epoch', yLabel: 'nonzero activations, test (%), mean; bars: min-max' } },
    ],
  };
}

function timingSection(rows: readonly ActivationRow[]): ReportSection {
  const timing = rowsOf(rows, 'timing');
  if (timing.length === 0) {
    return { heading: 'Wall-clock time', blocks: [{ kind: 'text', text: 'This data set has no timing rows: the speed figures above are operation counts (skippable FLOPs), not measured time.' }] };
  }
  const out: Record<string, string>[] = [];
  for (const model of distinct(timing.map((row) => row.model))) {
    const mine = timing.filter((row) => row.model === model);
    out.push({ model, variant: 'dense', ms: numStats(statsOf(mine, (row) => row.denseMs), 1), ratio: '1', load: mine.map((row) => `${row.seed}: ${row.loadAverage.map((v) => v.toFixed(2)).join(' / ')}`).join('; ') });
    for (const label of distinct(mine.flatMap((row) => row.levels.map((level) => level.levelLabel)))) {
      const ms = (row: RowOf<'timing'>): number => row.levels.find((level) => level.levelLabel === label)?.ms ?? Number.NaN;
      out.push({ model, variant: `${mine[0]?.method ?? ''} ${label}`, ms: numStats(statsOf(mine, ms), 1), ratio: numStats(statsOf(mine, (row) => ms(row) / row.denseMs), 3) });
    }
  }
  const first = timing[0] as RowOf<'timing'>;
  return {
    heading: 'Wall-clock time',
    blocks: [
      {
        kind: 'text',
        text: `Forward time of the trained model over the same ${first.examples} test images (batches of up to 500, accuracy read back), dense and with the thresholds, in the same process: ${first.repeats} rounds, each timing every variant once in turn after one untimed warm-up pass each; the median per seed, then mean ± sd over seeds. The thresholded model runs the same dense tf.js kernels plus the thresholding, so zeroed activations are still multiplied; the machine and its load are under Provenance.`,
      },
      { kind: 'table', table: { columns: ['model', 'variant', { key: 'ms', header: 'median forward time (ms)' }, { key: 'ratio', header: 'time / dense time' }, { key: 'load', header: 'load average at the start, per seed (1 / 5 / 15 min)' }], rows: out } },
    ],
  };
}

const DEFINITIONS = [
  'Zeroing rule: an activation a is set to 0 when |a| <= t. CATS: one threshold per site, the exact quantile of |a| over the calibration images at the target (CATS histogram: the CATS code\'s 999-bin histogram quantile; CATS per channel: one exact quantile per channel). CHESS: channel thresholds t_i = tau / mean|up_i| with tau the quantile of |g_i| mean|up_i| (CHESS mean of batches: tau the mean of per-batch quantiles). CHESS+: CHESS on the MLP gates plus one CATS-style threshold on each attention input (the query and output projections\' inputs). top-k: the k largest post-ReLU activations of each example kept.',
  'Realized sparsity: the fraction of exactly-zero entries of the thresholded activation, per site, on the test images (and on the calibration images). Block relative error: sqrt(sum ||y_sparse - y_dense||^2 / sum ||y_dense||^2) of a block\'s output over the test images, both computed from the sparse model\'s block input; the tables average it over the blocks a method sparsifies. Skippable FLOPs: the multiply-adds that read a zeroed activation, as a fraction of the dense forward FLOPs of the whole model: an operation count, not a time (measured times are in the last section).',
].join(' ');

/**
 * The activation results page (docs/results/activation.md) from committed raw rows: the claims and
 * their verdicts ({@link activationClaims}), provenance, exactly which images each seed used, the
 * activation distributions, one section per model (sparsifiers at each level, ReLU swap,
 * fine-tuning), lazy neurons and wall-clock time, each figure as mean ± sd over seeds. Deterministic.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { renderActivationPage, type ActivationRow } from '@sparse/activation';
 *
 * const data = await readResultsData<ActivationRow>('docs/results/data/activation', 'activation-full');
 * const page = renderActivationPage(data, { dataFolder: 'data/activation', regenerate: 'pnpm results:activation render' });
 * console.log(page.markdown.split('\n')[0]);
 * ```
 */
export function renderActivationPage(data: ActivationPageData, options: { readonly dataFolder: string; readonly regenerate: string }): ActivationPage {
  const { rows, provenance } = data;
  const claims = activationClaims(rows);
  const models = distinct(rowsOf(rows, 'train').map((row) => row.model));
  const sections: ReportSection[] = [
    { heading: 'Definitions', blocks: [{ kind: 'text', text: DEFINITIONS }] },
    { heading: 'Activation distributions', blocks: [{ kind: 'text', text: 'The activation each sparsifier thresholds (SiLU(gate) of a gated MLP, the attention inputs and MLP gates of the ViT, the post-ReLU hidden layer of a ReLU MLP), before any threshold, of the trained dense model on the calibration images. Kurtosis is Pearson\'s (3 for a normal distribution; above 3: heavier tails); |a| quantiles come from a seeded sample of at most 2^20 entries per site.' }, { kind: 'table', table: distributionTable(rows) }] },
    ...models.map((model) => modelSection(rows, provenance, model)),
  ];
  const lazy = lazySection(rows);
  if (lazy !== undefined) sections.push(lazy);
  sections.push(timingSection(rows));
  const rendered = renderMarkdownReport({ title: 'Activation sparsity: CATS, CHESS, CHESS+ and top-k on Fashion-MNIST', sections }, 'activation');
  const [head, ...rest] = rendered.markdown.split('\n## ');
  const shown = claims.filter((claim) => claim.verdict.startsWith('shown')).length;
  const engines = distinct(rows.map((row) => row.engine));
  const markdown = [
    head?.trimEnd(),
    '',
    `Generated by \`${options.regenerate}\` from the committed raw results below: every number and every verdict on this page is computed from them. Comparisons: a difference counts as shown only when the gap of the means exceeds both sides' sample standard deviations over seeds and every seed of the better side reaches the other side's mean (\`compareSeeds\` of @sparse/experiments); otherwise it is within seed noise. "Within" claims: every seed within ${pct(ACTIVATION_CLAIM_BOUNDS.accuracyDrop)} pt of its dense model (accuracy) or every site of every seed within ${pct(ACTIVATION_CLAIM_BOUNDS.sparsity)} pt of the target (sparsity). Tables give mean ± sd (number of seeds).`,
    '',
    `## Claims at a glance (${shown} of ${claims.length} shown)`,
    '',
    claimsTable(claims),
    '',
    '## Provenance',
    '',
    provenanceMarkdown(provenance, { dataLink: `${options.dataFolder}/${provenance.name}`, units: rows.length, engines: engines.map((engine) => `${engine} (core's train loop: tf.js gradients and Adam on the backend)`) }),
    '',
    '## Images',
    '',
    imagesText(rows, provenance),
    '',
    ...rest.map((part) => `## ${part}`),
  ].join('\n');
  return { markdown: markdown.endsWith('\n') ? markdown : `${markdown}\n`, files: rendered.files, claims };
}
