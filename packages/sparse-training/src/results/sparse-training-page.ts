import { renderMarkdownReport, renderMarkdownTable, type PlotSeries, type Report, type ReportBlock, type Table } from '@sparse/experiments';
import { seedStats } from '@sparse/experiments';
import type { SparseTrainingUnitResult } from '../experiment/unit-result.js';
import { evaluateClaim, type ClaimResult, type ClaimSpec } from './claims.js';
import { methodGrid } from './method-grid.js';
import { insertAfterTitle, provenanceMarkdown as provenanceLines, type ResultsProvenance } from '@sparse/experiments';

/**
 * One committed data set of the page: its rows and where they came from.
 *
 * @example
 * ```ts
 * import { readResultsData, type PageData, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * const data: PageData = await readResultsData<SparseTrainingUnitResult>('docs/results/data/sparse-training', 'dst-full');
 * ```
 */
export interface PageData {
  readonly rows: readonly SparseTrainingUnitResult[];
  readonly provenance: ResultsProvenance;
}

const DST_SOURCE = 'Evci et al. 2020 (RigL), arXiv 1911.11134';
const RANDOM_SOURCE = 'Liu et al. 2022, "The Unreasonable Effectiveness of Random Pruning" (ICLR 2022)';

/**
 * The claims of the dynamic-sparse-training section, at the sparsities the data have.
 *
 * @example
 * ```ts
 * import { dstClaims } from '@sparse/sparse-training';
 *
 * console.log(dstClaims([0.9, 0.95]).map((claim) => claim.claim));
 * ```
 */
export function dstClaims(sparsities: readonly number[]): ClaimSpec[] {
  const at = (s: number): string => `${(100 * s).toFixed(0)} %`;
  const claims: ClaimSpec[] = [];
  if (sparsities.includes(0.9)) {
    claims.push(
      { claim: 'RigL ≥ SET at 90 %', source: DST_SOURCE, a: { method: 'rigl (erk)', targetSparsity: 0.9 }, b: { method: 'set (erk)', targetSparsity: 0.9 }, relation: 'at-least' },
      { claim: 'SET ≥ static random (ERK) at 90 %', source: DST_SOURCE, a: { method: 'set (erk)', targetSparsity: 0.9 }, b: { method: 'static (erk)', targetSparsity: 0.9 }, relation: 'at-least' },
      { claim: 'RigL ≥ static random (same ERK densities) at 90 %', source: 'spec §F.4; ' + DST_SOURCE, a: { method: 'rigl (erk)', targetSparsity: 0.9 }, b: { method: 'static (erk)', targetSparsity: 0.9 }, relation: 'at-least' },
    );
  }
  for (const s of sparsities) {
    claims.push({ claim: `ERK ≥ uniform (static random) at ${at(s)}`, source: `${DST_SOURCE}; ${RANDOM_SOURCE}`, a: { method: 'static (erk)', targetSparsity: s }, b: { method: 'static (uniform)', targetSparsity: s }, relation: 'at-least' });
  }
  return claims;
}

/**
 * The claims of the random-search section: random search matches the IMP ticket at each sparsity.
 *
 * @example
 * ```ts
 * import { searchClaims, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * console.log(searchClaims(rows).length);
 * ```
 */
export function searchClaims(rows: readonly SparseTrainingUnitResult[]): ClaimSpec[] {
  const search = rows.find((row) => row.name === 'random-search')?.method;
  const imp = rows.find((row) => row.name === 'imp')?.method;
  if (search === undefined || imp === undefined) return [];
  const sparsities = [...new Set(rows.map((row) => row.targetSparsity).filter((s): s is number => s !== null))].sort((a, b) => a - b);
  return sparsities.map((s) => ({
    claim: `Random search matches the IMP ticket at ${(100 * s).toFixed(0)} %`,
    source: '"Random Search as a Baseline for Sparse Neural Network Architecture Search"',
    a: { method: search, targetSparsity: s },
    b: { method: imp, targetSparsity: s },
    relation: 'matches' as const,
  }));
}

/**
 * The claims of the N:M section, for the methods the data have.
 *
 * @example
 * ```ts
 * import { nmClaims, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * console.log(nmClaims(rows).map((claim) => claim.claim));
 * ```
 */
