import { type Report, type ReportBlock, type Table } from '@sparse/experiments';
import type { SparseTrainingExperimentConfig } from './config.js';
import { seedStats } from '@sparse/experiments';
import type { SparseTrainingUnitResult } from './unit-result.js';

/**
 * One row of the summary: a method at one target sparsity, over its seeds (accuracies as fractions).
 *
 * @example
 * ```ts
 * import type { SummaryRow } from '@sparse/sparse-training';
 *
 * declare const row: SummaryRow;
 * console.log(`${row.method}: ${(100 * row.testMean).toFixed(2)} ± ${(100 * row.testSd).toFixed(2)} over ${row.seeds} seeds`);
 * ```
 */
export interface SummaryRow {
  readonly method: string;
  readonly targetSparsity: number | null;
  readonly engine: string;
  readonly seeds: number;
  readonly sparsity: number;
  readonly testMean: number;
  readonly testSd: number;
  readonly testMin: number;
  readonly testMax: number;
  readonly validationMean: number;
}

/**
 * Groups unit results by (method, target sparsity), in the order they first appear, with the
 * test accuracy's mean, sample standard deviation and range over seeds.
 *
 * @example
 * ```ts
 * import { summarizeUnits, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * for (const row of summarizeUnits(rows)) console.log(row.method, row.targetSparsity, row.testMean, row.testSd);
 * ```
 */
export function summarizeUnits(results: readonly SparseTrainingUnitResult[]): SummaryRow[] {
  const groups = new Map<string, SparseTrainingUnitResult[]>();
  for (const row of results) {
    const key = `${row.method}\u0000${row.targetSparsity ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((rows) => {
    const first = rows[0] as SparseTrainingUnitResult;
    const test = seedStats(rows.map((row) => row.testAccuracy));
    return {
      method: first.method,
      targetSparsity: first.targetSparsity,
      engine: [...new Set(rows.map((row) => row.engine))].join(', '),
      seeds: rows.length,
      sparsity: seedStats(rows.map((row) => row.sparsity)).mean,
      testMean: test.mean,
      testSd: test.sd,
      testMin: test.min,
      testMax: test.max,
      validationMean: seedStats(rows.map((row) => row.validationAccuracy)).mean,
    };
  });
}

const percent = (value: unknown): string => (typeof value === 'number' ? (100 * value).toFixed(2) : '');
const points = (value: unknown): string => (typeof value === 'number' ? (100 * value).toFixed(2) : '');

/**
 * The summary table: method, target and measured sparsity, test accuracy (mean ± sd over seeds,
 * and the range), validation accuracy, seeds, engine.
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 * import { summaryTable, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * console.log(formatTable(summaryTable(rows)));
 * ```
 */
export function summaryTable(results: readonly SparseTrainingUnitResult[]): Table {
  return {
    columns: [
      { key: 'method', header: 'method' },
      { key: 'target', header: 'target sparsity %', format: percent },
      { key: 'sparsity', header: 'measured sparsity %', format: percent },
      { key: 'test', header: 'test accuracy % (mean ± sd)' },
      { key: 'range', header: 'range %' },
      { key: 'validation', header: 'validation %', format: percent },
      { key: 'seeds', header: 'seeds' },
      { key: 'engine', header: 'engine' },
    ],
    rows: summarizeUnits(results).map((row) => ({
      method: row.method,
      target: row.targetSparsity ?? undefined,
      sparsity: row.sparsity,
      test: `${points(row.testMean)} ± ${points(row.testSd)}`,
      range: `${points(row.testMin)}–${points(row.testMax)}`,
      validation: row.validationMean,
      seeds: row.seeds,
      engine: row.engine,
    })),
  };
}

/**
 * The run's report: the summary table, test accuracy against sparsity per method (mean, range
 * over seeds as a band), and the per-layer densities of the first seed.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from '@sparse/experiments';
 * import { buildSparseTrainingReport, type SparseTrainingExperimentConfig, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const config: SparseTrainingExperimentConfig;
 * declare const results: SparseTrainingUnitResult[];
 * const html = renderHtmlReport(buildSparseTrainingReport({ config, runName: 'run', results, counts: { train: 55000, test: 10000 } }));
 * ```
 */
export function buildSparseTrainingReport(input: {
  readonly config: SparseTrainingExperimentConfig;
  readonly runName: string;
  readonly configFile?: string;
  readonly results: readonly SparseTrainingUnitResult[];
  readonly counts: { readonly train: number; readonly test: number };
}): Report {
  const { config, results } = input;
  const summary = summarizeUnits(results);
  const swept = summary.filter((row) => row.targetSparsity !== null);
  const methods = [...new Set(swept.map((row) => row.method))];
  const blocks: ReportBlock[] = [{ kind: 'table', table: summaryTable(results) }];
  if (config.sparsities.length > 1 && methods.length > 0) {
    blocks.push({
      kind: 'plot',
      title: 'Test accuracy against sparsity',
      caption: 'Mean over seeds; the band spans the lowest and highest seed.',
      plot: {
        xLabel: 'sparsity of the kernels (%)',
        yLabel: 'test accuracy (%)',
        series: methods.map((method) => ({
          name: method,
          points: swept.filter((row) => row.method === method).map((row) => ({ x: 100 * (row.targetSparsity as number), y: 100 * row.testMean, yMin: 100 * row.testMin, yMax: 100 * row.testMax })),
        })),
      },
    });
  }
  const firstSeed = config.seeds[0];
  const layerNames = [...new Set(results.flatMap((row) => Object.keys(row.layerDensities)))];
  const densityTable: Table = {
    title: `Per-layer density (%), seed ${String(firstSeed)}`,
    columns: ['method', 'target', ...layerNames],
    rows: results
      .filter((row) => row.seed === firstSeed)
      .map((row) => ({ method: row.method, target: row.targetSparsity === null ? '' : percent(row.targetSparsity), ...Object.fromEntries(layerNames.map((name) => [name, percent(row.layerDensities[name])])) })),
  };
  return {
    title: `Sparse training: ${config.name}`,
    subtitle:
      `${input.runName}${input.configFile === undefined ? '' : ` (${input.configFile})`}: MLP [${config.model.layerSizes.join(', ')}], ${input.counts.train} training and ${input.counts.test} test images, ` +
      `${config.epochs} epochs at batch ${config.batchSize}, Adam ${config.learningRate}, seeds ${config.seeds.join(', ')}, backend ${config.backend}.`,
    sections: [
      { heading: 'Results', blocks },
      { heading: 'Layer densities', blocks: [{ kind: 'table', table: densityTable }] },
    ],
  };
}
