import { SparseError, type BinaryMask, type BinaryMaskSet } from '@sparse/core';

/**
 * NumPy's `np.percentile(values, q)` with the default `linear` method (`q` in percent).
 *
 * @throws SparseError `E_ARGUMENT` for an empty array or `q` outside `[0, 100]`.
 *
 * @example
 * ```ts
 * import { percentile } from '@sparse/lth';
 *
 * console.log(percentile(Float32Array.of(1, 2, 3, 4), 50)); // 2.5
 * ```
 */
export function percentile(values: Float32Array | Float64Array, q: number): number {
  if (values.length === 0 || !(q >= 0 && q <= 100)) {
    throw new SparseError('E_ARGUMENT', `percentile needs values and q in [0, 100]; got ${values.length} values and q = ${q}.`, { field: 'q', received: q });
  }
  const sorted = Float64Array.from(values).sort();
  const virtual = (q / 100) * (sorted.length - 1);
  const lower = Math.floor(virtual);
  const gamma = virtual - lower;
  const a = sorted[lower] as number;
  if (lower + 1 >= sorted.length) return a;
  const b = sorted[lower + 1] as number;
  // NumPy's _lerp: a + (b - a) * g, computed from the nearer end.
  return gamma >= 0.5 ? b - (b - a) * (1 - gamma) : a + (b - a) * gamma;
}

/**
 * MIR-L's global pruning step (Thomkat/MIR-L `utils/pruning_utils.py`): the threshold is
 * `np.percentile` of the alive scores of all given tensors pooled together, at `100 · rate`;
 * every alive weight with a score strictly below it is pruned. The count is approximate (ties and
 * interpolation), unlike {@link pruneMasks}; use it to reproduce MIR-L.
 *
 * @example
 * ```ts
 * import { percentileMasks } from '@sparse/lth';
 *
 * const masks = percentileMasks(
 *   new Map([['a.weight', Float32Array.of(0.1, 0.4)], ['b.weight', Float32Array.of(0.2, 0.3)]]),
 *   new Map([['a.weight', [2]], ['b.weight', [2]]]),
 *   new Map(),
 *   0.5,
 * );
 * console.log([...masks.get('a.weight')!.kept], [...masks.get('b.weight')!.kept]); // [0, 1] [0, 1]
 * ```
 */
export function percentileMasks(
  scores: ReadonlyMap<string, Float32Array>,
  shapes: ReadonlyMap<string, readonly number[]>,
  masks: BinaryMaskSet,
  rate: number,
): Map<string, BinaryMask> {
  const alive: number[] = [];
  for (const [name, score] of scores) {
    const kept = masks.get(name)?.kept;
    for (let i = 0; i < score.length; i += 1) if (kept === undefined || kept[i] === 1) alive.push(score[i] as number);
  }
  const out = new Map<string, BinaryMask>(masks);
  if (alive.length === 0) return out;
  const threshold = percentile(Float64Array.from(alive), 100 * rate);
  for (const [name, score] of scores) {
    const current = masks.get(name)?.kept;
    const kept = new Uint8Array(score.length);
    for (let i = 0; i < score.length; i += 1) kept[i] = (current === undefined || current[i] === 1) && !((score[i] as number) < threshold) ? 1 : 0;
    out.set(name, { shape: [...(shapes.get(name) ?? [score.length])], kept });
  }
  return out;
}
