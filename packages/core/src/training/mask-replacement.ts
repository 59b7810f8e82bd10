import { SparseError } from '../errors.js';

/**
 * One masked parameter as {@link checkMaskReplacement} sees it: its number of entries and its
 * current `0`/`1` mask (flat, row-major).
 *
 * @example
 * ```ts
 * import type { MaskReplacementTarget } from '@sparse/core';
 *
 * const target: MaskReplacementTarget = { size: 4, mask: Float32Array.of(1, 0, 0, 1) };
 * ```
 */
export interface MaskReplacementTarget {
  /** Entries of the parameter. */
  readonly size: number;
  /** Its mask in force. */
  readonly mask: Float32Array;
}

/**
 * Checks the arguments of an `EngineMaskAccess.replaceMasks` call before anything changes, so
 * every engine refuses the same things with the same typed error: each name of `masks` must be a
 * masked parameter; each new mask a `Float32Array` of the parameter's size holding only `0` and
 * `1`; each name of `grown` must also have a new mask in `masks`; grown indices are a
 * `Uint32Array` of strictly ascending flat indices below the size, each of an entry whose current
 * mask is `0` and whose new mask is `1` (an entry goes from pruned to active).
 *
 * @param targets - the masked parameters by name, in the engine's order.
 * @param where - the caller, named in the messages (`'replaceMasks'`).
 * @param options - `valuesChecked: true` when the caller has already found, in a pass of its own
 *   (an engine copying the masks, say), that every new mask of the right length holds only `0` and
 *   `1`: the check then skips its pass over the values (everything else is still checked). Default `false`.
 * @throws SparseError `E_ARGUMENT` naming the parameter, the field and what is allowed.
 *
 * @example
 * ```ts
 * import { checkMaskReplacement } from '@sparse/core';
 *
 * const targets = new Map([['w', { size: 4, mask: Float32Array.of(1, 0, 0, 1) }]]);
 * // fine: entry 1 grows, entry 3 is dropped
 * checkMaskReplacement(targets, new Map([['w', Float32Array.of(1, 1, 0, 0)]]), new Map([['w', Uint32Array.of(1)]]), 'replaceMasks');
 * // throws E_ARGUMENT: entry 0 was already active
 * // checkMaskReplacement(targets, new Map([['w', Float32Array.of(1, 1, 0, 0)]]), new Map([['w', Uint32Array.of(0)]]), 'replaceMasks');
 * ```
 */
export function checkMaskReplacement(
  targets: ReadonlyMap<string, MaskReplacementTarget>,
  masks: ReadonlyMap<string, Float32Array>,
  grown: ReadonlyMap<string, Uint32Array>,
  where: string,
  options: { readonly valuesChecked?: boolean } = {},
): void {
  const allowed = [...targets.keys()];
  const fail = (field: string, message: string, received: unknown, expected: string | readonly unknown[]): never => {
    throw new SparseError('E_ARGUMENT', `${where}: ${message}`, { field, received, allowed: expected });
  };
  if (!(masks instanceof Map)) fail('masks', 'masks must be a Map from parameter name to Float32Array.', typeof masks, 'a Map');
  if (!(grown instanceof Map)) fail('grown', 'grown must be a Map from parameter name to Uint32Array.', typeof grown, 'a Map');
  for (const [name, mask] of masks) {
    const target = targets.get(name);
    if (target === undefined) fail(`masks.${name}`, `'${name}' is not a masked parameter; masked parameters: ${allowed.join(', ')}.`, name, allowed);
    const { size } = target as MaskReplacementTarget;
    if (!(mask instanceof Float32Array) || mask.length !== size) {
      fail(`masks.${name}`, `the new mask of '${name}' must be a Float32Array of ${size} values.`, mask instanceof Float32Array ? `${mask.length} values` : typeof mask, `a Float32Array of ${size} values`);
    }
    for (let i = 0; options.valuesChecked !== true && i < size; i++) {
      const value = mask[i];
      if (value !== 0 && value !== 1) fail(`masks.${name}`, `the new mask of '${name}' holds ${String(value)} at index ${i}; masks hold 0 and 1 only.`, value, [0, 1]);
    }
  }
  for (const [name, indices] of grown) {
    const mask = masks.get(name);
    if (mask === undefined) {
      fail(`grown.${name}`, `grown lists entries of '${name}' but masks has no new mask for it; give both.`, name, [...masks.keys()]);
    }
    const { size, mask: current } = targets.get(name) as MaskReplacementTarget;
    if (!(indices instanceof Uint32Array)) fail(`grown.${name}`, `the grown entries of '${name}' must be a Uint32Array of flat indices.`, typeof indices, 'a Uint32Array');
    let previous = -1;
    for (const index of indices) {
      if (index >= size) fail(`grown.${name}`, `grown index ${index} of '${name}' is out of range.`, index, `0 to ${size - 1}`);
      if (index <= previous) fail(`grown.${name}`, `the grown indices of '${name}' must be strictly ascending; ${index} follows ${previous}.`, index, `an index above ${previous}`);
      if ((mask as Float32Array)[index] !== 1) fail(`grown.${name}`, `grown entry ${index} of '${name}' has new mask 0; a grown entry becomes active.`, 0, [1]);
      if (current[index] !== 0) fail(`grown.${name}`, `grown entry ${index} of '${name}' is already active; grown entries go from mask 0 to 1.`, current[index], [0]);
      previous = index;
    }
  }
}
