import { SparseError, pruneLowest } from '@sparse/core';

/**
 * What one {@link shortRestriction} update did to one layer.
 *
 * @example
 * ```ts
 * import type { RestrictionStep } from '@sparse/sparse-training';
 *
 * const step: RestrictionStep = { candidates: 3, swapped: 2 };
 * ```
 */
export interface RestrictionStep {
  /** Pairs crossing the top-k boundary: pruned entries the scores would keep (as many as kept entries they would prune). */
  readonly candidates: number;
  /** Pairs swapped: `ceil(rate · candidates)`. */
  readonly swapped: number;
}

/**
 * The short restriction of Lottery Jackpots (`ls_pop_up` / `final_pop_up` in
 * `utils/conv_type.py` of zyxxmu/lottery-jackpots), in place on `mask`: rank the layer's scores
 * by `(score, flat index)` ascending; the lowest `pruneCount` should be pruned. The candidates are
 * the pruned entries outside that set (ranked high, they would be kept) and the kept entries inside
 * it; there are as many of each, since the mask already prunes exactly `pruneCount`. The
 * `ceil(rate · candidates)` highest-scored pruned candidates are revived and as many lowest-scored
 * kept candidates pruned, pairwise, so the count stays exactly `pruneCount`. `rate = 1` swaps all
 * of them: the mask becomes the exact top-k of the scores.
 *
 * Deliberate difference from the reference: it takes the threshold `sorted[prune_num − 1]` and
 * skips the update whenever ties make the two candidate lists differ in length; here ties are
 * broken by flat index (spec §0), so the lists always match and the update never skips.
 *
 * @param scores - the layer's real-valued scores (higher is kept).
 * @param mask - the layer's binary mask (`1` kept), changed in place; must prune exactly `pruneCount`.
 * @param pruneCount - the layer's exact number of pruned entries.
 * @param rate - fraction of the candidate pairs to swap, in `[0, 1]`.
 * @throws SparseError `E_ARGUMENT` for mismatched lengths, a rate outside `[0, 1]`, or a mask that
 * does not prune exactly `pruneCount`.
 *
 * @example
 * ```ts
 * import { shortRestriction } from '@sparse/sparse-training';
 *
 * const mask = Uint8Array.of(1, 1, 0, 0);
 * const step = shortRestriction(Float32Array.of(0.2, 0.5, 0.9, 0.1), mask, 2, 1);
 * console.log(step, [...mask]); // { candidates: 1, swapped: 1 } [0, 1, 1, 0]
 * ```
 */
export function shortRestriction(scores: Float32Array, mask: Uint8Array, pruneCount: number, rate: number): RestrictionStep {
  if (scores.length !== mask.length) {
    throw new SparseError('E_ARGUMENT', `shortRestriction: ${scores.length} scores for a mask of ${mask.length} entries.`, { field: 'mask', received: mask.length, allowed: String(scores.length) });
  }
  if (!(rate >= 0 && rate <= 1)) throw new SparseError('E_ARGUMENT', `shortRestriction: rate must be in [0, 1], got ${String(rate)}.`, { field: 'rate', received: rate, allowed: '[0, 1]' });
  let pruned = 0;
  for (let i = 0; i < mask.length; i += 1) if (mask[i] === 0) pruned += 1;
  if (pruned !== pruneCount) {
    throw new SparseError('E_ARGUMENT', `shortRestriction: the mask prunes ${pruned} entries, not the layer's ${pruneCount}.`, { field: 'mask', received: pruned, allowed: String(pruneCount) });
  }
  if (alreadyTopK(scores, mask)) return { candidates: 0, swapped: 0 };
  const ideal = pruneLowest(scores, new Uint8Array(scores.length).fill(1), pruneCount);
  const revive: number[] = [];
  const drop: number[] = [];
  for (let i = 0; i < mask.length; i += 1) {
    if (mask[i] === 0 && ideal[i] === 1) revive.push(i);
    else if (mask[i] === 1 && ideal[i] === 0) drop.push(i);
  }
  const candidates = revive.length;
  if (candidates === 0) return { candidates: 0, swapped: 0 };
  // The most extreme pairs: revive by (score, index) descending, drop by (score, index) ascending.
  const at = (i: number): number => rankScore(scores[i] as number);
  revive.sort((a, b) => (at(a) === at(b) ? b - a : at(b) > at(a) ? 1 : -1));
  drop.sort((a, b) => (at(a) === at(b) ? a - b : at(a) > at(b) ? 1 : -1));
  const swapped = Math.min(candidates, Math.ceil(rate * candidates));
  for (let j = 0; j < swapped; j += 1) {
    mask[revive[j] as number] = 1;
    mask[drop[j] as number] = 0;
  }
  return { candidates, swapped };
}

/** A score as the ranking sees it: NaN as `-Infinity` (core's selection rule). */
const rankScore = (score: number): number => (Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score);

/**
 * Whether every pruned entry ranks below every kept one by `(score, flat index)` (NaN scores rank
 * lowest, as in core's selection): then the mask is already the exact top-k and there is nothing
 * to swap. One pass, no allocation: most steps of a search end here.
 */
function alreadyTopK(scores: Float32Array, mask: Uint8Array): boolean {
  let prunedScore = Number.NEGATIVE_INFINITY;
  let prunedIndex = -1;
  let keptScore = Number.POSITIVE_INFINITY;
  let keptIndex = scores.length;
  for (let i = 0; i < mask.length; i += 1) {
    const score = rankScore(scores[i] as number);
    if (mask[i] === 0) {
      if (score > prunedScore || (score === prunedScore && i > prunedIndex)) {
        prunedScore = score;
        prunedIndex = i;
      }
    } else if (score < keptScore || (score === keptScore && i < keptIndex)) {
      keptScore = score;
      keptIndex = i;
    }
  }
  if (prunedIndex < 0 || keptIndex >= scores.length) return true;
  return prunedScore < keptScore || (prunedScore === keptScore && prunedIndex < keptIndex);
}

/**
 * The fraction of candidate pairs swapped in search epoch `epoch` of `epochs`: `cosine` is
 * `½(1 + cos(π·epoch/epochs))`, the reference's ImageNet script (`imagenet.py::adjust_rate`);
 * `full` is 1, which the reference's CIFAR script computes (`ceil((1 − epoch/epochs)^4)` is 1 for
 * every epoch it runs), i.e. the exact top-k of the scores after every step.
 *
 * @example
 * ```ts
 * import { restrictionRate } from '@sparse/sparse-training';
 *
 * console.log(restrictionRate('cosine', 0, 4), restrictionRate('cosine', 2, 4), restrictionRate('full', 3, 4)); // 1 0.5 1
 * ```
 */
export function restrictionRate(schedule: 'cosine' | 'full', epoch: number, epochs: number): number {
  if (schedule === 'full') return 1;
  return 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)));
}
