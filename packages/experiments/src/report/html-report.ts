import { escapeXml } from './format.js';
import { linePlot } from './line-plot.js';
import type { Report, ReportBlock } from './report.js';
import { resolveColumns, type Table } from './table.js';

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; background: #ffffff; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
.subtitle { color: #59636e; margin: 0 0 24px; }
h2 { font-size: 20px; border-bottom: 1px solid #d1d9e0; padding-bottom: 4px; margin-top: 32px; }
figure { margin: 16px 0; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #d1d9e0; border-radius: 6px; }
.table-scroll { overflow-x: auto; }
figcaption { color: #59636e; font-size: 13px; }
table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }
th { background: #f6f8fa; text-align: left; }
td.num, th.num { text-align: right; }
p { white-space: pre-wrap; }
`;

/**
 * Renders a table as an HTML `<table>` (escaped text, numbers right-aligned).
 *
 * @example
 * ```ts
 * import { renderHtmlTable } from '@sparse/experiments';
 *
 * const html = renderHtmlTable({ columns: ['seed', 'accuracy'], rows: [{ seed: 0, accuracy: 0.98 }] });
 * ```
 */
export function renderHtmlTable(table: Table): string {
  const columns = resolveColumns(table);
  const cls = (align: 'left' | 'right'): string => (align === 'right' ? ' class="num"' : '');
  const head = columns.map((column) => `<th${cls(column.align)}>${escapeXml(column.header)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${columns.map((column) => `<td${cls(column.align)}>${escapeXml(column.format(row[column.key]))}</td>`).join('')}</tr>`).join('\n');
  const caption = table.title === undefined ? '' : `<caption>${escapeXml(table.title)}</caption>`;
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** The plots' drawing size in the page: the column's width (1180 px less padding), a 2.4:1 aspect. */
const PLOT_WIDTH = 1130;
const PLOT_HEIGHT = 470;

function renderBlock(block: ReportBlock): string {
  switch (block.kind) {
    case 'text':
      return `<p>${escapeXml(block.text)}</p>`;
    case 'table':
      return `<div class="table-scroll">${renderHtmlTable(block.table)}</div>`;
    case 'plot': {
      const caption = block.caption ?? block.title;
      // drawn at about the page's width (the SVG scales to the column; its text stays readable)
      return `<figure>\n${linePlot({ width: PLOT_WIDTH, height: PLOT_HEIGHT, ...block.plot, title: block.plot.title ?? block.title })}\n<figcaption>${escapeXml(caption)}</figcaption>\n</figure>`;
    }
  }
}

/**
 * Renders a report as one self-contained HTML page: inline CSS, plots as inline SVG, no scripts
 * and no external assets, so it can be mailed or archived as a single file. All text is escaped.
 *
 * @example
 * ```ts
 * import { renderHtmlReport, writeFileAtomic } from '@sparse/experiments';
 *
 * const html = renderHtmlReport({
 *   title: 'Demo',
 *   sections: [{ heading: 'Results', blocks: [{ kind: 'table', table: { columns: ['a'], rows: [{ a: 1 }] } }] }],
 * });
 * await writeFileAtomic('report.html', html);
 * ```
 */
export function renderHtmlReport(report: Report): string {
  const sections = report.sections.map((section) => `<section>\n<h2>${escapeXml(section.heading)}</h2>\n${section.blocks.map(renderBlock).join('\n')}\n</section>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(report.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeXml(report.title)}</h1>`,
    ...(report.subtitle === undefined ? [] : [`<p class="subtitle">${escapeXml(report.subtitle)}</p>`]),
    ...sections,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
