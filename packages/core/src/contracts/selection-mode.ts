/**
 * How a pruner turns a target into the set of weights it prunes. `exact` is the default; the
 * others reproduce a reference implementation's threshold rule (spec §0) so a run can match it.
 * Every rule works on the alive candidates of a pool (one tensor for layerwise scopes, all
 * tensors for `global`); `x = a·alive` below is the reference's requested count, where `a` is
 * the fraction of the remaining weights (`basis: 'remaining'`) or, for `basis: 'total'`,
 * `x = s·N − zeros`.
 *
 * | mode | count | rule | ties |
 * |---|---|---|---|
 * | `exact` | `⌊s·N⌋ − zeros` (or `⌊a·alive⌋`) | the lowest `(score, index)` | broken by index |
 * | `pytorch` | `round_half_even(x)` | `torch.nn.utils.prune` topk smallest of the unpruned slice | by index |
 * | `tfmot` | keep `k = max(round_half_even(N·(1−s)), 1)` (float32) | keep `score ≥` k-th largest over the whole tensor | kept |
 * | `open-lth-layerwise` | `n = ceil(x)` | keep `score ≥ sorted_alive[n]` | kept |
 * | `open-lth-global` | `n = ceil(x)` | keep `score > sorted_alive[n]` | pruned (n+1 without ties) |
 * | `google-lth` | `n = round_half_even(x)` | prune `score ≤ sorted_alive[n]` | pruned |
 * | `percentile` | `p = 100·a` | prune `score < np.percentile(alive, p)` (linear) | kept |
 * | `synflow` | `k = int(s·N)` | prune `score ≤ kthvalue(k)` over all scores | pruned |
 *
 * Where a reference would fail (an index past the end at a fraction of 1), the mode prunes every
 * candidate. A pool asked to prune nothing is left unchanged in every mode.
 *
 * @example
 * ```ts
 * import type { SelectionMode } from '@sparse/core';
 *
 * const mode: SelectionMode = 'tfmot';
 * ```
 */
export type SelectionMode =
  | 'exact'
  | 'pytorch'
  | 'tfmot'
  | 'open-lth-layerwise'
  | 'open-lth-global'
  | 'google-lth'
  | 'percentile'
  | 'synflow';
