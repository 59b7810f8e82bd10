import { markCut, RadixSelect, Scorers, SparseError, type Cut, type SafetensorsFile, type SparseRuntime } from '@sparse/core';
import type { TensorPlan } from './plan.js';
import type { PruneOptions } from './prune-options.js';

/**
 * Tells whether `sparse prune` can select its masks by streaming the checkpoint
 * ({@link magnitudeMasker}, {@link streamMagnitudeMasks}) instead of loading every tensor onto the backend: the scorer is
 * core's `magnitude` with no options, the pattern unstructured and the mode `pytorch` or `exact`.
 * The masks are then the ones `selectMasks` returns for the same flags, bit for bit.
 *
 * @param options - the parsed flags.
 * @param runtime - the command's runtime (a plugin could not replace `magnitude`: duplicate names are refused).
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { canStreamMagnitude, parsePruneArgs } from '@sparse/cli';
 *
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.9', '--scope', 'global'], process.cwd());
 * console.log(canStreamMagnitude(options, await createRuntime({ backend: 'cpu' }))); // true
 * ```
 */
export function canStreamMagnitude(
  options: Pick<PruneOptions, 'scorer' | 'scorerOptions' | 'pattern' | 'mode'>,
  runtime: SparseRuntime,
): boolean {
  return (
    options.scorer === 'magnitude' &&
    runtime.describe(Scorers, 'magnitude')?.pluginId === '@sparse/core/toolkit' &&
    Object.keys(options.scorerOptions).length === 0 &&
    options.pattern.kind === 'unstructured' &&
    (options.mode === 'pytorch' || options.mode === 'exact')
  );
}

/** `x`, or the nearest integer when `x` is within 1e-9 (relative) of it (core's rounding rule). */
function snap(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : x;
}

/** Python's `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * How many of a pool's `weights` (all alive) the core pruner prunes at `sparsity`: PyTorch's
 * `round(s·N)` (halves to even) in `pytorch` mode, `⌊s·N⌋` in `exact` mode (after snapping
 * `s·N` to an integer within 1e-9, as core does).
 *
 * @example
 * ```ts
 * import { pruneCount } from '@sparse/cli';
 *
 * console.log(pruneCount(0.9, 15, 'pytorch'), pruneCount(0.9, 15, 'exact')); // 14 13 (13.5 rounds to even)
 * ```
 */
export function pruneCount(sparsity: number, weights: number, mode: 'pytorch' | 'exact'): number {
  const x = snap(sparsity * weights);
  return Math.min(weights, Math.max(0, mode === 'pytorch' ? roundHalfEven(x) : Math.floor(x)));
}

/** `|w|` of `values` into `out` (the sign bit cleared; NaN stays NaN), and how many are NaN. */
function magnitudesInto(values: Float32Array, out: Float32Array): { scores: Float32Array; nan: number } {
  const from = new Int32Array(values.buffer, values.byteOffset, values.length);
  const scores = out.subarray(0, values.length);
  const to = new Int32Array(scores.buffer, scores.byteOffset, scores.length);
  let nan = 0;
  for (let i = 0; i < from.length; i++) {
    const b = (from[i] as number) & 0x7fffffff;
    to[i] = b;
    nan += +(b > 0x7f800000);
  }
  return { scores, nan };
}

/**
 * The masks of a magnitude prune, one tensor at a time, once the cuts are known
 * ({@link magnitudeMasker}): `mask(name, values)` takes a pruned tensor's float32 values (as
 * stored, not modified) and returns its mask (1 = kept). Tensors must come in the plans' order
 * (ties are taken in `(tensor, index)` order); `masks` holds every mask returned so far.
 *
 * @example
 * ```ts
 * import type { MagnitudeMasker } from '@sparse/cli';
 *
 * declare const masker: MagnitudeMasker;
 * const kept = masker.mask('fc.weight', Float32Array.of(0.1, -2, 3, 0.4));
 * ```
 */
export interface MagnitudeMasker {
  mask(name: string, values: Float32Array): Uint8Array;
  readonly masks: ReadonlyMap<string, Uint8Array>;
}

/**
 * Finds the exact cut of each pool of a magnitude prune by streaming the checkpoint one tensor at
 * a time (two passes of core's `RadixSelect` over `|w|`: the count lowest by
 * `(|w|, tensor order, flat index)`, NaN first), and returns the {@link MagnitudeMasker} that then
 * writes each tensor's mask with `markCut`, so that the flags can be taken while the output is
 * written (no third read). Warns, as the backend path does, about NaN scores (counted as
 * -Infinity) here, and about tensors left above 99 % sparsity (layer collapse) as their masks are made.
 *
 * @param file - the open checkpoint.
 * @param plans - the tensors to prune (plans with `prune: true`), in the checkpoint's order.
 * @param options - `sparsity`, `scope` (`global`: one pool; `layerwise`: one per tensor) and `mode`.
 * @param onWarning - receives the warnings.
 *
 * @example
 * ```ts
 * import { openSafetensors } from '@sparse/core';
 * import { magnitudeMasker, parsePruneArgs, planPrune } from '@sparse/cli';
 *
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.9', '--scope', 'global'], process.cwd());
 * const file = await openSafetensors(options.input);
 * const plans = planPrune(file.header, options).filter((plan) => plan.prune);
 * const masker = await magnitudeMasker(file, plans, { ...options, mode: 'pytorch' }, console.warn);
 * for (const { info } of plans) masker.mask(info.name, await file.readFloat32(info.name));
 * await file.close();
 * ```
 */
