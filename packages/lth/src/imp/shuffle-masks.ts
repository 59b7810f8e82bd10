import { Random, deriveSeed, type BinaryMask, type BinaryMaskSet } from '@sparse/core';

/**
 * How the random-pruning baseline randomises a ticket's mask (open_lth
 * `lottery/branch/randomly_prune.py`):
 *
 * - `layerwise`: shuffle each tensor's mask (keeps every tensor's density; the default);
 * - `global`: shuffle the concatenated mask across tensors (keeps the total count only);
 * - `even`: every tensor gets the overall density, `round(d · n)` kept weights placed at random.
 *
 * @example
 * ```ts
 * import type { ShuffleMode } from '@sparse/lth';
 *
 * const mode: ShuffleMode = 'layerwise';
 * ```
 */
export type ShuffleMode = 'layerwise' | 'global' | 'even';

/**
 * The shuffle modes.
 *
 * @example
 * ```ts
 * import { SHUFFLE_MODES } from '@sparse/lth';
 *
 * console.log(SHUFFLE_MODES); // ['layerwise', 'global', 'even']
 * ```
 */
export const SHUFFLE_MODES: readonly ShuffleMode[] = Object.freeze(['layerwise', 'global', 'even']);

/**
 * A random mask with the same structure as `masks` (see {@link ShuffleMode}), drawn from
 * `deriveSeed(seed, 'random-prune', name)` per tensor (`'random-prune', '*'` for the global
 * shuffle). Inputs are untouched.
 *
 * @example
 * ```ts
 * import { shuffleMasks } from '@sparse/lth';
 *
 * const ticket = new Map([['w', { shape: [2, 3], kept: Uint8Array.of(1, 1, 0, 0, 0, 0) }]]);
 * const random = shuffleMasks(ticket, 'layerwise', 7);
 * console.log(random.get('w')!.kept.reduce((a, b) => a + b, 0)); // 2
 * ```
 */
export function shuffleMasks(masks: BinaryMaskSet, mode: ShuffleMode, seed: number): Map<string, BinaryMask> {
  const out = new Map<string, BinaryMask>();
  if (mode === 'layerwise') {
    for (const [name, mask] of masks) {
      const kept = new Random(deriveSeed(seed, 'random-prune', name)).shuffle(Uint8Array.from(mask.kept));
      out.set(name, { shape: [...mask.shape], kept });
    }
    return out;
  }
  const names = [...masks.keys()];
  const sizes = names.map((name) => masks.get(name)?.kept.length ?? 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  let keptTotal = 0;
  for (const mask of masks.values()) for (let i = 0; i < mask.kept.length; i += 1) keptTotal += mask.kept[i] as number;
  if (mode === 'global') {
    const all = new Uint8Array(total);
    let offset = 0;
    for (const mask of masks.values()) {
      all.set(mask.kept, offset);
      offset += mask.kept.length;
    }
    new Random(deriveSeed(seed, 'random-prune', '*')).shuffle(all);
    offset = 0;
    names.forEach((name, i) => {
      const size = sizes[i] as number;
      out.set(name, { shape: [...(masks.get(name)?.shape ?? [size])], kept: all.slice(offset, offset + size) });
      offset += size;
    });
    return out;
  }
  const density = total === 0 ? 1 : keptTotal / total;
  names.forEach((name, i) => {
    const size = sizes[i] as number;
    const kept = new Uint8Array(size);
    kept.fill(1, 0, Math.round(density * size));
    new Random(deriveSeed(seed, 'random-prune', name)).shuffle(kept);
    out.set(name, { shape: [...(masks.get(name)?.shape ?? [size])], kept });
  });
  return out;
}
