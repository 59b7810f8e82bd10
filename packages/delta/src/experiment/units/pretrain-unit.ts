import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed } from '@sparse/core';
import type { JsonValue, RunUnit } from '@sparse/experiments';
import { accuracy, createMlp, initialWeights } from '../mlp.js';
import { writeModelFile } from '../model-file.js';
import type { PretrainResult } from '../results.js';
import { modelId, type DeltaRunState } from '../run-state.js';
import { trainMlp } from '../train-mlp.js';

const pct = (value: number) => (100 * value).toFixed(2);

/**
 * The unit that pretrains the base model from `initialWeights(seed)` on the pretraining classes
 * with Adam, saves it as `models/pretrained.safetensors` and outputs a {@link PretrainResult}.
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from '../run-state.js';
 * import { pretrainUnit } from './pretrain-unit.js';
 *
 * declare const state: DeltaRunState;
 * console.log(pretrainUnit(state).id); // pretrain
 * ```
 */
export function pretrainUnit(state: DeltaRunState): RunUnit {
  const { config, layers, data } = state;
  return {
    id: 'pretrain',
    label: 'pretrain',
    async run(unit) {
      const model = createMlp(layers, initialWeights(layers, config.seed), 'delta/pretrain');
      let optimizer: tf.Optimizer | undefined;
      try {
        optimizer = tf.train.adam(config.pretrain.learningRate);
        const losses = await trainMlp(model, {
          data: data.pretrain,
          optimizer,
          epochs: config.pretrain.epochs,
          batchSize: config.batchSize,
          seed: deriveSeed(config.seed, 'pretrain'),
          unit,
          onEpoch: (epoch, loss) => unit.metric({ phase: 'pretrain', epoch: epoch + 1, loss }),
        });
        const weights = model.read();
        await writeModelFile(state.modelPath(modelId()), layers, weights);
        const result: PretrainResult = { accuracy: accuracy(model, data.test), pretrainAccuracy: accuracy(model, data.pretrainTest), losses };
        state.log(`pretrained: ${pct(result.pretrainAccuracy)}% on classes ${config.pretrain.classes.join(',')}, ${pct(result.accuracy)}% on the fine-tuning task\n`);
        return result as unknown as JsonValue;
      } finally {
        optimizer?.dispose();
        model.dispose();
      }
    },
  };
}
