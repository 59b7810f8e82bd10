import type { SparseTrainingUnitResult } from '../experiment/unit-result.js';
import { claimVerdict, compareSeeds } from '@sparse/experiments';

/**
 * Which rows a claim compares: a method label (exact, or a pattern) at a target sparsity (`null`
 * for methods without one).
 *
 * @example
 * ```ts
 * import type { RowSelector } from '@sparse/sparse-training';
 *
 * const rigl90: RowSelector = { method: /^rigl \(erk/, targetSparsity: 0.9 };
 * ```
 */
export interface RowSelector {
  readonly method: string | RegExp;
  readonly targetSparsity: number | null;
}

/**
 * A claim of a paper tested on the results: "A ≥ B" (`relation: 'at-least'`), "A > B"
 * (`'above'`), "A at most `tolerance` below B" (`'within'`, accuracy as a fraction: 0.005 = 0.5 pt), or "A
 * matches B" (`'matches'`: A is not below B beyond seed noise).
 *
 * @example
 * ```ts
 * import type { ClaimSpec } from '@sparse/sparse-training';
 *
 * const claim: ClaimSpec = {
 *   claim: 'RigL ≥ SET at 90 %',
 *   source: 'Evci et al. 2020',
 *   a: { method: /^rigl/, targetSparsity: 0.9 },
 *   b: { method: /^set/, targetSparsity: 0.9 },
 *   relation: 'at-least',
 * };
 * ```
 */
export interface ClaimSpec {
  readonly claim: string;
  readonly source: string;
  readonly a: RowSelector;
  readonly b: RowSelector;
  readonly relation: 'at-least' | 'above' | 'within' | 'matches';
  readonly tolerance?: number;
}

/**
 * A tested claim: the evidence (both sides' mean ± sd over seeds and the gap, in points) and the
 * verdict, or why it could not be tested.
 *
 * @example
 * ```ts
 * import type { ClaimResult } from '@sparse/sparse-training';
 *
 * declare const result: ClaimResult;
 * console.log(`${result.claim}: ${result.verdict} (${result.evidence})`);
 * ```
 */
export interface ClaimResult {
  readonly claim: string;
  readonly source: string;
  readonly evidence: string;
  readonly verdict: string;
}

const matches = (row: SparseTrainingUnitResult, selector: RowSelector): boolean =>
  row.targetSparsity === selector.targetSparsity && (typeof selector.method === 'string' ? row.method === selector.method : selector.method.test(row.method));

const pts = (value: number): string => (100 * value).toFixed(2);

/**
 * Tests one claim on unit results by test accuracy over seeds ({@link compareSeeds}).
 *
 * @example
 * ```ts
 * import { evaluateClaim, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * const result = evaluateClaim(rows, { claim: 'ERK ≥ uniform at 95 %', source: 'Evci et al. 2020', a: { method: 'static (erk)', targetSparsity: 0.95 }, b: { method: 'static (uniform)', targetSparsity: 0.95 }, relation: 'at-least' });
 * console.log(result.verdict);
 * ```
 */
export function evaluateClaim(rows: readonly SparseTrainingUnitResult[], spec: ClaimSpec): ClaimResult {
  const a = rows.filter((row) => matches(row, spec.a));
  const b = rows.filter((row) => matches(row, spec.b));
  if (a.length === 0 || b.length === 0) {
    return { claim: spec.claim, source: spec.source, evidence: `no results for ${a.length === 0 ? String(spec.a.method) : String(spec.b.method)} at this sparsity`, verdict: 'not tested' };
  }
  const { comparison, gap, a: sa, b: sb } = compareSeeds(
    a.map((row) => row.testAccuracy),
    b.map((row) => row.testAccuracy),
  );
  const evidence = `${a[0]?.method} ${pts(sa.mean)} ± ${pts(sa.sd)} (${sa.n} seeds) vs ${b[0]?.method} ${pts(sb.mean)} ± ${pts(sb.sd)} (${sb.n}): gap ${gap >= 0 ? '+' : ''}${pts(gap)} pt`;
  if (spec.relation === 'within') {
    const tolerance = spec.tolerance ?? 0.005;
    return { claim: spec.claim, source: spec.source, evidence, verdict: gap >= -tolerance ? `shown (at most ${pts(tolerance)} pt below)` : `not shown (more than ${pts(tolerance)} pt below)` };
  }
  if (spec.relation === 'matches') {
    const verdict = comparison === 'below' ? 'not shown (below beyond seed noise)' : comparison === 'above' ? 'shown (above beyond seed noise)' : 'shown (within seed noise)';
    return { claim: spec.claim, source: spec.source, evidence, verdict };
  }
  return { claim: spec.claim, source: spec.source, evidence, verdict: claimVerdict(comparison, spec.relation === 'above') };
}
