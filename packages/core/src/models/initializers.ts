import { echoValue } from '../runtime/options-issues.js';
import { SparseError } from '../errors.js';
import { deriveSeed } from '../random/derive-seed.js';
import { Random } from '../random/random.js';

/**
 * Draws a dense kernel `[fanIn, fanOut]` (row-major float32) from a seeded {@link Random}. The
 * caller seeds the stream; {@link initialDenseMlpWeights} gives each kernel its own,
 * `new Random(deriveSeed(seed, purpose, '<layer>/kernel'))`, so one kernel's values never depend on
 * another's shape or order.
 *
 * @example
 * ```ts
 * import { Random, type KernelInitializer } from '@sparse/core';
 *
 * // a custom initializer: LeCun normal, N(0, 1/fanIn)
 * const lecunNormal: KernelInitializer = (random, fanIn, fanOut) =>
 *   random.fillNormal(new Float32Array(fanIn * fanOut), 0, Math.sqrt(1 / fanIn));
 * const kernel = lecunNormal(Random.derived(0, 'init', 'fc1/kernel'), 784, 300);
 * ```
 */
export type KernelInitializer = (random: Random, fanIn: number, fanOut: number) => Float32Array;

/**
 * Glorot (Xavier) uniform: `U(−limit, limit)` with `limit = √(6 / (fanIn + fanOut))`, one
 * `nextFloat` per value in row-major order (tfjs-layers' default kernel initializer, drawn from
 * core's stream instead of tfjs's).
 *
 * @example
 * ```ts
 * import { Random, glorotUniform } from '@sparse/core';
 *
 * const w = glorotUniform(Random.derived(0, 'init', 'fc1/kernel'), 784, 300);
 * console.log(w.length); // 235200
 * ```
 */
export const glorotUniform: KernelInitializer = (random, fanIn, fanOut) => {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return random.fillUniform(new Float32Array(fanIn * fanOut), -limit, limit);
};

/**
 * Gaussian Glorot (Xavier): `N(0, 2 / (fanIn + fanOut))`, not truncated (Glorot & Bengio 2010;
 * "Initializations are Gaussian Glorot" in the lottery-ticket paper).
 *
 * @example
 * ```ts
 * import { Random, glorotNormal } from '@sparse/core';
 *
 * const w = glorotNormal(Random.derived(0, 'init', 'fc1/kernel'), 784, 300);
 * ```
 */
export const glorotNormal: KernelInitializer = (random, fanIn, fanOut) => random.fillNormal(new Float32Array(fanIn * fanOut), 0, Math.sqrt(2 / (fanIn + fanOut)));

/**
 * He (Kaiming) normal: `N(0, 2 / fanIn)`, not truncated (He et al. 2015), for ReLU networks.
 *
 * @example
 * ```ts
 * import { Random, heNormal } from '@sparse/core';
 *
 * const w = heNormal(Random.derived(0, 'init', 'fc1/kernel'), 784, 256);
 * ```
 */
export const heNormal: KernelInitializer = (random, fanIn, fanOut) => random.fillNormal(new Float32Array(fanIn * fanOut), 0, Math.sqrt(2 / fanIn));

/**
 * The layers of a dense network: sizes and, optionally, names.
 *
 * @example
 * ```ts
 * import type { DenseMlpArchitecture } from '@sparse/core';
 *
 * const lenet: DenseMlpArchitecture = { layerSizes: [784, 300, 100, 10] }; // fc1, fc2, fc3
 * const named: DenseMlpArchitecture = { layerSizes: [784, 256, 10], layerNames: ['fc1', 'head'] };
 * ```
 */
export interface DenseMlpArchitecture {
  /** Units per layer, input first: LeNet-300-100 is `[784, 300, 100, 10]`. At least two positive integers. */
  readonly layerSizes: readonly number[];
  /**
   * One unique name per layer (`layerSizes.length − 1` of them), input side first; the layer's
   * parameters are `<name>/kernel` and `<name>/bias`. Default `fc1` … `fcN`.
   */
  readonly layerNames?: readonly string[];
}

