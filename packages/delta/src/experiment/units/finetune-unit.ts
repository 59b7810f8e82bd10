import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';
import type { JsonValue, RunUnit } from '@sparse/experiments';
import { adamR } from '../../adamr/adamr.js';
import { isExcluded } from '../../options/exclude.js';
import { regimeLabel, type DeltaRegimeConfig } from '../config.js';
import { accuracy, createMlp, type Weights } from '../mlp.js';
import { writeModelFile } from '../model-file.js';
import type { DeltaStats, FinetuneResult } from '../results.js';
import { modelId, type DeltaRunState } from '../run-state.js';
import { trainMlp } from '../train-mlp.js';

/**
 * The size of the delta `tuned − base`, over the pruned tensors and over the excluded ones.
 *
 * @example
 * ```ts
 * import { deltaStats } from './finetune-unit.js';
 *
 * const base = new Map([['fc1/kernel', new Float32Array([0, 0])]]);
 * const tuned = new Map([['fc1/kernel', new Float32Array([0.1, -0.3])]]);
 * console.log(deltaStats(base, tuned, [/head/]).maxAbs); // ≈ 0.3
 * ```
 */
export function deltaStats(base: Weights, tuned: Weights, exclude: readonly RegExp[]): DeltaStats {
  let sum = 0;
  let squares = 0;
  let max = 0;
  let count = 0;
  let excluded = 0;
  let excludedCount = 0;
  for (const [name, values] of tuned) {
    const b = base.get(name) as Float32Array;
    const skip = isExcluded(name, exclude);
    for (let i = 0; i < values.length; i++) {
      const d = Math.abs((values[i] as number) - (b[i] as number));
      if (skip) {
        excluded += d;
        excludedCount++;
        continue;
      }
      sum += d;
      squares += d * d;
      max = Math.max(max, d);
      count++;
    }
  }
  return { meanAbs: count === 0 ? 0 : sum / count, rms: count === 0 ? 0 : Math.sqrt(squares / count), maxAbs: max, excludedMeanAbs: excludedCount === 0 ? null : excluded / excludedCount };
}

function optimizerOf(regime: DeltaRegimeConfig, variables: readonly tf.Variable[]): tf.Optimizer {
  const settings = regime.optimizer;
  if (settings.name === 'adam') return tf.train.adam(settings.learningRate);
  return adamR({ learningRate: settings.learningRate, lambda: settings.lambda, penalty: settings.penalty, reference: variables });
}

/**
 * What {@link finetuneTaskUnit} fine-tunes: the unit id, the saved model's id, the optimizer and
 * epochs, and the data it trains and is tested on.
 *
 * @example
 * ```ts
 * import type { FinetuneTask } from './finetune-unit.js';
 *
 * declare const task: FinetuneTask;
 * console.log(task.unitId, task.modelId);
 * ```
 */
export interface FinetuneTask {
  readonly unitId: string;
  readonly modelId: string;
  readonly regime: DeltaRegimeConfig;
  /** The training images (read when the unit runs: a multi-seed run loads one seed's data at a time). */
  readonly train: () => ImageSet<Float32Array>;
  readonly test: () => ImageSet<Float32Array>;
}

/**
 * The unit that fine-tunes every parameter of the pretrained model on `task.train` as the regime
 * says (Adam, or AdamR pulling toward the pretrained weights), saves it as
 * `models/<task.modelId>.safetensors` and outputs a {@link FinetuneResult} (accuracy on `task.test`).
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from '../run-state.js';
 * import { finetuneTaskUnit, type FinetuneTask } from './finetune-unit.js';
 *
 * declare const state: DeltaRunState, task: FinetuneTask;
 * console.log(finetuneTaskUnit(state, task).id === task.unitId); // true
 * ```
 */
export function finetuneTaskUnit(state: DeltaRunState, task: FinetuneTask): RunUnit {
  const { config, layers } = state;
  const { regime } = task;
  return {
    id: task.unitId,
    label: `fine-tune ${regime.id}`,
    async run(unit) {
      const base = await state.weights(modelId());
      const model = createMlp(layers, base, `delta/${task.unitId}`);
      let optimizer: tf.Optimizer | undefined;
      try {
        optimizer = optimizerOf(regime, model.parameters.map((p) => p.variable));
        const losses = await trainMlp(model, {
          data: task.train(),
          optimizer,
          epochs: regime.epochs,
          batchSize: config.batchSize,
          seed: deriveSeed(config.seed, 'finetune'),
          unit,
          onEpoch: (epoch, loss) => unit.metric({ phase: 'finetune', regime: regime.id, epoch: epoch + 1, loss }),
        });
        const tuned = model.read();
        await writeModelFile(state.modelPath(task.modelId), layers, tuned);
        const result: FinetuneResult = { accuracy: accuracy(model, task.test()), losses, delta: deltaStats(base, tuned, state.exclude) };
        state.log(`${regime.id} (${regimeLabel(regime)}): fine-tuned ${(100 * result.accuracy).toFixed(2)}%, mean |δ| ${result.delta.meanAbs.toExponential(2)}, max |δ| ${result.delta.maxAbs.toFixed(4)}\n`);
        return result as unknown as JsonValue;
      } finally {
        optimizer?.dispose();
        model.dispose();
      }
    },
  };
}

/**
 * The unit that fine-tunes the pretrained model on the fine-tuning classes as the regime says,
 * saves it as `models/finetuned-<id>.safetensors` and outputs a {@link FinetuneResult}.
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from '../run-state.js';
 * import { finetuneUnit } from './finetune-unit.js';
 *
 * declare const state: DeltaRunState;
 * const unit = finetuneUnit(state, state.config.finetune.regimes[0]!);
 * console.log(unit.id); // finetune/<id>
 * ```
 */
export function finetuneUnit(state: DeltaRunState, regime: DeltaRegimeConfig): RunUnit {
  return finetuneTaskUnit(state, { unitId: `finetune/${regime.id}`, modelId: modelId(regime.id), regime, train: () => state.data.finetune, test: () => state.data.test });
}
