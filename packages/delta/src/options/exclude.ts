/**
 * The tensors kept as fine-tuned by default: classification and language-model heads, which are
 * new (or re-purposed) during fine-tuning, so their "delta" is not a small update (DARE and DAREx
 * never drop them). Matches a `classifier`, `lm_head`, `head` or `score` name component, with `.`,
 * `/`, `_`, `:` or `-` as separators: `classifier.weight`, `lm_head.weight`, `head/kernel`,
 * `score.weight`, `model.classifier.out_proj.bias`; not `heads`, `ahead` or `scores`.
 *
 * Give your own `exclude` list to replace it (an empty list excludes nothing).
 *
 * @example
 * ```ts
 * import { DEFAULT_EXCLUDE, isExcluded } from '@sparse/delta';
 *
 * console.log(isExcluded('lm_head.weight', DEFAULT_EXCLUDE)); // true
 * console.log(isExcluded('model.layers.0.mlp.up_proj.weight', DEFAULT_EXCLUDE)); // false
 * ```
 */
export const DEFAULT_EXCLUDE: readonly RegExp[] = Object.freeze([/(^|[./_:-])(classifier|lm_head|head|score)([./_:-]|$)/]);

/**
 * Whether a tensor name matches any of the patterns (unanchored `RegExp.test`, so `/embed/`
 * matches `model.embed_tokens.weight`). Global and sticky flags are ignored (no `lastIndex` state).
 *
 * @example
 * ```ts
 * import { isExcluded } from '@sparse/delta';
 *
 * console.log(isExcluded('fc3/kernel', [/fc3/])); // true
 * ```
 */
export function isExcluded(name: string, patterns: readonly RegExp[]): boolean {
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    if (pattern.test(name)) return true;
  }
  return false;
}
