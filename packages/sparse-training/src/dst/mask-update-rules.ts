import { Random, SparseError, deriveSeed, type MaskUpdate, type MaskUpdateRequest, type MaskUpdateRule } from '@sparse/core';
import type { z } from 'zod';
import { cosineDropFraction } from './drop-fraction.js';
import { dropAndGrowCounted, type GrowSelection } from './drop-grow.js';
import { parseDstRuleOptions, type DstRuleOptions, type dstRuleOptionsSchema } from './rule-options.js';

/**
 * The step at which a `set`/`rigl` rule stops updating: `T_end = floor(endFraction · totalSteps)`.
 *
 * @example
 * ```ts
 * import { dstEndStep } from '@sparse/sparse-training';
 *
 * console.log(dstEndStep({ endFraction: 0.75 }, 4600)); // 3450
 * ```
 */
export function dstEndStep(options: Pick<DstRuleOptions, 'endFraction'>, totalSteps: number): number {
  return Math.floor(options.endFraction * totalSteps);
}

/**
 * Whether a `set`/`rigl` rule updates the masks before step `step`: `beginStep ≤ step < T_end`,
 * `(step − beginStep)` a multiple of `updateEvery`, and never at step 0 (the masks were just
 * drawn). RigL's code checks `begin ≤ step ≤ end` and `last_update + ΔT ≤ step` with
 * `last_update = −ΔT` at the start, so it also updates at step 0 and at `T_end`, where the cosine
 * fraction is 0 (an update that changes nothing); we skip both.
 *
 * @example
 * ```ts
 * import { isDstUpdateStep } from '@sparse/sparse-training';
 *
 * const options = { updateEvery: 100, dropFraction: 0.3, endFraction: 0.75, beginStep: 0 };
 * console.log([0, 100, 150, 3400, 3500].map((step) => isDstUpdateStep(options, step, 4600))); // [false, true, false, true, false]
 * ```
 */
export function isDstUpdateStep(options: DstRuleOptions, step: number, totalSteps: number): boolean {
  return step > 0 && step >= options.beginStep && step < dstEndStep(options, totalSteps) && (step - options.beginStep) % options.updateEvery === 0;
}

function dstRule(name: 'set' | 'rigl', options: DstRuleOptions): MaskUpdateRule {
  const needsGradients = name === 'rigl';
  return {
    name,
    needsGradients,
    isUpdateStep: (step, totalSteps) => isDstUpdateStep(options, step, totalSteps),
    update(request: MaskUpdateRequest): MaskUpdate {
      const fraction = cosineDropFraction(request.step, options.dropFraction, dstEndStep(options, request.totalSteps));
      const masks = new Map<string, Float32Array>();
      const grown = new Map<string, Uint32Array>();
      for (const layer of request.layers) {
        let selection: GrowSelection;
        if (needsGradients) {
          if (layer.gradients === undefined) {
            throw new SparseError('E_ARGUMENT', `rigl: the mask update of '${layer.name}' has no dense gradients; the engine's maskAccess must provide them (denseGradients).`, { field: `layers.${layer.name}.gradients`, received: undefined });
          }
          selection = { by: 'magnitude', values: layer.gradients };
        } else {
          selection = { by: 'random', random: new Random(deriveSeed(request.seed, 'set-grow', layer.name)) };
        }
        const result = dropAndGrowCounted(layer.weights, layer.mask, (active) => Math.min(active, Math.floor(fraction * active)), selection);
        masks.set(layer.name, result.mask);
        grown.set(layer.name, result.grown);
      }
      return { masks, grown };
    },
  };
}

/**
 * SET (Mocanu et al. 2018) as a {@link MaskUpdateRule}: every `updateEvery` steps until `T_end`,
 * each layer drops `floor(f(t) · active)` of its active weights with the smallest `|w|` (ties by
 * lower flat index) and grows as many uniformly at random among the entries not kept (a seeded
 * partial Fisher–Yates from `deriveSeed(request.seed, 'set-grow', layer)`; RigL's code ranks
 * uniform random scores with `top_k` instead, the same distribution). `f(t)` is RigL's
 * cosine drop fraction (SET's paper uses a constant ζ = 0.3; RigL's SET baseline anneals it as
 * here). Grown weights start at 0 with fresh Adam moments (the engine does that). Density per
 * layer is exactly constant. Semantics otherwise as RigL's `SparseSETOptimizerBase`; see
 * {@link dropAndGrowCounted} and {@link isDstUpdateStep} for the deliberate differences, and note that
 * the training loop still takes its optimizer step after an update (RigL's RigL optimizer skips
 * the gradient step of an update iteration).
 *
 * @throws SparseError `E_CONFIG` for invalid options.
 *
 * @example
 * ```ts
 * import { setRule } from '@sparse/sparse-training';
 *
 * const rule = setRule({ updateEvery: 50 });
 * console.log(rule.isUpdateStep(100, 1000), rule.needsGradients); // true false
 * ```
 */
export function setRule(options: z.input<typeof dstRuleOptionsSchema> = {}): MaskUpdateRule {
  return dstRule('set', parseDstRuleOptions(options, 'set'));
}

/**
 * RigL (Evci et al. 2020) as a {@link MaskUpdateRule}: like {@link setRule}, but grows the
 * entries (not kept after the drop) with the largest `|∂L/∂w|` of the current minibatch's dense
 * gradient (ties by lower flat index), as RigL's `SparseRigLOptimizerBase`. Needs the engine's
 * dense gradients (`needsGradients`).
 *
 * @throws SparseError `E_CONFIG` for invalid options; `update` throws `E_ARGUMENT` when a layer
 *   comes without gradients.
 *
 * @example
 * ```ts
 * import { riglRule } from '@sparse/sparse-training';
 *
 * const rule = riglRule();
 * const update = rule.update({
 *   step: 100,
 *   totalSteps: 1000,
 *   seed: 1,
 *   layers: [{ name: 'w', shape: [4], weights: Float32Array.of(0.5, 0, -0.1, 0.3), mask: Float32Array.of(1, 0, 1, 1), gradients: Float32Array.of(0, 2, 0, 0) }],
 * });
 * console.log(update.grown.get('w')); // nothing: floor(0.29 · 3) = 0 entries dropped
 * ```
 */
export function riglRule(options: z.input<typeof dstRuleOptionsSchema> = {}): MaskUpdateRule {
  return dstRule('rigl', parseDstRuleOptions(options, 'rigl'));
}