export function nmClaims(rows: readonly SparseTrainingUnitResult[]): ClaimSpec[] {
  const has = (label: string): boolean => rows.some((row) => row.method === label);
  const claims: ClaimSpec[] = [];
  if (has('nm-retrain 2:4') && has('dense')) {
    claims.push({ claim: '2:4 after retraining within ~0.5 pt of dense', source: 'Mishra et al. 2021, arXiv 2104.08378', a: { method: 'nm-retrain 2:4', targetSparsity: null }, b: { method: 'dense', targetSparsity: null }, relation: 'within', tolerance: 0.005 });
  }
  for (const pattern of ['1:8', '1:16']) {
    const mdgf = rows.find((row) => row.name === 'mdgf' && row.method.startsWith(`mdgf ${pattern}`))?.method;
    const ste = `ste ${pattern}`;
    if (mdgf !== undefined && has(ste)) {
      claims.push({ claim: `MDGF ≥ hard-mask STE at ${pattern}`, source: 'Bambhaniya et al. 2024, arXiv 2402.04744', a: { method: mdgf, targetSparsity: null }, b: { method: ste, targetSparsity: null }, relation: 'at-least' });
    }
    for (const other of ['sdgf', 'sr-ste']) {
      const label = `${other} ${pattern}`;
      if (has(label) && has(ste)) {
        claims.push({ claim: `${other.toUpperCase()} ≥ hard-mask STE at ${pattern}`, source: other === 'sdgf' ? 'Bambhaniya et al. 2024, arXiv 2402.04744' : 'Zhou et al. 2021 (SR-STE), arXiv 2102.04010', a: { method: label, targetSparsity: null }, b: { method: ste, targetSparsity: null }, relation: 'at-least' });
      }
    }
  }
  return claims;
}

/**
 * The table of tested claims: claim, source, evidence, verdict.
 *
 * @example
 * ```ts
 * import { renderMarkdownTable } from '@sparse/experiments';
 * import { claimsTable, type ClaimResult } from '@sparse/sparse-training';
 *
 * declare const results: ClaimResult[];
 * console.log(renderMarkdownTable(claimsTable(results)));
 * ```
 */
export function claimsTable(results: readonly ClaimResult[]): Table {
  return {
    columns: [
      { key: 'claim', header: 'claim' },
      { key: 'source', header: 'source' },
      { key: 'evidence', header: 'our result (test accuracy %, mean ± sd over seeds)' },
      { key: 'verdict', header: 'verdict' },
    ],
    rows: results.map((result) => ({ ...result })),
  };
}

function accuracyPlot(rows: readonly SparseTrainingUnitResult[], title: string): ReportBlock | undefined {
  const swept = rows.filter((row) => row.targetSparsity !== null);
  const sparsities = [...new Set(swept.map((row) => row.targetSparsity as number))].sort((a, b) => a - b);
  if (sparsities.length < 2) return undefined;
  const series: PlotSeries[] = [...new Set(swept.map((row) => row.method))].map((method) => ({
    name: method,
    points: sparsities.flatMap((s) => {
      const values = swept.filter((row) => row.method === method && row.targetSparsity === s).map((row) => 100 * row.testAccuracy);
      if (values.length === 0) return [];
      const stats = seedStats(values);
      return [{ x: 100 * s, y: stats.mean, yMin: stats.min, yMax: stats.max }];
    }),
  }));
  const dense = rows.filter((row) => row.name === 'dense').map((row) => 100 * row.testAccuracy);
  if (dense.length > 0) {
    const stats = seedStats(dense);
    series.push({ name: 'dense', dashed: true, marker: 'none', points: [100 * (sparsities[0] as number), 100 * (sparsities[sparsities.length - 1] as number)].map((x) => ({ x, y: stats.mean, yMin: stats.min, yMax: stats.max })) });
  }
  return { kind: 'plot', title, caption: 'Mean test accuracy over seeds; the band spans the lowest and highest seed.', plot: { xLabel: 'sparsity of the kernels (%)', yLabel: 'test accuracy (%)', series, spread: 'bars', xTicks: sparsities.map((s) => 100 * s) } };
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);

/**
 * The setup of one data set's run, from its stored config and the counts recorded at import: the
 * model, data, budget, engine and the methods exactly as configured (options not given take the
 * defaults of each method's schema, in schemas/sparse-training.schema.json).
 *
 * @example
 * ```ts
 * import { setupText, type PageData } from '@sparse/sparse-training';
 *
 * declare const data: PageData;
 * console.log(setupText(data));
 * ```
 */
export function setupText(data: PageData): string {
  const config = data.provenance.config as {
    model?: { layerSizes?: number[] };
    epochs?: number;
    batchSize?: number;
    learningRate?: number;
    validationSize?: number;
    engine?: unknown;
    methods?: unknown[];
    sparsities?: number[];
  };
  const counts = data.provenance.counts;
  const methods = (config.methods ?? []).map((ref) => JSON.stringify(ref)).join(', ');
  return (
    `MLP [${(config.model?.layerSizes ?? []).join(', ')}] on Fashion-MNIST` +
    (counts === undefined ? '' : `, ${counts.train} training images per seed (${String(config.validationSize)} held out for validation), ${counts.test} test images`) +
    `; ${String(config.epochs)} epochs at batch ${String(config.batchSize)}, Adam ${String(config.learningRate)}, engine ${JSON.stringify(config.engine ?? 'default')}; ` +
    `every method of a seed starts from the same θ0. Methods as configured: ${methods}` +
    (config.sparsities === undefined ? '.' : `; sparsities ${config.sparsities.map((s) => `${fixed(100 * s, 0)} %`).join(', ')} for the methods that take one.`)
  );
}

