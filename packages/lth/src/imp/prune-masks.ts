import { SparseError, pruneLowestAcross, type BinaryMask, type BinaryMaskSet } from '@sparse/core';
import { tensorRates, type PruningRates } from './rates.js';

/**
 * How an IMP round shares its pruning among tensors: `layerwise` (each tensor loses its own rate
 * of its remaining weights; the paper's LeNet and Conv-2/4/6) or `global` (one ranking over the
 * pooled remaining weights of all tensors; the paper's ResNet-18 and VGG-19).
 *
 * @example
 * ```ts
 * import type { PruningScope } from '@sparse/lth';
 *
 * const scope: PruningScope = 'layerwise';
 * ```
 */
export type PruningScope = 'layerwise' | 'global';

/**
 * A set of tensors ranked together, losing `rate` of their pooled remaining weights.
 *
 * @example
 * ```ts
 * import type { PrunePool } from '@sparse/lth';
 *
 * const pool: PrunePool = { names: ['fc1/kernel', 'fc2/kernel'], rate: 0.2 };
 * ```
 */
export interface PrunePool {
  /** Parameter names, in ranking order (ties between tensors follow it). */
  readonly names: readonly string[];
  /** Fraction of the pool's remaining weights to prune, in `[0, 1]`. */
  readonly rate: number;
}

/**
 * The pools of one round. `layerwise`: one pool per tensor at its {@link tensorRates} rate.
 * `global`: one pool of every tensor at `rates.default`, except tensors named in
 * `rates.perTensor`, which keep their own rate in pools of their own (a rate of 0 leaves a
 * tensor out, as the paper does with ResNet's fc layer); `rates.output` does not apply.
 *
 * @example
 * ```ts
 * import { prunePools } from '@sparse/lth';
 *
 * const pools = prunePools(['fc1/kernel', 'fc2/kernel', 'fc3/kernel'], { default: 0.2, output: 0.1 }, 'fc3/kernel', 'layerwise');
 * console.log(pools.map((p) => p.rate)); // [0.2, 0.2, 0.1]
 * ```
 */
export function prunePools(prunable: readonly string[], rates: PruningRates, outputName: string | undefined, scope: PruningScope): PrunePool[] {
  const perTensor = tensorRates(prunable, rates, outputName);
  if (scope === 'layerwise') return prunable.map((name) => ({ names: [name], rate: perTensor.get(name) ?? rates.default }));
  const own = rates.perTensor ?? {};
  const shared = prunable.filter((name) => own[name] === undefined);
  const pools: PrunePool[] = shared.length > 0 ? [{ names: shared, rate: rates.default }] : [];
  for (const name of prunable) if (own[name] !== undefined) pools.push({ names: [name], rate: own[name] });
  return pools;
}

/**
 * How many of `alive` weights a round at `rate` prunes: `floor(rate · alive)` after snapping values
 * within 1e-9 (relative) of an integer, so `0.29 · 100` counts 29; clamped to `[0, alive]`.
 *
 * @example
 * ```ts
 * import { pruneCount } from '@sparse/lth';
 *
 * console.log(pruneCount(0.2, 235200), pruneCount(0.29, 100)); // 47040 29
 * ```
 */
export function pruneCount(rate: number, alive: number): number {
  const x = rate * alive;
  const nearest = Math.round(x);
  const snapped = Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : x;
  return Math.min(alive, Math.max(0, Math.floor(snapped)));
}

/**
 * Options of {@link pruneMasks}.
 *
 * @example
 * ```ts
 * import type { PruneMasksOptions } from '@sparse/lth';
 *
 * const options: PruneMasksOptions = {
 *   scores: new Map([['w', Float32Array.of(0.5, 0.1, 0.3, 0.2)]]),
 *   shapes: new Map([['w', [2, 2]]]),
 *   masks: new Map(),
 *   pools: [{ names: ['w'], rate: 0.5 }],
 * };
 * ```
 */
