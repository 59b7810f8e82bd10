import { z } from 'zod';
import type { SparseTrainingMethod } from '../contracts/method.js';
import { trainMaskedModel } from '../training/train-masked-model.js';
import { methodResult, parseMethodOptions } from './method-support.js';

/**
 * The options of the `dense` method: none.
 *
 * @example
 * ```ts
 * import { denseMethodOptionsSchema } from '@sparse/sparse-training';
 *
 * console.log(denseMethodOptionsSchema.safeParse({ sparsity: 0.9 }).success); // false: dense takes no options
 * ```
 */
export const denseMethodOptionsSchema = z.strictObject({});

/**
 * The `dense` method: the MLP trained from θ0 without masks for the experiment's budget (the
 * reference every sparse method is compared with). Runs once per seed (`usesSparsity: false`).
 *
 * @example
 * ```ts
 * import { denseMethod, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const result = await denseMethod().run(context);
 * console.log(result.testAccuracy, result.sparsity); // sparsity ≈ 0
 * ```
 */
export function denseMethod(options: z.input<typeof denseMethodOptionsSchema> = {}): SparseTrainingMethod {
  parseMethodOptions(denseMethodOptionsSchema, options, 'dense');
  return {
    name: 'dense',
    label: 'dense',
    usesSparsity: false,
    plannedSteps: ({ epochs, stepsPerEpoch }) => epochs * stepsPerEpoch,
    async run(context) {
      const model = context.createModel();
      try {
        const trained = await trainMaskedModel({ context, model, masks: new Map(), epochs: context.epochs, seed: context.seed });
        return methodResult(context, model, trained);
      } finally {
        model.dispose();
      }
    },
  };
}
