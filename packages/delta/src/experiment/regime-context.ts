import type { DenseMlpLayer } from '@sparse/core';
import type { AnalyticalQLayer } from '../choose-q/analytical-q.js';
import { meanAbsoluteChange } from '../choose-q/output-change.js';
import type { DeltaPlanData } from '../methods/delta-method.js';
import { isExcluded } from '../options/exclude.js';
import type { DeltaPruneOptions } from '../options/delta-prune-options.js';
import { pruneDeltas } from '../tensors/prune-deltas.js';
import { accuracy, createMlp, hiddenOutput, inputMeans, type Weights } from './mlp.js';
import type { DeltaTaskData } from './task-data.js';

/**
 * Everything the units of one fine-tuned model share: both models, one model to evaluate pruned
 * weights with, the plan data of methods that choose `q` (validation accuracy, output change of
 * the last hidden layer, dense layers with their mean inputs), and the pruning itself.
 *
 * @example
 * ```ts
 * import { type RegimeContext } from './regime-context.js';
 *
 * declare const regime: RegimeContext;
 * const pruned = await regime.prune({ rate: 0.9, seed: 0 });
 * console.log(regime.testAccuracy(pruned));
 * ```
 */
export interface RegimeContext {
  readonly base: Weights;
  readonly tuned: Weights;
  /** What methods that choose their rescale from data may ask for. */
  readonly planData: DeltaPlanData;
  /** `base + δ̃` pruned with `options` and the experiment's excluded tensors. */
  prune(options: DeltaPruneOptions): Promise<Weights>;
  /** Test accuracy of the weights (fine-tuning classes). */
  testAccuracy(weights: Weights): number;
  /** Mean absolute change of the last hidden layer on the calibration inputs, against the fine-tuned model. */
  outputChange(weights: Weights): number;
  /** Frees the evaluation model. */
  dispose(): void;
}

/**
 * Builds the {@link RegimeContext} of a fine-tuned model.
 *
 * @example
 * ```ts
 * import type { DenseMlpLayer } from '@sparse/core';
 * import { type Weights } from './mlp.js';
 * import { createRegimeContext } from './regime-context.js';
 * import { type DeltaTaskData } from './task-data.js';
 *
 * declare const layers: DenseMlpLayer[], base: Weights, tuned: Weights, data: DeltaTaskData;
 * const regime = createRegimeContext({ layers, base, tuned, data, exclude: [/head/], dropSeeds: [0, 1] });
 * regime.dispose();
 * ```
 */
export function createRegimeContext(options: {
  readonly layers: readonly DenseMlpLayer[];
  readonly base: Weights;
  readonly tuned: Weights;
  readonly data: DeltaTaskData;
  readonly exclude: readonly RegExp[];
  readonly dropSeeds: readonly number[];
}): RegimeContext {
  const { layers, base, tuned, data, exclude } = options;
  const evaluator = createMlp(layers, tuned);
  try {
    const reference = hiddenOutput(evaluator, data.calibration);
    const means = inputMeans(evaluator, data.calibration);
    const analyticalLayers: AnalyticalQLayer[] = layers
      .filter(({ name }) => !isExcluded(`${name}/kernel`, exclude))
      .map(({ name, inputs, outputs }) => {
        const delta = (tensor: string) => {
          const b = base.get(tensor) as Float32Array;
          return (tuned.get(tensor) as Float32Array).map((value, i) => value - (b[i] as number));
        };
        return { name: `${name}/kernel`, delta: delta(`${name}/kernel`), inputs, outputs, inputMean: means.get(name) as Float32Array, biasName: `${name}/bias`, biasDelta: delta(`${name}/bias`) };
      });
    const prune = async (pruneOptions: DeltaPruneOptions) => (await pruneDeltas(base, tuned, { ...pruneOptions, exclude })).tensors;
    const changeOf = (weights: Weights) => {
      evaluator.write(weights);
      return meanAbsoluteChange(reference, hiddenOutput(evaluator, data.calibration));
    };
    return {
      base,
      tuned,
      planData: {
        dropSeeds: options.dropSeeds,
        validationAccuracy: async (pruneOptions) => {
          evaluator.write(await prune(pruneOptions));
          return accuracy(evaluator, data.validation);
        },
        outputChange: async (pruneOptions) => changeOf(await prune(pruneOptions)),
        layers: analyticalLayers,
      },
      prune,
      testAccuracy(weights) {
        evaluator.write(weights);
        return accuracy(evaluator, data.test);
      },
      outputChange: changeOf,
      dispose: () => evaluator.dispose(),
    };
  } catch (error) {
    evaluator.dispose();
    throw error;
  }
}