export async function magnitudeMasker(
  file: SafetensorsFile,
  plans: readonly TensorPlan[],
  options: Pick<PruneOptions, 'sparsity' | 'scope'> & { readonly mode: 'pytorch' | 'exact' },
  onWarning: (message: string) => void,
): Promise<MagnitudeMasker> {
  const pools = options.scope === 'global' ? [plans] : plans.map((plan) => [plan]);
  const largest = Math.max(0, ...plans.map((plan) => plan.info.elementCount));
  const ones = new Uint8Array(largest).fill(1);
  const scratch = new Float32Array(largest);
  const segment = (scores: Float32Array) => ({ scores, alive: ones.subarray(0, scores.length) });
  const selects = pools.map((pool) => {
    const count = pruneCount(options.sparsity, pool.reduce((sum, plan) => sum + plan.info.elementCount, 0), options.mode);
    return count === 0 ? undefined : new RadixSelect(count);
  });

  // Pass 1: NaN warnings (as the pruner words them), high 16 bits of the keys.
  for (const [p, pool] of pools.entries()) {
    for (const { info } of pool) {
      const { scores, nan } = magnitudesInto(await file.readFloat32(info.name), scratch);
      if (nan > 0) onWarning(`${info.name}: ${nan} NaN score${nan === 1 ? '' : 's'} counted as -Infinity (pruned first).`);
      selects[p]?.addHigh(segment(scores));
    }
    selects[p]?.endHigh();
  }
  // Pass 2: low 16 bits inside the cut's bucket.
  const cuts: (Cut | undefined)[] = [];
  for (const [p, pool] of pools.entries()) {
    const select = selects[p];
    if (select !== undefined) for (const { info } of pool) select.addLow(segment(magnitudesInto(await file.readFloat32(info.name), scratch).scores));
    cuts.push(select?.endLow());
  }

  // The flags, ties taken in (tensor, index) order.
  const order = pools.flatMap((pool, p) => pool.map(({ info }) => ({ name: info.name, weights: info.elementCount, pool: p, first: pool[0]?.info.name === info.name })));
  const masks = new Map<string, Uint8Array>();
  let next = 0;
  let ties = 0;
  return {
    masks,
    mask(name, values) {
      const at = order[next];
      if (at === undefined || at.name !== name || values.length !== at.weights) {
        throw new SparseError('E_INTERNAL', `magnitudeMasker: asked for '${name}' (${values.length} values) where ${at === undefined ? 'no tensor' : `'${at.name}' (${at.weights})`} comes next.`);
      }
      next += 1;
      const cut = cuts[at.pool];
      if (at.first) ties = cut?.ties ?? 0;
      const kept = new Uint8Array(values.length);
      let pruned = 0;
      if (cut === undefined) kept.fill(1);
      else {
        const result = markCut(segment(magnitudesInto(values, scratch).scores), cut, ties, kept, 'kept');
        ties = result.ties;
        pruned = result.pruned;
      }
      masks.set(name, kept);
      const sparsity = pruned / values.length;
      if (pruned > 0 && sparsity > 0.99) {
        onWarning(
          pruned === values.length
            ? `${name}: every weight is pruned (layer collapse).`
            : `${name}: ${(100 * sparsity).toFixed(2)}% sparse, close to layer collapse (${values.length - pruned} of ${values.length} weights left).`,
        );
      }
      return kept;
    },
  };
}

/**
 * Selects the masks (1 = kept, row-major as stored) of the tensors `sparse prune` prunes by
 * magnitude, streaming the checkpoint one tensor at a time: {@link magnitudeMasker}'s two passes
 * find the exact cut, a third writes each tensor's flags. Memory: one tensor's values at a time,
 * plus one byte per pruned weight for the masks returned, where the backend path holds every
 * tensor several times over. The masks and warnings are those of `selectMasks` with the magnitude
 * scorer (`canStreamMagnitude`): NaN scores counted as -Infinity, then any tensor left above 99 %
 * sparsity (layer collapse), in tensor order.
 *
 * @param file - the open checkpoint.
 * @param plans - the tensors to prune (plans with `prune: true`), in the checkpoint's order.
 * @param options - `sparsity`, `scope` (`global`: one pool; `layerwise`: one per tensor) and `mode`.
 * @param onWarning - receives the warnings.
 *
 * @example
 * ```ts
 * import { openSafetensors } from '@sparse/core';
 * import { parsePruneArgs, planPrune, streamMagnitudeMasks } from '@sparse/cli';
 *
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.9', '--scope', 'global'], process.cwd());
 * const file = await openSafetensors(options.input);
 * const plans = planPrune(file.header, options).filter((plan) => plan.prune);
 * const masks = await streamMagnitudeMasks(file, plans, { ...options, mode: 'pytorch' }, console.warn);
 * await file.close();
 * ```
 */
export async function streamMagnitudeMasks(
  file: SafetensorsFile,
  plans: readonly TensorPlan[],
  options: Pick<PruneOptions, 'sparsity' | 'scope'> & { readonly mode: 'pytorch' | 'exact' },
  onWarning: (message: string) => void,
): Promise<Map<string, Uint8Array>> {
  const masker = await magnitudeMasker(file, plans, options, onWarning);
  for (const { info } of plans) masker.mask(info.name, await file.readFloat32(info.name));
  return new Map(masker.masks);
}
