import { z } from 'zod';
import type { MaskUpdateRule } from '@sparse/core';
import type { JsonObject } from '@sparse/experiments';
import type { SparseTrainingMethod } from '../contracts/method.js';
import { riglRule, setRule } from '../dst/mask-update-rules.js';
import { dstRuleOptionsSchema } from '../dst/rule-options.js';
import { layerBudgets } from '../masks/layer-budgets.js';
import { randomMasks } from '../masks/random-masks.js';
import { trainMaskedModel } from '../training/train-masked-model.js';
import { kernelTensors, methodResult, parseMethodOptions, requireSparsity } from './method-support.js';

const distributionShape = {
  distribution: z.enum(['erk', 'uniform']).default('erk').meta({ description: 'Per-layer densities of the random masks: erk (default) or uniform.' }),
  denseFirstLayer: z.boolean().default(false).meta({ description: 'With uniform: keep the first layer dense, its zeros taken from the other layers (same overall budget). Default false.' }),
};

const staticMethodOptionsSchemaDefinition = z.strictObject(distributionShape);

/**
 * The options of the `static` method: `distribution` (`erk`, default, or `uniform`) and
 * `denseFirstLayer` (with `uniform`, default `false`).
 *
 * @example
 * ```ts
 * import { staticMethodOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(staticMethodOptionsSchema.parse({ distribution: 'uniform' })); // { distribution: 'uniform', denseFirstLayer: false }
 * ```
 */
export const staticMethodOptionsSchema: z.ZodObject = staticMethodOptionsSchemaDefinition;

const dynamicMethodOptionsSchemaDefinition = z.strictObject({ ...distributionShape, ...dstRuleOptionsSchema.shape });

/**
 * The options of the `set` and `rigl` methods: those of `static` (the initial random masks) and
 * those of the mask update rule ({@link dstRuleOptionsSchema}: `updateEvery`, `dropFraction`,
 * `endFraction`, `beginStep`).
 *
 * @example
 * ```ts
 * import { dynamicMethodOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(dynamicMethodOptionsSchema.parse({ updateEvery: 50 }).dropFraction); // 0.3
 * ```
 */
export const dynamicMethodOptionsSchema: z.ZodObject = dynamicMethodOptionsSchemaDefinition;

type StaticOptions = z.output<typeof staticMethodOptionsSchemaDefinition>;

function distributionLabel(options: StaticOptions): string {
  return options.distribution === 'uniform' && options.denseFirstLayer ? 'uniform, dense first layer' : options.distribution;
}

function fromScratch(name: string, options: StaticOptions, rule: MaskUpdateRule | undefined, details: JsonObject): SparseTrainingMethod {
  return {
    name,
    label: `${name} (${distributionLabel(options)})`,
    usesSparsity: true,
    plannedSteps: ({ epochs, stepsPerEpoch }) => epochs * stepsPerEpoch,
    async run(context) {
      const sparsity = requireSparsity(context, name);
      const model = context.createModel();
      try {
        const budgets = layerBudgets(kernelTensors(model), sparsity, options);
        // The same purpose for static, set and rigl: a seed's methods start from the same masks.
        const masks = randomMasks(budgets, context.seed, 'random-mask');
        const trained = await trainMaskedModel({ context, model, masks, epochs: context.epochs, seed: context.seed, ...(rule === undefined ? {} : { rule }) });
        const grown = trained.maskUpdates.reduce((sum, update) => sum + update.grown, 0);
        return methodResult(context, model, {
          ...trained,
          details: {
            ...details,
            distribution: options.distribution,
            denseFirstLayer: options.denseFirstLayer,
            initialDensities: Object.fromEntries(budgets.map((b) => [b.name, b.density])),
            ...(rule === undefined
              ? {}
              : {
                  maskUpdates: trained.maskUpdates.length,
                  grown,
                  // The masks' densities (exact); the measured ones can be lower where a grown weight is still exactly 0.
                  finalMaskDensities: Object.fromEntries([...trained.masks].map(([name, mask]) => [name, mask.reduce((a, b) => a + b, 0) / mask.length])),
                }),
          },
        });
      } finally {
        model.dispose();
      }
    },
  };
}

/**
 * The `static` method ("The Unreasonable Effectiveness of Random Pruning", Liu et al. 2022): random
 * masks at exact per-layer counts ({@link layerBudgets}: ERK or uniform densities for the unit's
 * sparsity; {@link randomMasks} with purpose `random-mask`, the same masks `set` and `rigl` start
 * from), trained from θ0 for the whole budget without changing them.
 *
 * @throws SparseError `E_CONFIG` for invalid options; `run` for a unit without a sparsity.
 *
 * @example
 * ```ts
 * import { staticMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext; // context.sparsity = 0.9
 * const result = await staticMethod({ distribution: 'uniform' }).run(context);
 * console.log(result.sparsity, result.layerDensities);
 * ```
 */
export function staticMethod(options: z.input<typeof staticMethodOptionsSchemaDefinition> = {}): SparseTrainingMethod {
  return fromScratch('static', parseMethodOptions(staticMethodOptionsSchemaDefinition, options, 'static'), undefined, {});
}

/**
 * The `set` method (Mocanu et al. 2018, as RigL's baseline): the `static` method's initial masks,
 * changed every ΔT steps by the `set` rule ({@link setRule}: drop the smallest |w|, regrow at
 * random; per-layer density constant).
 *
 * @throws SparseError `E_CONFIG` for invalid options.
 *
 * @example
 * ```ts
 * import { setMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const result = await setMethod({ updateEvery: 100 }).run(context);
 * console.log(result.details?.['maskUpdates']);
 * ```
 */
export function setMethod(options: z.input<typeof dynamicMethodOptionsSchemaDefinition> = {}): SparseTrainingMethod {
  const parsed = parseMethodOptions(dynamicMethodOptionsSchemaDefinition, options, 'set');
  const { distribution, denseFirstLayer, ...ruleOptions } = parsed;
  return fromScratch('set', { distribution, denseFirstLayer }, setRule(ruleOptions), { ...ruleOptions });
}

/**
 * The `rigl` method (Evci et al. 2020): the `static` method's initial masks, changed every ΔT steps
 * by the `rigl` rule ({@link riglRule}: drop the smallest |w|, regrow the largest dense |gradient|;
 * per-layer density constant). Needs an engine with `maskAccess` (every engine of core and the
 * wasm backend).
 *
 * @throws SparseError `E_CONFIG` for invalid options.
 *
 * @example
 * ```ts
 * import { riglMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const result = await riglMethod().run(context);
 * console.log(result.testAccuracy, result.details?.['grown']);
 * ```
 */
export function riglMethod(options: z.input<typeof dynamicMethodOptionsSchemaDefinition> = {}): SparseTrainingMethod {
  const parsed = parseMethodOptions(dynamicMethodOptionsSchemaDefinition, options, 'rigl');
  const { distribution, denseFirstLayer, ...ruleOptions } = parsed;
  return fromScratch('rigl', { distribution, denseFirstLayer }, riglRule(ruleOptions), { ...ruleOptions });
}
