import type { LinePlotOptions } from './line-plot.js';
import type { Table } from './table.js';

/**
 * One block of a {@link Report}: a paragraph of plain text, a plot or a table.
 *
 * @example
 * ```ts
 * import type { ReportBlock } from '@sparse/experiments';
 *
 * const blocks: ReportBlock[] = [
 *   { kind: 'text', text: 'Accuracy over 5 seeds; bands show min to max.' },
 *   { kind: 'plot', title: 'Accuracy', plot: { series: [], xLabel: 'weights remaining (%)' } },
 *   { kind: 'table', table: { columns: ['level'], rows: [{ level: 0 }] } },
 * ];
 * ```
 */
export type ReportBlock =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'plot'; readonly title: string; readonly plot: LinePlotOptions; readonly caption?: string }
  | { readonly kind: 'table'; readonly table: Table };

/**
 * A titled section of a report.
 *
 * @example
 * ```ts
 * import type { ReportSection } from '@sparse/experiments';
 *
 * const section: ReportSection = { heading: 'Config', blocks: [{ kind: 'text', text: 'As run.' }] };
 * ```
 */
export interface ReportSection {
  readonly heading: string;
  readonly blocks: readonly ReportBlock[];
}

/**
 * A report, independent of its output format: render it with {@link renderHtmlReport} or
 * {@link renderMarkdownReport}. All text is plain text; renderers escape it.
 *
 * @example
 * ```ts
 * import type { Report } from '@sparse/experiments';
 *
 * const report: Report = { title: 'lenet-lth', subtitle: 'run lenet-lth-0123456789ab', sections: [] };
 * ```
 */
export interface Report {
  readonly title: string;
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
}
