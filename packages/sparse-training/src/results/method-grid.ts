import type { Table } from '@sparse/experiments';
import { seedStats } from '@sparse/experiments';
import type { SparseTrainingUnitResult } from '../experiment/unit-result.js';

const pct = (value: number): string => (100 * value).toFixed(2);

/**
 * Test accuracy (%) as `mean ± sd (n)` over seeds, one row per method and one column per target
 * sparsity; methods without a sparsity (dense, N:M) have their value in the column `—`.
 *
 * @example
 * ```ts
 * import { renderMarkdownTable } from '@sparse/experiments';
 * import { methodGrid, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * console.log(renderMarkdownTable(methodGrid(rows)));
 * ```
 */
export function methodGrid(rows: readonly SparseTrainingUnitResult[], value: (row: SparseTrainingUnitResult) => number = (row) => row.testAccuracy): Table {
  const methods = [...new Set(rows.map((row) => row.method))];
  const targets = [...new Set(rows.map((row) => row.targetSparsity))].sort((a, b) => (a ?? -1) - (b ?? -1));
  const key = (target: number | null): string => (target === null ? 'none' : `s${target}`);
  return {
    columns: [{ key: 'method', header: 'method' }, ...targets.map((target) => ({ key: key(target), header: target === null ? '—' : `${pct(target)} % sparse`, align: 'right' as const }))],
    rows: methods.map((method) => ({
      method,
      ...Object.fromEntries(
        targets.map((target) => {
          const values = rows.filter((row) => row.method === method && row.targetSparsity === target).map(value);
          if (values.length === 0) return [key(target), ''];
          const stats = seedStats(values);
          return [key(target), `${pct(stats.mean)} ± ${pct(stats.sd)} (${stats.n})`];
        }),
      ),
    })),
  };
}
