import type { ActivationModel } from './activation-model.js';

/**
 * A model architecture with its sizes, as the `activation` experiment names it
 * (`{ "name": "gated-mlp", "dModel": 128 }`): it makes fresh, seeded models of that shape.
 *
 * @example
 * ```ts
 * import { gatedMlpBuilder, type ModelBuilder } from '@sparse/activation';
 *
 * const builder: ModelBuilder = gatedMlpBuilder({ dModel: 32, hidden: 64, blocks: 2 });
 * const model = builder.create(7);
 * console.log(builder.description, model.flopsPerExample);
 * model.dispose();
 * ```
 */
export interface ModelBuilder {
  /** The name it is registered under (`gated-mlp`). */
  readonly name: string;
  /** One line for reports: the architecture and its sizes. */
  readonly description: string;
  /** A new model, initialised from `seed`. */
  create(seed: number): ActivationModel;
  /**
   * The same architecture with ReLU in place of the gate's SiLU (the naive "ReLU swap"), for
   * models that have gates; its parameters come in the same order as {@link ModelBuilder.create}'s.
   */
  readonly reluSwap?: (seed: number) => ActivationModel;
}
