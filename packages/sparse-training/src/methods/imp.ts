import { z } from 'zod';
import { floorCount, type DenseMlp } from '@sparse/core';
import type { JsonObject } from '@sparse/experiments';
import type { SparseTrainingMethod } from '../contracts/method.js';
import { smallestCandidates } from '../dst/exact-selection.js';
import { trainMaskedModel, type MaskedTrainingResult } from '../training/train-masked-model.js';
import { kernelTensors, measureKernelSparsity, methodResult, parseMethodOptions, requireSparsity } from './method-support.js';

/**
 * The options of the `imp` method: `rounds` R of pruning (default 5).
 *
 * @example
 * ```ts
 * import { impMethodOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(impMethodOptionsSchema.parse({})); // { rounds: 5 }
 * ```
 */
export const impMethodOptionsSchema = z.strictObject({
  rounds: z.int().min(1).max(50).default(5).meta({ description: 'Pruning rounds R: each kernel keeps (1 − s)^(k/R) of its weights after round k; R + 1 trainings in all. Default 5.' }),
});

/**
 * The entries each kernel keeps after IMP round `round` of `rounds` on the way to `density`:
 * `N − ⌊(1 − density^(round/rounds)) · N⌋`, so every round removes the same fraction
 * `1 − density^(1/rounds)` of the remaining weights (to rounding) and the last round lands on the
 * uniform budget `N − ⌊s·N⌋` exactly.
 *
 * @example
 * ```ts
 * import { impKeptAfterRound } from '@sparse/sparse-training';
 *
 * console.log([1, 2].map((round) => impKeptAfterRound(1000, 0.25, round, 2))); // [500, 250]
 * ```
 */
export function impKeptAfterRound(size: number, density: number, round: number, rounds: number): number {
  return size - floorCount((1 - density ** (round / rounds)) * size);
}

/** Removes, from each kernel's active entries, the smallest |w| down to `kept` (ties by lower flat index). */
function magnitudePrune(weights: ReadonlyMap<string, Float32Array>, masks: Map<string, Float32Array>, kept: ReadonlyMap<string, number>): void {
  for (const [name, mask] of masks) {
    const values = weights.get(name) as Float32Array;
    const active: number[] = [];
    for (let i = 0; i < mask.length; i += 1) if (mask[i] === 1) active.push(i);
    const indices = Uint32Array.from(active);
    const scores = Float64Array.from(indices, (i) => {
      const w = Math.abs(values[i] as number);
      return Number.isNaN(w) ? -Infinity : w;
    });
    const prune = Math.max(0, indices.length - (kept.get(name) as number));
    for (const index of smallestCandidates(indices, scores, prune)) mask[index] = 0;
  }
}

/**
 * The `imp` method: iterative magnitude pruning with rewinding to θ0 (Frankle & Carbin 2019, the
 * lottery ticket; spec A.1): train dense from θ0 for the budget, then R times: prune each kernel's
 * smallest-|w| remaining weights (layerwise, the same rate for every kernel, the output layer
 * included: the LTH paper prunes the output layer at half the rate; we keep one rate so the final
 * per-layer sparsity is the uniform `s`, and say so), reset every parameter to θ0 and train the
 * masked network for the full budget again. Per-round counts from {@link impKeptAfterRound}. The
 * result is the last round's (the ticket at the unit's sparsity); `details.rounds` lists every
 * round. Runs `(R + 1) ·` budget steps, more than the other methods: IMP's true cost.
 *
 * @throws SparseError `E_CONFIG` for invalid options.
 *
 * @example
 * ```ts
 * import { impMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const result = await impMethod({ rounds: 3 }).run(context);
 * console.log(result.details?.['rounds']);
 * ```
 */
export function impMethod(options: z.input<typeof impMethodOptionsSchema> = {}): SparseTrainingMethod {
  const { rounds } = parseMethodOptions(impMethodOptionsSchema, options, 'imp');
  return {
    name: 'imp',
    label: `imp (${rounds} rounds)`,
    usesSparsity: true,
    plannedSteps: ({ epochs, stepsPerEpoch }) => (rounds + 1) * epochs * stepsPerEpoch,
    async run(context) {
      const density = 1 - requireSparsity(context, 'imp');
      const history: JsonObject[] = [];
      let masks = new Map<string, Float32Array>();
      let steps = 0;
      let model: DenseMlp | undefined;
      let last: MaskedTrainingResult | undefined;
      try {
        for (let round = 0; round <= rounds; round += 1) {
          model?.dispose();
          model = context.createModel();
          last = await trainMaskedModel({ context, model, masks, epochs: context.epochs, seed: context.seed, stepsBefore: steps });
          steps += last.steps;
          const measured = measureKernelSparsity(model);
          const validationAccuracy = last.curve.at(-1)?.validationAccuracy ?? context.evaluate(model, 'validation').accuracy;
          history.push({ round, sparsity: measured.sparsity, validationAccuracy });
          context.log(`imp round ${round}/${rounds}: sparsity ${measured.sparsity.toFixed(4)}, validation accuracy ${validationAccuracy.toFixed(4)}`);
          if (round === rounds) break;
          const tensors = kernelTensors(model);
          if (masks.size === 0) masks = new Map(tensors.map((t) => [t.name, new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(1)]));
          const kept = new Map(tensors.map((t) => [t.name, impKeptAfterRound(t.shape.reduce((a, b) => a * b, 1), density, round + 1, rounds)]));
          magnitudePrune(model.read(), masks, kept);
        }
        const final = last as MaskedTrainingResult;
        return methodResult(context, model as DenseMlp, { engine: final.engine, curve: final.curve, steps, details: { rounds: history, ratePerRound: 1 - density ** (1 / rounds) } });
      } finally {
        model?.dispose();
      }
    },
  };
}
