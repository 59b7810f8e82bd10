import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { linePlot } from './line-plot.js';
import type { Report } from './report.js';
import { resolveColumns, type Table } from './table.js';

/**
 * Escapes plain text for Markdown so that it renders literally (`*`, `_`, `[`, `|`, `<`…).
 *
 * @example
 * ```ts
 * import { escapeMarkdown } from '@sparse/experiments';
 *
 * escapeMarkdown('a*b_c'); // 'a\\*b\\_c'
 * ```
 */
export function escapeMarkdown(text: string): string {
  return escapeInline(text)
    .replace(/^(\s*)([#+=-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

/** Escapes the characters that are special anywhere in a line (enough inside table cells). */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (char) => `\\${char}`);
}

/**
 * Renders a table as a GitHub-flavoured Markdown table (escaped cells, numbers right-aligned).
 *
 * @example
 * ```ts
 * import { renderMarkdownTable } from '@sparse/experiments';
 *
 * renderMarkdownTable({ columns: ['seed', 'accuracy'], rows: [{ seed: 0, accuracy: 0.98 }] });
 * // | seed | accuracy |
 * // | ---: | ---: |
 * // | 0 | 0.98 |
 * ```
 */
export function renderMarkdownTable(table: Table): string {
  const columns = resolveColumns(table);
  const cell = (text: string): string => escapeInline(text).replace(/\r?\n/g, ' ');
  const lines = [
    `| ${columns.map((column) => cell(column.header)).join(' | ')} |`,
    `| ${columns.map((column) => (column.align === 'right' ? '---:' : '---')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${columns.map((column) => cell(column.format(row[column.key]))).join(' | ')} |`),
  ];
  return [...(table.title === undefined ? [] : [`**${escapeMarkdown(table.title)}**`, '']), ...lines].join('\n');
}

function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'plot' : cleaned.slice(0, 60);
}

/**
 * A rendered Markdown report: the document and the SVG files it links to.
 *
 * @example
 * ```ts
 * import type { MarkdownReport } from '@sparse/experiments';
 *
 * const count = (report: MarkdownReport) => report.files.length;
 * ```
 */
export interface MarkdownReport {
  readonly markdown: string;
  /** Files to write next to the `.md` (`name` is relative to its folder). */
  readonly files: readonly { readonly name: string; readonly content: string }[];
}

/**
 * Renders a report as Markdown for `docs/results`: headings, paragraphs, tables, and each plot
 * as a separate SVG file named `<prefix>-<plot title slug>.svg`, linked with a relative image
 * link. Plain text is escaped.
 *
 * @example
 * ```ts
 * import { renderMarkdownReport } from '@sparse/experiments';
 *
 * const { markdown, files } = renderMarkdownReport(
 *   { title: 'LTH', sections: [{ heading: 'Accuracy', blocks: [{ kind: 'plot', title: 'Accuracy', plot: { series: [] } }] }] },
 *   'lth',
 * );
 * // markdown contains '![Accuracy](./lth-accuracy.svg)'; files[0].name === 'lth-accuracy.svg'
 * ```
 */
export function renderMarkdownReport(report: Report, prefix: string): MarkdownReport {
  const files: { name: string; content: string }[] = [];
  const used = new Set<string>();
  const out: string[] = [`# ${escapeMarkdown(report.title)}`, ''];
  if (report.subtitle !== undefined) out.push(escapeMarkdown(report.subtitle), '');
  for (const section of report.sections) {
    out.push(`## ${escapeMarkdown(section.heading)}`, '');
    for (const block of section.blocks) {
      if (block.kind === 'text') out.push(escapeMarkdown(block.text), '');
      else if (block.kind === 'table') out.push(renderMarkdownTable(block.table), '');
      else {
        let name = `${slug(prefix)}-${slug(block.title)}.svg`;
        for (let n = 2; used.has(name); n += 1) name = `${slug(prefix)}-${slug(block.title)}-${n}.svg`;
        used.add(name);
        files.push({ name, content: `${linePlot({ ...block.plot, title: block.plot.title ?? block.title })}\n` });
        const alt = block.title.replace(/[[\]\\]/g, (char) => `\\${char}`);
        out.push(`![${alt}](./${name})`, '');
        if (block.caption !== undefined) out.push(`*${escapeMarkdown(block.caption)}*`, '');
      }
    }
  }
  return { markdown: `${out.join('\n').trimEnd()}\n`, files };
}

/**
 * Writes {@link renderMarkdownReport}'s output: the `.md` file at `path` and its SVG plots next
 * to it (prefix: the `.md` file's name), each atomically. Returns the paths written.
 *
 * @example
 * ```ts
 * import { writeMarkdownReport } from '@sparse/experiments';
 *
 * await writeMarkdownReport('docs/results/lth-lenet.md', { title: 'LTH on LeNet-300-100', sections: [] });
 * ```
 */
export async function writeMarkdownReport(path: string, report: Report): Promise<string[]> {
  const folder = dirname(path);
  const prefix = basename(path, extname(path));
  const { markdown, files } = renderMarkdownReport(report, prefix);
  const written: string[] = [];
  for (const file of files) {
    const target = join(folder, file.name);
    await writeFileAtomic(target, file.content, { createFolder: true });
    written.push(target);
  }
  await writeFileAtomic(path, markdown, { createFolder: true });
  written.push(path);
  return written;
}
