import { seedStats, type SeedStats } from '@sparse/experiments';
import type { ActivationRow } from './raw-rows.js';

/** A raw row of one kind. @internal */
export type RowOf<K extends ActivationRow['kind']> = Extract<ActivationRow, { kind: K }>;

/** The rows of one kind, in file order. @internal */
export function rowsOf<K extends ActivationRow['kind']>(rows: readonly ActivationRow[], kind: K): RowOf<K>[] {
  return rows.filter((row): row is RowOf<K> => row.kind === kind);
}

/** Distinct values in first-seen order. @internal */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** A fraction as percent with two decimals. @internal */
export const pct = (value: number): string => (100 * value).toFixed(2);

/** `mean ± sd (n)` of fractions, in percent (or points). @internal */
export function pctStats(stats: SeedStats): string {
  return `${pct(stats.mean)} ± ${pct(stats.sd)} (${stats.n})`;
}

/** `mean ± sd` of plain numbers with `digits` decimals. @internal */
export function numStats(stats: SeedStats, digits: number): string {
  return `${stats.mean.toFixed(digits)} ± ${stats.sd.toFixed(digits)}`;
}

/** The mean of some numbers (0 for none). @internal */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The sparsify rows of one model, method and level, one per seed, in seed order. @internal */
export function levelRows(rows: readonly ActivationRow[], model: string, method: string, levelLabel: string): RowOf<'sparsify'>[] {
  return rowsOf(rows, 'sparsify')
    .filter((row) => row.model === model && row.method === method && row.levelLabel === levelLabel)
    .sort((a, b) => a.seed - b.seed);
}

/** The train rows of one model, in seed order. @internal */
export function trainRows(rows: readonly ActivationRow[], model: string): RowOf<'train'>[] {
  return rowsOf(rows, 'train')
    .filter((row) => row.model === model)
    .sort((a, b) => a.seed - b.seed);
}

/** The mean relative block error of a sparsify row over the blocks it sparsifies (blocks left dense have error 0 and are skipped). @internal */
export function meanBlockError(row: RowOf<'sparsify'>): number {
  const errors = row.blockErrors.map((block) => block.relativeError).filter((value): value is number => value !== null && value > 0);
  return mean(errors);
}

/** The mean realized test sparsity of a sparsify row over its sites. @internal */
export function meanSparsity(row: RowOf<'sparsify'>): number {
  return mean(row.testSparsity.map((site) => site.sparsity));
}

/** Seed statistics of a figure of some rows. @internal */
export function statsOf<R>(rows: readonly R[], figure: (row: R) => number): SeedStats {
  return seedStats(rows.map(figure));
}
