import { deriveSeed } from '../random/derive-seed.js';
import type { Batch } from '../contracts/batch.js';
import type { MaskUpdateRule } from '../contracts/mask-update-rule.js';
import type { EngineMaskAccess } from '../contracts/training-engine.js';

/**
 * What one mask update changed, per masked parameter: active entries (unchanged by a
 * density-keeping rule) and entries grown.
 *
 * @example
 * ```ts
 * import type { MaskUpdateSummary } from '@sparse/core';
 *
 * const summary: MaskUpdateSummary = { step: 100, grown: 5400, layers: { 'fc1/kernel': { active: 23520, grown: 5000 } } };
 * ```
 */
export interface MaskUpdateSummary {
  /** The step whose update follows the new masks. */
  readonly step: number;
  /** Entries grown over all parameters. */
  readonly grown: number;
  /** Per parameter: active entries after the update and entries grown. */
  readonly layers: Readonly<Record<string, { readonly active: number; readonly grown: number }>>;
}

/**
 * Runs one mask update of a {@link MaskUpdateRule} on a started engine, between two steps: reads
 * the masked parameters' weights and masks (and their dense gradients on `batch` when the rule
 * needs them) through the engine's {@link EngineMaskAccess}, asks the rule for new masks and
 * installs them (grown weights zero, their Adam moments reset). The caller decides when
 * (`rule.isUpdateStep(step, totalSteps)`).
 *
 * @example
 * ```ts
 * import { applyMaskUpdate, type EngineStepper, type MaskUpdateRule, type Batch } from '@sparse/core';
 *
 * declare const stepper: EngineStepper;
 * declare const rule: MaskUpdateRule;
 * declare const batch: Batch;
 * if (stepper.maskAccess !== undefined && rule.isUpdateStep(100, 4600)) {
 *   const summary = await applyMaskUpdate(stepper.maskAccess, rule, { step: 100, totalSteps: 4600, seed: 7, batch });
 *   console.log(`${summary.grown} connections regrown`);
 * }
 * ```
 */
export async function applyMaskUpdate(
  access: EngineMaskAccess,
  rule: MaskUpdateRule,
  input: { readonly step: number; readonly totalSteps: number; readonly seed: number; readonly batch: Batch },
): Promise<MaskUpdateSummary> {
  const weights = access.readWeights();
  const masks = access.readMasks();
  const gradients = rule.needsGradients ? await access.denseGradients(input.batch) : undefined;
  const layers = access.names.map((name) => {
    const mask = masks.get(name) as Float32Array;
    const gradient = gradients?.get(name);
    return { name, shape: access.shapes.get(name) ?? [mask.length], weights: weights.get(name) as Float32Array, mask, ...(gradient === undefined ? {} : { gradients: gradient }) };
  });
  const update = rule.update({ step: input.step, totalSteps: input.totalSteps, layers, seed: input.seed });
  access.replaceMasks(update.masks, update.grown);
  const summary: Record<string, { active: number; grown: number }> = {};
  let grown = 0;
  for (const name of access.names) {
    const mask = update.masks.get(name) ?? (masks.get(name) as Float32Array);
    const active = nonZeroCount(mask);
    const count = update.grown.get(name)?.length ?? 0;
    grown += count;
    summary[name] = { active, grown: count };
  }
  return { step: input.step, grown, layers: summary };
}

/**
 * How many entries of `mask` are not 0 (`mask[i] !== 0`: ±0 count as 0, NaN as not 0), by the float32
 * bits and without a branch on the scattered ones: `(b & 0x7fffffff) + 0x7fffffff` reaches 2³¹ exactly
 * when the magnitude bits are not all 0.
 */
function nonZeroCount(mask: Float32Array): number {
  if (!(mask instanceof Float32Array)) {
    let active = 0;
    for (let i = 0; i < (mask as ArrayLike<number>).length; i++) active += (mask as ArrayLike<number>)[i] === 0 ? 0 : 1;
    return active;
  }
  const bits = new Int32Array(mask.buffer, mask.byteOffset, mask.length);
  let count = 0;
  for (let i = 0; i < bits.length; i++) count += (((bits[i] as number) & 0x7fffffff) + 0x7fffffff) >>> 31;
  return count;
}

/**
 * The seed of the mask update before step `step` of a run seeded `seed`:
 * `deriveSeed(seed, 'mask-update', String(step))`. Core's `train()` and `@sparse/sparse-training`'s
 * loop both use it, so a rule draws the same random growth whichever loop runs it.
 *
 * @example
 * ```ts
 * import { maskUpdateSeed } from '@sparse/core';
 *
 * console.log(maskUpdateSeed(7, 100) === maskUpdateSeed(7, 100)); // true
 * ```
 */
export function maskUpdateSeed(seed: number, step: number): number {
  return deriveSeed(seed, 'mask-update', String(step));
}