/**
 * The provenance block of one data set, as markdown (links relative to docs/results).
 *
 * @example
 * ```ts
 * import { provenanceMarkdown, type PageData } from '@sparse/sparse-training';
 *
 * declare const data: PageData;
 * console.log(provenanceMarkdown(data, 'data/sparse-training/dst-full'));
 * ```
 */
export function provenanceMarkdown(data: PageData, dataLink: string): string {
  return provenanceLines(data.provenance, { dataLink, units: data.rows.length, engines: [...new Set(data.rows.map((row) => row.engine))] });
}

/**
 * The sparse-training results page (docs/results/sparse-training.md) from committed data sets:
 * dynamic and static sparse training (`dst`), random search against IMP tickets (`search`) and
 * N:M with gradient flow (`nm`), each optional. Every verdict is computed from the rows by
 * {@link evaluateClaim}; the page says which claims held and which did not.
 *
 * @example
 * ```ts
 * import { readResultsData, renderSparseTrainingPage, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * const dst = await readResultsData<SparseTrainingUnitResult>('docs/results/data/sparse-training', 'dst-full');
 * const page = renderSparseTrainingPage({ dst }, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training' });
 * console.log(page.markdown.length, page.files.length);
 * ```
 */
export function renderSparseTrainingPage(
  data: { readonly dst?: PageData; readonly search?: PageData; readonly nm?: PageData },
  options: { readonly dataFolder: string; readonly regenerate: string },
): { readonly markdown: string; readonly files: readonly { readonly name: string; readonly content: string }[]; readonly claims: readonly ClaimResult[] } {
  const sections: Report['sections'][number][] = [];
  const allClaims: ClaimResult[] = [];
  const section = (heading: string, rows: readonly SparseTrainingUnitResult[], claims: readonly ClaimSpec[], intro: string, plotTitle?: string): void => {
    const results = claims.map((claim) => evaluateClaim(rows, claim));
    allClaims.push(...results);
    const blocks: ReportBlock[] = [{ kind: 'text', text: intro }, { kind: 'table', table: { title: 'Test accuracy (%), mean ± sd (seeds)', ...methodGrid(rows) } }];
    const plot = plotTitle === undefined ? undefined : accuracyPlot(rows, plotTitle);
    if (plot !== undefined) blocks.push(plot);
    if (results.length > 0) blocks.push({ kind: 'table', table: { title: 'Claims', ...claimsTable(results) } });
    sections.push({ heading, blocks });
  };
  if (data.dst !== undefined) {
    const sparsities = [...new Set(data.dst.rows.map((row) => row.targetSparsity).filter((s): s is number => s !== null))].sort((a, b) => a - b);
    section(
      'Dynamic and static sparse training',
      [...data.dst.rows, ...(data.search?.rows.filter((row) => row.name === 'imp') ?? [])],
      dstClaims(sparsities),
      `${setupText(data.dst)}${data.search === undefined ? '' : ' The IMP rows come from the random-search run below (same data, θ0 and budget per round).'}`,
      'Test accuracy against sparsity',
    );
  }
  if (data.search !== undefined) {
    section(
      'Random search against IMP tickets',
      data.search.rows,
      searchClaims(data.search.rows),
      `${setupText(data.search)} random-search: the candidates' random masks are each trained for the short search budget, and the best on the validation split is trained for the full budget from θ0; imp: iterative magnitude pruning rewound to θ0, each round the full budget, the per-round rate chosen so the last round lands on the target.`,
      'Random search and IMP: test accuracy against sparsity',
    );
  }
  if (data.nm !== undefined) {
    section(
      'N:M sparsity with gradient flow',
      data.nm.rows,
      nmClaims(data.nm.rows),
      `${setupText(data.nm)} N:M keeps N weights in every group of M consecutive inputs of each output unit; the final model of every N:M method is evaluated with hard N:M masks (the measured sparsity is in the raw results).`,
    );
  }
  const report: Report = { title: 'Sparse training: results', sections };
  const rendered = renderMarkdownReport(report, 'sparse-training');
  const summary = renderMarkdownTable(claimsTable(allClaims));
  const shown = allClaims.filter((claim) => claim.verdict.startsWith('shown')).length;
  const provenance = (['dst', 'search', 'nm'] as const)
    .flatMap((key) => {
      const item = data[key];
      return item === undefined ? [] : [provenanceMarkdown(item, `${options.dataFolder}/${item.provenance.name}`)];
    })
    .join('\n');
  const markdown = insertAfterTitle(rendered.markdown, [
    `Generated by \`${options.regenerate}\` from the committed raw results below: every number on this page is computed from them. A claim is **shown** when the gap of the means exceeds both methods' sample standard deviations over seeds and every seed of the better method reaches the other's mean; otherwise the data are **consistent** with it (within seed noise) or it is **not shown**.`,
    `## Claims at a glance (${shown} of ${allClaims.length} shown)`,
    summary,
    '## Provenance',
    provenance,
  ]);
  return { markdown, files: rendered.files, claims: allClaims };
}
