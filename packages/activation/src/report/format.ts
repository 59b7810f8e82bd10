import type { ReportBlock } from '@sparse/experiments';
import type { MethodResult, ModelResults } from './results.js';

/** `0.1234` → `12.34`. @internal */
export const pct = (value: number, digits = 2): string => (100 * value).toFixed(digits);

/** A difference in percentage points, signed only when negative. @internal */
export const pt = (value: number): string => `${value >= 0 ? '' : '-'}${Math.abs(100 * value).toFixed(2)}`;

/** The mean of a list (0 for none). @internal */
export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** A paragraph. @internal */
export const text = (value: string): ReportBlock => ({ kind: 'text', text: value });

/** The mean realized test sparsity of a result. @internal */
export const meanSparsity = (result: MethodResult): number => mean(result.testSparsity.map((site) => site.sparsity));

/** The mean relative block error of a result (blocks without one left out). @internal */
export const meanBlockError = (result: MethodResult): number => mean(result.blockErrors.flatMap((block) => (block.relativeError === null ? [] : [block.relativeError])));

/** The result of a method at a target sparsity, if any. @internal */
export function findResult(model: ModelResults, method: string, target: number): MethodResult | undefined {
  return model.methods.find((result) => result.method === method && 'target' in result.level && result.level.target === target);
}

/** The largest |realized − target| over the sites of a result. @internal */
export const worstDeviation = (result: MethodResult): number => Math.max(...result.testSparsity.map((site) => Math.abs(site.sparsity - result.target)));

/** The labels of a model's methods, in the order they first appear. @internal */
export const methodLabels = (model: ModelResults): string[] => [...new Set(model.methods.map((result) => result.method))];

/** The levels of a model's methods, in the order they first appear. @internal */
export const levelLabels = (model: ModelResults): string[] => [...new Set(model.methods.map((result) => result.levelLabel))];

const sameSites = (a: MethodResult, b: MethodResult): boolean => a.testSparsity.map((site) => site.site).join('|') === b.testSparsity.map((site) => site.site).join('|');

/**
 * CATS and CHESS at one target on the same sites (plain variants: exact pooled quantile, per-site
 * CATS), for comparisons at equal sparsity. @internal
 */
export function catsChessPair(model: ModelResults, target: number): { readonly cats: MethodResult; readonly chess: MethodResult } | undefined {
  const at = (result: MethodResult): boolean => 'target' in result.level && result.level.target === target;
  const chess = model.methods.find((result) => at(result) && result.sparsifier === 'chess' && !result.method.includes('mean of batches'));
  if (chess === undefined) return undefined;
  const cats = model.methods.find((result) => at(result) && result.sparsifier === 'cats' && !/histogram|per channel/.test(result.method) && sameSites(result, chess));
  return cats === undefined ? undefined : { cats, chess };
}
