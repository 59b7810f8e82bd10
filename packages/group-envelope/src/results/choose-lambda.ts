import type { GroupEnvelopeResultsRow } from '../experiment/results-row.js';
import { lambdaOf, methodFamily } from './method-family.js';

/**
 * How far, as a fraction of `k`, a layer's nonzero groups at the end of training may be from `k`
 * for a λ to count as reaching the target by itself (the rule of {@link chooseLambdas}).
 *
 * @example
 * ```ts
 * import { TUNING_TOLERANCE } from '@sparse/group-envelope';
 *
 * console.log(TUNING_TOLERANCE); // 0.25
 * ```
 */
export const TUNING_TOLERANCE = 0.25;

/**
 * One λ of a tuning run, as {@link chooseLambdas} judged it.
 *
 * @example
 * ```ts
 * import type { TuningCandidate } from '@sparse/group-envelope';
 *
 * const candidate: TuningCandidate = { lambda: 3, seed: 1, nonzero: [129, 77], k: [128, 64], validation: 0.88, nearTarget: true };
 * ```
 */
export interface TuningCandidate {
  readonly lambda: number;
  readonly seed: number;
  /** Nonzero groups per set at the end of training (before the hard selection). */
  readonly nonzero: readonly number[];
  readonly k: readonly number[];
  /** Validation accuracy after the selection and fine-tune (the last point of the validation curve). */
  readonly validation: number;
  /** Every set within `tolerance·k` of `k` at the end of training. */
  readonly nearTarget: boolean;
}

/**
 * The λ chosen for one method family and the candidates it was chosen from.
 *
 * @example
 * ```ts
 * import type { TuningChoice } from '@sparse/group-envelope';
 *
 * const choice: TuningChoice = { family: 'gsef', lambda: 3, rule: 'validation', candidates: [] };
 * ```
 */
export interface TuningChoice {
  readonly family: string;
  readonly lambda: number;
  /** `validation`: best validation accuracy among the λ near the target; `closest`: no λ was near it, the one closest to it. */
  readonly rule: 'validation' | 'closest';
  readonly candidates: readonly TuningCandidate[];
}

const distance = (candidate: Pick<TuningCandidate, 'nonzero' | 'k'>): number =>
  Math.max(...candidate.nonzero.map((n, s) => Math.abs(n - (candidate.k[s] ?? n)) / Math.max(1, candidate.k[s] ?? 1)));

/**
 * Chooses λ per method family from tuning runs, on the validation split only: among the λ whose
 * nonzero groups at the end of training are within `tolerance·k` of `k` in every set (the
 * regularizer itself brought the network near the target), the one with the highest validation
 * accuracy after the hard selection and fine-tune (mean over seeds; ties to the smaller λ); when no
 * λ is near the target, the one whose worst set is closest to it. Test accuracies are not read.
 *
 * @example
 * ```ts
 * import { chooseLambdas, type GroupEnvelopeResultsRow } from '@sparse/group-envelope';
 *
 * declare const tuningRows: GroupEnvelopeResultsRow[];
 * for (const choice of chooseLambdas(tuningRows)) console.log(choice.family, choice.lambda, choice.rule);
 * ```
 */
export function chooseLambdas(rows: readonly GroupEnvelopeResultsRow[], tolerance = TUNING_TOLERANCE): TuningChoice[] {
  const families = new Map<string, TuningCandidate[]>();
  for (const row of rows) {
    const lambda = lambdaOf(row.regularizer);
    const last = row.validationCurve[row.validationCurve.length - 1];
    if (lambda === undefined || last === undefined || row.sets.length === 0) continue;
    const nonzero = row.sets.map((set) => set.nonzeroBeforeSelection);
    const k = row.sets.map((set) => set.k);
    const candidate: TuningCandidate = { lambda, seed: row.seed, nonzero, k, validation: last.accuracy, nearTarget: distance({ nonzero, k }) <= tolerance };
    const family = methodFamily(row.regularizer);
    families.set(family, [...(families.get(family) ?? []), candidate]);
  }
  return [...families].map(([family, candidates]) => {
    const lambdas = [...new Set(candidates.map((c) => c.lambda))].sort((a, b) => a - b);
    const of = (lambda: number): TuningCandidate[] => candidates.filter((c) => c.lambda === lambda);
    const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const near = lambdas.filter((lambda) => of(lambda).every((c) => c.nearTarget));
    let chosen: number;
    let rule: TuningChoice['rule'];
    if (near.length > 0) {
      rule = 'validation';
      chosen = near.reduce((best, lambda) => (mean(of(lambda).map((c) => c.validation)) > mean(of(best).map((c) => c.validation)) ? lambda : best));
    } else {
      rule = 'closest';
      chosen = lambdas.reduce((best, lambda) => (Math.max(...of(lambda).map(distance)) < Math.max(...of(best).map(distance)) ? lambda : best));
    }
    return { family, lambda: chosen, rule, candidates: [...candidates].sort((a, b) => a.lambda - b.lambda || a.seed - b.seed) };
  });
}
