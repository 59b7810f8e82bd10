import { SparseError } from '@sparse/core';

/**
 * Options of {@link searchQ}: the interval, the coarse step, and the objective to maximize.
 *
 * @example
 * ```ts
 * import type { SearchQOptions } from '@sparse/delta';
 *
 * const options: SearchQOptions = { lower: 0.1, upper: 0.3, step: 0.05, objective: (q) => -Math.abs(q - 0.17) };
 * ```
 */
export interface SearchQOptions {
  /** Lower end of the coarse grid (DAREx default for p = 0.99: 0.1). */
  readonly lower: number;
  /** Upper end of the coarse grid, included (DAREx default: 0.3). */
  readonly upper: number;
  /** Coarse step (DAREx default: 0.05); the fine step is `step × refine`. */
  readonly step: number;
  /** Score of a candidate; higher is better (use `-outputChange` to minimize a change). */
  readonly objective: (value: number) => number | Promise<number>;
  /** Stop a grid after this many consecutive candidates scoring below the best. Default 4. */
  readonly patience?: number;
  /** Fine step as a fraction of the coarse step. Default 0.1. */
  readonly refine?: number;
  /** Called after each evaluation (for logs). */
  readonly onEvaluation?: (value: number, score: number, phase: 'coarse' | 'fine') => void;
}

/**
 * What {@link searchQ} found: the best value and its score, and every evaluation in order.
 *
 * @example
 * ```ts
 * import { searchQ, type SearchQResult } from '@sparse/delta';
 *
 * const result: SearchQResult = await searchQ({ lower: 0.1, upper: 0.3, step: 0.05, objective: (q) => -q });
 * console.log(result.best, result.evaluations.length);
 * ```
 */
export interface SearchQResult {
  readonly best: number;
  readonly score: number;
  readonly evaluations: readonly { readonly value: number; readonly score: number; readonly phase: 'coarse' | 'fine' }[];
}

function snap(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

/**
 * The coarse-then-fine search DAREx uses to pick `q` (spec D.3.1, `find_q_encoder.py::
 * find_optimal_param`), for any objective: with labels (validation accuracy of the DARE'd
 * model), without (minus the output change, {@link outputChangeObjective}), or over `η` for the
 * analytical per-layer `q` ({@link analyticalQMap}).
 *
 * 1. Coarse: `lower, lower + step, …, upper`; a candidate scoring `>=` the best so far resets a
 *    counter, otherwise it counts; the grid stops after `patience` (4) misses in a row.
 * 2. Fine, around the best `b`: from `max(lower + step·refine, b − step·(1 − refine))` up to (not
 *    including) `b + step`, in steps of `step·refine`, with the same stopping rule.
 * 3. The best candidate of both grids (the first evaluated among equal scores). Values already
 *    evaluated are not evaluated again.
 *
 * @example
 * ```ts
 * import { searchQ } from '@sparse/delta';
 *
 * // maximize validation accuracy of DAREx-q at p = 0.99 over q in [0.1, 0.3]
 * declare function accuracyWithQ(q: number): Promise<number>;
 * const { best } = await searchQ({ lower: 0.1, upper: 0.3, step: 0.05, objective: accuracyWithQ });
 * ```
 */
export async function searchQ(options: SearchQOptions): Promise<SearchQResult> {
  const { lower, upper, step, objective } = options;
  const patience = options.patience ?? 4;
  const refine = options.refine ?? 0.1;
  const check = (ok: boolean, field: string, received: unknown, allowed: string) => {
    if (!ok) throw new SparseError('E_CONFIG', `searchQ: ${field} must be ${allowed}; got ${String(received)}.`, { field, received, allowed });
  };
  check(Number.isFinite(lower), 'lower', lower, 'a finite number');
  check(Number.isFinite(upper) && upper >= lower, 'upper', upper, `a finite number >= lower (${lower})`);
  check(Number.isFinite(step) && step > 0, 'step', step, 'a positive number');
  check(Number.isInteger(patience) && patience >= 1, 'patience', patience, 'an integer >= 1');
  check(Number.isFinite(refine) && refine > 0 && refine < 1, 'refine', refine, 'a number in (0, 1)');
  check(typeof objective === 'function', 'objective', typeof objective, 'a function');

  const scores = new Map<number, number>();
  const evaluations: { value: number; score: number; phase: 'coarse' | 'fine' }[] = [];
  const evaluate = async (raw: number, phase: 'coarse' | 'fine'): Promise<number> => {
    const value = snap(raw);
    const known = scores.get(value);
    if (known !== undefined) return known;
    const score = await objective(value);
    if (typeof score !== 'number' || Number.isNaN(score)) {
      throw new SparseError('E_ARGUMENT', `searchQ: the objective returned ${String(score)} for ${value}; it must return a number.`, { field: 'objective', received: score });
    }
    scores.set(value, score);
    evaluations.push({ value, score, phase });
    options.onEvaluation?.(value, score, phase);
    return score;
  };
  const grid = async (values: readonly number[], phase: 'coarse' | 'fine'): Promise<void> => {
    let best = -Infinity;
    let misses = 0;
    for (const value of values) {
      const score = await evaluate(value, phase);
      if (score >= best) {
        best = score;
        misses = 0;
      } else if (++misses >= patience) return;
    }
  };
  const coarse: number[] = [];
  for (let i = 0; lower + i * step <= upper + step * 1e-9; i++) coarse.push(lower + i * step);
  await grid(coarse, 'coarse');
  const bestOf = () => evaluations.reduce((best, entry) => (entry.score > best.score ? entry : best));
  const center = bestOf().value;
  const fineStep = step * refine;
  const from = Math.max(lower + fineStep, center - step * (1 - refine));
  const fine: number[] = [];
  for (let i = 0; from + i * fineStep < center + step - fineStep * 1e-6; i++) fine.push(from + i * fineStep);
  await grid(fine, 'fine');
  const best = bestOf();
  return { best: best.value, score: best.score, evaluations };
}