/**
 * One dense layer: its name and its widths (kernel `[inputs, outputs]`, bias `[outputs]`).
 *
 * @example
 * ```ts
 * import { denseMlpLayers, type DenseMlpLayer } from '@sparse/core';
 *
 * const [first]: DenseMlpLayer[] = denseMlpLayers({ layerSizes: [784, 300, 10] });
 * console.log(first); // { name: 'fc1', inputs: 784, outputs: 300 }
 * ```
 */
export interface DenseMlpLayer {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
}

/**
 * The layers of an architecture, input first, after checking it.
 *
 * @throws SparseError `E_ARGUMENT` when fewer than two sizes, a size that is not a positive
 * integer, or layer names that are not one unique non-empty name per layer.
 *
 * @example
 * ```ts
 * import { denseMlpLayers } from '@sparse/core';
 *
 * const layers = denseMlpLayers({ layerSizes: [784, 256, 10], layerNames: ['fc1', 'head'] });
 * console.log(layers.map((l) => `${l.name} ${l.inputs}→${l.outputs}`)); // ['fc1 784→256', 'head 256→10']
 * ```
 */
export function denseMlpLayers(architecture: DenseMlpArchitecture): DenseMlpLayer[] {
  const { layerSizes, layerNames } = architecture;
  if (!Array.isArray(layerSizes) || layerSizes.length < 2 || layerSizes.some((size) => !Number.isSafeInteger(size) || size < 1)) {
    throw new SparseError('E_ARGUMENT', `layerSizes must list at least two positive integers (input first), got ${echoValue(layerSizes)}.`, {
      field: 'layerSizes',
      received: layerSizes,
      allowed: 'e.g. [784, 300, 100, 10]',
    });
  }
  const count = layerSizes.length - 1;
  const names = layerNames ?? Array.from({ length: count }, (_, i) => `fc${i + 1}`);
  if (names.length !== count || names.some((name) => typeof name !== 'string' || name === '') || new Set(names).size !== count) {
    throw new SparseError('E_ARGUMENT', `layerNames must give ${count} unique non-empty names (one per layer), got ${echoValue(layerNames)}.`, {
      field: 'layerNames',
      received: layerNames,
      allowed: `${count} unique names`,
    });
  }
  return names.map((name, i) => ({ name, inputs: layerSizes[i] as number, outputs: layerSizes[i + 1] as number }));
}

/**
 * How {@link initialDenseMlpWeights} draws: the initializer, the run's seed and what the draw is
 * for (`init` by default; e.g. `reinit` for a re-initialisation baseline gives other values from
 * the same distribution).
 *
 * @example
 * ```ts
 * import { heNormal, type DenseMlpInitializer } from '@sparse/core';
 *
 * const init: DenseMlpInitializer = { initializer: heNormal, seed: 0 };
 * ```
 */
export interface DenseMlpInitializer {
  readonly initializer: KernelInitializer;
  readonly seed: number;
  /** The `purpose` of {@link deriveSeed}. Default `init`. */
  readonly purpose?: string;
}

/**
 * Seeded initial weights of a dense network: each kernel from
 * `initializer(new Random(deriveSeed(seed, purpose, '<layer>/kernel')), inputs, outputs)`, biases
 * zero; `<layer>/kernel`, `<layer>/bias` in layer order. The same (initializer, seed, purpose,
 * layer name, widths) always gives the same values, whatever the other layers.
 *
 * @throws SparseError `E_ARGUMENT` for an invalid architecture or seed.
 *
 * @example
 * ```ts
 * import { glorotUniform, initialDenseMlpWeights } from '@sparse/core';
 *
 * const weights = initialDenseMlpWeights({ layerSizes: [784, 300, 100, 10] }, { initializer: glorotUniform, seed: 0 });
 * console.log([...weights.keys()]); // fc1/kernel, fc1/bias, fc2/kernel, fc2/bias, fc3/kernel, fc3/bias
 * ```
 */
export function initialDenseMlpWeights(architecture: DenseMlpArchitecture, init: DenseMlpInitializer): Map<string, Float32Array> {
  const purpose = init.purpose ?? 'init';
  const weights = new Map<string, Float32Array>();
  for (const { name, inputs, outputs } of denseMlpLayers(architecture)) {
    const kernel = `${name}/kernel`;
    weights.set(kernel, init.initializer(new Random(deriveSeed(init.seed, purpose, kernel)), inputs, outputs));
    weights.set(`${name}/bias`, new Float32Array(outputs));
  }
  return weights;
}