export interface PruneMasksOptions {
  /** One score per element of every pooled tensor (higher = keep), e.g. `|w|` of the trained weights. */
  readonly scores: ReadonlyMap<string, Float32Array>;
  /** The shape of every pooled tensor. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  /** The current masks; a tensor without one is dense. Pruned weights are never revived. */
  readonly masks: BinaryMaskSet;
  /** What to prune (see {@link prunePools}). */
  readonly pools: readonly PrunePool[];
  /** Receives warnings (NaN scores, which count as -Infinity and go first). */
  readonly onWarning?: (message: string) => void;
}

/**
 * One IMP pruning step with exact counts: in each pool, exactly `floor(rate · alive)` of the
 * alive weights are pruned, the lowest by `(score, tensor order, flat index)` (core's
 * `pruneLowestAcross`); already-pruned weights are never candidates, so masks only shrink.
 * Returns new masks for every pooled tensor (inputs untouched); tensors outside every pool keep
 * their mask.
 *
 * @throws SparseError `E_ARGUMENT` when a pooled tensor has no score, no shape, or sizes disagree.
 *
 * @example
 * ```ts
 * import { pruneMasks } from '@sparse/lth';
 *
 * const masks = pruneMasks({
 *   scores: new Map([['w', Float32Array.of(0.5, 0.1, 0.3, 0.2)]]),
 *   shapes: new Map([['w', [2, 2]]]),
 *   masks: new Map(),
 *   pools: [{ names: ['w'], rate: 0.5 }],
 * });
 * console.log([...masks.get('w')!.kept]); // [1, 0, 1, 0]
 * ```
 */
export function pruneMasks(options: PruneMasksOptions): Map<string, BinaryMask> {
  const { scores, shapes, masks, pools } = options;
  const out = new Map<string, BinaryMask>(masks);
  for (const pool of pools) {
    const segments = pool.names.map((name) => {
      const score = scores.get(name);
      const shape = shapes.get(name);
      if (score === undefined || shape === undefined) {
        throw new SparseError('E_ARGUMENT', `pruneMasks: tensor '${name}' has no ${score === undefined ? 'scores' : 'shape'}.`, { field: name });
      }
      const size = shape.reduce((a, b) => a * b, 1);
      const current = masks.get(name);
      if (score.length !== size || (current !== undefined && current.kept.length !== size)) {
        throw new SparseError('E_ARGUMENT', `pruneMasks: tensor '${name}' of shape [${shape.join(', ')}] got ${score.length} scores and a mask of ${current?.kept.length ?? size}.`, {
          field: name,
        });
      }
      return { scores: score, alive: current === undefined ? new Uint8Array(size).fill(1) : current.kept };
    });
    let alive = 0;
    for (const segment of segments) for (let i = 0; i < segment.alive.length; i += 1) alive += segment.alive[i] as number;
    const count = pruneCount(pool.rate, alive);
    const kept = pruneLowestAcross(segments, count, { ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }), label: pool.names.join(', ') });
    pool.names.forEach((name, i) => out.set(name, { shape: [...(shapes.get(name) ?? [])], kept: kept[i] as Uint8Array }));
  }
  return out;
}

/**
 * The fraction of weights kept by a set of masks over the given tensors (1 = dense), the paper's
 * Pm / 100.
 *
 * @example
 * ```ts
 * import { remainingFraction } from '@sparse/lth';
 *
 * const masks = new Map([['w', { shape: [4], kept: Uint8Array.of(1, 0, 1, 1) }]]);
 * console.log(remainingFraction(masks, new Map([['w', 4]]))); // 0.75
 * ```
 */
export function remainingFraction(masks: BinaryMaskSet, sizes: ReadonlyMap<string, number>): number {
  let total = 0;
  let kept = 0;
  for (const [name, size] of sizes) {
    total += size;
    const mask = masks.get(name);
    if (mask === undefined) kept += size;
    else for (let i = 0; i < mask.kept.length; i += 1) kept += mask.kept[i] as number;
  }
  return total === 0 ? 1 : kept / total;
}
