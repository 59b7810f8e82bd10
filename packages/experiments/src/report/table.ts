import { formatNumber } from './format.js';

/**
 * A value in a table cell; numbers are formatted with {@link formatNumber}, `null`/`undefined`
 * show as empty.
 *
 * @example
 * ```ts
 * import type { TableCell } from '@sparse/experiments';
 *
 * const cell: TableCell = 0.9812;
 * ```
 */
export type TableCell = string | number | boolean | null | undefined;

/**
 * A column of a {@link Table}: which row key it shows, its header, alignment (numbers right,
 * text left by default) and formatting.
 *
 * @example
 * ```ts
 * import type { TableColumn } from '@sparse/experiments';
 *
 * const column: TableColumn = { key: 'accuracy', header: 'test accuracy', digits: 3 };
 * ```
 */
export interface TableColumn {
  readonly key: string;
  readonly header?: string;
  readonly align?: 'left' | 'right';
  /** Significant digits of numbers; default 4. */
  readonly digits?: number;
  /** Custom formatting; wins over `digits`. */
  readonly format?: (value: TableCell) => string;
}

/**
 * A table for the terminal ({@link formatTable}), HTML and Markdown reports. A column given as a
 * string is `{ key: string }`.
 *
 * @example
 * ```ts
 * import type { Table } from '@sparse/experiments';
 *
 * const table: Table = {
 *   title: 'Winning tickets',
 *   columns: ['level', { key: 'remaining', header: 'weights left (%)' }, 'accuracy'],
 *   rows: [{ level: 0, remaining: 100, accuracy: 0.978 }, { level: 1, remaining: 80, accuracy: 0.981 }],
 * };
 * ```
 */
export interface Table {
  readonly title?: string;
  readonly columns: readonly (string | TableColumn)[];
  readonly rows: readonly Readonly<Record<string, TableCell>>[];
}

/**
 * The columns of a table with strings expanded and defaults filled in: header = key, alignment
 * right when every non-empty cell is a number.
 *
 * @example
 * ```ts
 * import { resolveColumns } from '@sparse/experiments';
 *
 * resolveColumns({ columns: ['a'], rows: [{ a: 1 }] }); // [{ key: 'a', header: 'a', align: 'right', format }]
 * ```
 */
export function resolveColumns(table: Table): { readonly key: string; readonly header: string; readonly align: 'left' | 'right'; readonly format: (value: TableCell) => string }[] {
  return table.columns.map((spec) => {
    const column: TableColumn = typeof spec === 'string' ? { key: spec } : spec;
    const values = table.rows.map((row) => row[column.key]).filter((value) => value !== undefined && value !== null && value !== '');
    const numeric = values.length > 0 && values.every((value) => typeof value === 'number');
    const digits = column.digits ?? 4;
    const format = column.format ?? ((value: TableCell) => (value === undefined || value === null ? '' : typeof value === 'number' ? formatNumber(value, digits) : String(value)));
    return { key: column.key, header: column.header ?? column.key, align: column.align ?? (numeric ? 'right' : 'left'), format };
  });
}

/**
 * Renders a table as aligned plain text for the terminal: a title line (when given), a header,
 * a dashed rule, then one line per row; numbers right-aligned and formatted.
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 *
 * console.log(formatTable({ columns: ['method', 'accuracy'], rows: [{ method: 'lth', accuracy: 0.98123 }] }));
 * // method  accuracy
 * // ------  --------
 * // lth       0.9812
 * ```
 */
export function formatTable(table: Table): string {
  const columns = resolveColumns(table);
  const cells = table.rows.map((row) => columns.map((column) => column.format(row[column.key]).replace(/\s*\n\s*/g, ' ')));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((row) => (row[index] ?? '').length)));
  const pad = (text: string, index: number): string => {
    const width = widths[index] ?? 0;
    return columns[index]?.align === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const lines = [
    columns.map((column, index) => pad(column.header, index)).join('  '),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.map((row) => row.map((text, index) => pad(text, index)).join('  ')),
  ].map((line) => line.trimEnd());
  return [...(table.title === undefined ? [] : [table.title]), ...lines].join('\n');
}
