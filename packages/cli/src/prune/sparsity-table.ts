import type { TensorPlan } from './plan.js';

/**
 * One row of the table `sparse prune` prints.
 *
 * @example
 * ```ts
 * import type { SparsityRow } from '@sparse/cli';
 *
 * const row: SparsityRow = { name: 'fc1.weight', shape: [300, 784], dtype: 'F32', elements: 235200, pruned: 211680 };
 * ```
 */
export interface SparsityRow {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly elements: number;
  /** Weights set to zero; `undefined` for a tensor left dense. */
  readonly pruned?: number;
  /** Why it was left dense. */
  readonly note?: string;
}

/**
 * Rows for every tensor of a prune plan, given the masks of the pruned ones.
 *
 * @example
 * ```ts
 * import { sparsityRows } from '@sparse/cli';
 *
 * const rows = sparsityRows([], new Map());
 * ```
 */
export function sparsityRows(plans: readonly TensorPlan[], masks: ReadonlyMap<string, Uint8Array>): SparsityRow[] {
  return plans.map(({ info, prune, reason }) => {
    const kept = masks.get(info.name);
    const base = { name: info.name, shape: info.shape, dtype: info.dtype, elements: info.elementCount };
    if (prune && kept !== undefined) return { ...base, pruned: kept.length - kept.reduce((sum, value) => sum + value, 0) };
    return { ...base, note: `dense (${reason ?? 'not pruned'})` };
  });
}

const percent = (part: number, whole: number): string => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(2)}%`);

/**
 * Formats the per-tensor sparsity table: name, shape, dtype, parameters, pruned count and
 * sparsity, then totals over the pruned tensors and over all tensors.
 *
 * @example
 * ```ts
 * import { formatSparsityTable } from '@sparse/cli';
 *
 * console.log(formatSparsityTable([{ name: 'w', shape: [2, 2], dtype: 'F32', elements: 4, pruned: 2 }]));
 * ```
 */
export function formatSparsityTable(rows: readonly SparsityRow[]): string {
  const prunedRows = rows.filter((row) => row.pruned !== undefined);
  const sum = (list: readonly SparsityRow[], pick: (row: SparsityRow) => number) => list.reduce((total, row) => total + pick(row), 0);
  const prunedParams = sum(prunedRows, (row) => row.elements);
  const zeroed = sum(prunedRows, (row) => row.pruned ?? 0);
  const allParams = sum(rows, (row) => row.elements);
  const cells: string[][] = [
    ['tensor', 'shape', 'dtype', 'params', 'pruned', 'sparsity'],
    ...rows.map((row) => [
      row.name,
      row.shape.length === 0 ? 'scalar' : row.shape.join('x'),
      row.dtype,
      String(row.elements),
      row.pruned === undefined ? '-' : String(row.pruned),
      row.pruned === undefined ? (row.note ?? 'dense') : percent(row.pruned, row.elements),
    ]),
    [`pruned tensors (${prunedRows.length})`, '', '', String(prunedParams), String(zeroed), percent(zeroed, prunedParams)],
    [`all tensors (${rows.length})`, '', '', String(allParams), String(zeroed), percent(zeroed, allParams)],
  ];
  const widths = (cells[0] ?? []).map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const numeric = new Set([3, 4]);
  const lines = cells.map((row) =>
    row
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const rule = '-'.repeat(Math.max(...lines.map((line) => line.length)));
  return [lines[0], rule, ...lines.slice(1, rows.length + 1), rule, ...lines.slice(rows.length + 1), ''].join('\n');
}
