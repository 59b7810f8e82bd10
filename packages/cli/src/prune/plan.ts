import { echoValue, isFloatDtype, type SafetensorsHeader, type SafetensorsTensorInfo } from '@sparse/core';
import type { PruneOptions } from './prune-options.js';
import { usageError } from './usage-error.js';

const MAX_FILTERS_SHOWN = 5;

/**
 * What `sparse prune` does with one tensor of the input: prune it, or copy it unchanged and why.
 *
 * @example
 * ```ts
 * import type { TensorPlan } from '@sparse/cli';
 *
 * const plan: TensorPlan = { info: { name: 'fc.bias', dtype: 'F32', shape: [4], dataOffsets: [0, 16], byteLength: 16, elementCount: 4 }, prune: false, reason: 'rank < 2' };
 * ```
 */
export interface TensorPlan {
  readonly info: SafetensorsTensorInfo;
  readonly prune: boolean;
  /** Why a tensor is left dense: `rank < 2`, `excluded`, `not included`, `<dtype> is not a float type`, `empty`. */
  readonly reason?: string;
}

/** The float dtypes whose values can be scored (F8 types can only be copied). */
const PRUNABLE_DTYPES = new Set(['F16', 'BF16', 'F32', 'F64']);

/**
 * Decides which tensors of the input to prune: float tensors (F16, BF16, F32, F64) of rank ≥ 2
 * whose name matches an `--include` (when any) and no `--exclude`. Everything else is copied
 * unchanged. Throws `E_CONFIG` when nothing would be pruned.
 *
 * @example
 * ```ts
 * import { openSafetensors } from '@sparse/core';
 * import { parsePruneArgs, planPrune } from '@sparse/cli';
 *
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], process.cwd());
 * const file = await openSafetensors(options.input);
 * const plans = planPrune(file.header, options);
 * await file.close();
 * ```
 */
export function planPrune(header: SafetensorsHeader, options: Pick<PruneOptions, 'include' | 'exclude'>): TensorPlan[] {
  const plans = header.tensors.map((info): TensorPlan => {
    if (options.include.length > 0 && !options.include.some((regex) => regex.test(info.name))) return { info, prune: false, reason: 'not included' };
    if (options.exclude.some((regex) => regex.test(info.name))) return { info, prune: false, reason: 'excluded' };
    if (info.shape.length < 2) return { info, prune: false, reason: 'rank < 2' };
    if (!PRUNABLE_DTYPES.has(info.dtype) || !isFloatDtype(info.dtype)) return { info, prune: false, reason: `${info.dtype} is not a float type` };
    if (info.elementCount === 0) return { info, prune: false, reason: 'empty' };
    return { info, prune: true };
  });
  const pruned = plans.filter((plan) => plan.prune);
  if (pruned.length === 0) {
    const allFilters = [
      ...options.include.map((regex) => `--include ${echoValue(regex.source)}`),
      ...options.exclude.map((regex) => `--exclude ${echoValue(regex.source)}`),
    ];
    const filters = allFilters.length > MAX_FILTERS_SHOWN ? [...allFilters.slice(0, MAX_FILTERS_SHOWN), `(and ${allFilters.length - MAX_FILTERS_SHOWN} more filters)`] : allFilters;
    const candidates = header.tensors.filter((info) => info.shape.length >= 2 && PRUNABLE_DTYPES.has(info.dtype)).map((info) => info.name);
    throw usageError(
      filters.length > 0 ? (options.include.length > 0 ? '--include' : '--exclude') : '--in',
      filters.join(' '),
      candidates,
      `Nothing to prune: ${filters.length > 0 ? `${filters.join(' ')} leave${allFilters.length === 1 ? 's' : ''} no` : 'the input has no'} float tensor of rank >= 2${candidates.length > 0 ? `; candidates: ${candidates.slice(0, 20).map((name) => (name.length > 80 ? `${name.slice(0, 80)}…` : name)).join(', ')}${candidates.length > 20 ? ', …' : ''}` : ''}.`,
    );
  }
  return plans;
}

/**
 * Zeroes, in place, the bytes of every pruned element (`kept[i] === 0`) of a tensor's raw bytes.
 * All-zero bytes are +0 in every float format, so kept weights stay bit-identical (no rounding
 * through float32) whatever the dtype.
 *
 * @example
 * ```ts
 * import { zeroPrunedBytes } from '@sparse/cli';
 *
 * const bytes = new Uint8Array([1, 2, 3, 4]); // two F16 values
 * zeroPrunedBytes(bytes, 2, new Uint8Array([0, 1]));
 * console.log(Array.from(bytes)); // [0, 0, 3, 4]
 * ```
 */
export function zeroPrunedBytes(bytes: Uint8Array, elementSize: number, kept: Uint8Array): Uint8Array {
  const aligned = bytes.byteOffset % 4 === 0 && (elementSize === 4 || elementSize === 8);
  if (aligned || (elementSize === 2 && bytes.byteOffset % 2 === 0)) {
    // One store per element (two for 8-byte ones) instead of a fill call.
    const words = elementSize === 2 ? new Uint16Array(bytes.buffer, bytes.byteOffset, kept.length) : new Uint32Array(bytes.buffer, bytes.byteOffset, (kept.length * elementSize) / 4);
    const perElement = elementSize === 8 ? 2 : 1;
    for (let i = 0; i < kept.length; i += 1) {
      if (kept[i] === 0) {
        words[i * perElement] = 0;
        if (perElement === 2) words[i * 2 + 1] = 0;
      }
    }
    return bytes;
  }
  for (let i = 0; i < kept.length; i += 1) {
    if (kept[i] === 0) bytes.fill(0, i * elementSize, (i + 1) * elementSize);
  }
  return bytes;
}
