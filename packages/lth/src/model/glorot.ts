import { Random, deriveSeed } from '@sparse/core';

/**
 * The standard deviation of a Gaussian Glorot (Xavier) initialisation: `sqrt(2 / (fanIn + fanOut))`
 * (Glorot & Bengio 2010; "Initializations are Gaussian Glorot" in the lottery-ticket paper).
 *
 * @example
 * ```ts
 * import { glorotNormalStd } from '@sparse/lth';
 *
 * console.log(glorotNormalStd(784, 300).toFixed(4)); // 0.0430
 * ```
 */
export function glorotNormalStd(fanIn: number, fanOut: number): number {
  return Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Draws a Gaussian Glorot kernel `[fanIn, fanOut]` (plain normal, not truncated) from the seeded
 * stream `deriveSeed(seed, purpose, name)` of `@sparse/core`, so the same (seed, purpose, name)
 * always gives the same values on every backend.
 *
 * @param seed - the run's seed.
 * @param purpose - what the draw is for: `init` for θ0, `reinit` for the random re-initialisation baseline.
 * @param name - the parameter's name.
 * @returns row-major float32 values.
 *
 * @example
 * ```ts
 * import { glorotNormalValues } from '@sparse/lth';
 *
 * const w = glorotNormalValues(0, 'init', 'fc1/kernel', 784, 300);
 * console.log(w.length); // 235200
 * ```
 */
export function glorotNormalValues(seed: number, purpose: string, name: string, fanIn: number, fanOut: number): Float32Array {
  const rng = new Random(deriveSeed(seed, purpose, name));
  return rng.fillNormal(new Float32Array(fanIn * fanOut), 0, glorotNormalStd(fanIn, fanOut));
}
