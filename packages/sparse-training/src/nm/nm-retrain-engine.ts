import type { MethodContext, MethodResult } from '../contracts/method.js';
import { trainMaskedModel } from '../training/train-masked-model.js';
import { nmMask } from './nm-mask.js';
import { measureNmModel } from './run-nm-training.js';

/**
 * `nm-retrain` on a training engine (the `engine` route): dense training for
 * `round(denseFraction·epochs)` epochs (an empty mask set), the one-shot N:M magnitude mask of the
 * trained kernels ({@link nmMask}), then the remaining epochs retrained with that mask fixed on a
 * freshly started engine (a fresh Adam; the engine keeps masked weights at zero). The engine is the
 * context's, or the fastest that accepts the model (`dense-trainer`, else `fused`), as for the
 * `dense` baseline. Each phase's data order starts at epoch 0 of the loader.
 *
 * @example
 * ```ts
 * import { runNmRetrainOnEngine, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const result = await runNmRetrainOnEngine(context, { n: 2, m: 4, denseFraction: 0.5 }, {});
 * console.log(result.engine, result.testAccuracy, result.details);
 * ```
 */
export async function runNmRetrainOnEngine(
  context: MethodContext,
  options: { readonly n: number; readonly m: number; readonly denseFraction: number },
  details: Readonly<Record<string, string | number | boolean | Readonly<Record<string, string | number | boolean>>>>,
): Promise<MethodResult> {
  const { n, m } = options;
  const denseEpochs = Math.min(context.epochs, Math.round(options.denseFraction * context.epochs));
  const model = context.createModel();
  try {
    const dense = await trainMaskedModel({ context, model, masks: new Map(), epochs: denseEpochs, seed: context.seed });
    const masks = new Map(
      model.denseLayers.map(({ kernel }) => {
        const [inputs = 0, outputs = 0] = kernel.variable.shape;
        return [kernel.name, nmMask(kernel.variable.dataSync() as Float32Array, inputs, outputs, n, m)] as const;
      }),
    );
    const retrain = await trainMaskedModel({ context, model, masks, epochs: context.epochs - denseEpochs, seed: context.seed, stepsBefore: dense.steps });
    const measured = measureNmModel(context, model, n, m);
    const curve = [
      ...dense.curve.map(({ epoch, validationAccuracy }) => ({ epoch, validationAccuracy })),
      ...retrain.curve.map(({ epoch, validationAccuracy }) => ({ epoch: epoch + denseEpochs, validationAccuracy })),
    ];
    return {
      engine: retrain.steps > 0 ? retrain.engine : dense.engine,
      validationAccuracy: measured.validationAccuracy,
      testAccuracy: measured.testAccuracy,
      sparsity: measured.sparsity,
      layerDensities: measured.layerDensities,
      curve,
      steps: dense.steps + retrain.steps,
      details: { ...details, denseEpochs, retrainEpochs: context.epochs - denseEpochs, denseSteps: dense.steps, retrainSteps: retrain.steps, nmViolations: measured.nmViolations },
    };
  } finally {
    model.dispose();
  }
}
