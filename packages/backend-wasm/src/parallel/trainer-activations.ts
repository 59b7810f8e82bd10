/**
 * The hidden activations a dense trainer applies besides ReLU, and their derivatives (internal
 * module of `parallel/`), as tfjs-layers defines them:
 *
 * - `gelu`: tfjs-layers' `'gelu'` (its `Gelu` class), the exact form `x · Φ(x)` with
 *   `Φ(x) = ½ (1 + erf(x / √2))` (not the tanh approximation, which is tfjs-layers' `'gelu_new'`);
 * - `silu`: tfjs-layers' `'swish'` (with its default `alpha = 1`) and `@sparse/activation`'s `silu`,
 *   `x · sigmoid(x)`.
 *
 * They run on the host (JavaScript) over the trainer's memory, in float64 rounded once to float32 on
 * the store: `Math.exp` is accurate to about an ulp of float64, {@link erf} to a few ulps and
 * {@link erfc} to 1e-11 relative (float32's rounding: 6e-8), so every value stored is the float32
 * rounding of the exact function's value or, rarely, its neighbour. JavaScript's `Math` gives the same bits on every thread of one engine, so the
 * trainer's results do not depend on its thread count.
 */

/** A hidden layer's activation in a dense trainer. */
export type TrainerActivation = 'relu' | 'gelu' | 'silu';

/** A dense trainer's loss on its last (linear) layer's outputs. */
export type TrainerLoss = 'softmax-cross-entropy' | 'mean-squared-error';

/** The activations a hidden layer may have, and the losses, as error messages list them. */
export const TRAINER_ACTIVATIONS: readonly TrainerActivation[] = ['relu', 'gelu', 'silu'];
export const TRAINER_LOSSES: readonly TrainerLoss[] = ['softmax-cross-entropy', 'mean-squared-error'];

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_TWO = Math.SQRT1_2;
const ONE_OVER_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The complementary error function `erfc(z) = 1 − erf(z)` in float64 (JavaScript has no `Math.erf`).
 * `|z| < 3`: `1 − erf(z)`, erf from a Taylor table built at load from its series
 * `erf(z) = (2/√π) e^{−z²} Σ_n (2z²)^n z / (1·3·…·(2n+1))` (every term positive, no cancellation;
 * the subtraction leaves erfc a relative error below 1e-11 at z < 3, against float32's 6e-8); `z ≥ 3`: the continued fraction `erfc(z) = e^{−z²}/√π · 1/(z + ½/(z + 1/(z + 3⁄2/(z + …))))`
 * evaluated backwards from a fixed depth; `z ≤ −3`: `2 − erfc(−z)`.
 */
export function erfc(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const a = Math.abs(z);
  if (a < NEAR) return 1 - erfNear(z);
  if (a > 27) return z > 0 ? 0 : 2;
  // Backward evaluation of the continued fraction; 30 levels give float64 accuracy from z = 3 on
  // (measured against 2,000 levels: 2e-13 relative with 20 levels at z = 3, 0 with 30).
  let tail = a;
  for (let n = 30; n >= 1; n--) tail = a + n / 2 / tail;
  const value = (ONE_OVER_SQRT_PI * Math.exp(-a * a)) / tail;
  return z > 0 ? value : 2 - value;
}

/** `erf(z)`: `(2/√π) e^{−z²} Σ_n (2z²)^n z / (1·3·…·(2n+1))` (exported for tests). */
export function erfSeries(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 0; n < 80; n++) {
    term *= (2 * z2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-z2) * sum;
}

/** Where {@link erfNear}'s Taylor table ends, its grid step and degree. */
const NEAR = 3;
const STEP = 1 / 32;
const DEGREE = 12;

/**
 * Taylor coefficients of erf at `z₀ = k / 32`, `k = 0…96`, `DEGREE + 1` per point: `erf(z₀)` (the
 * series) and `erf⁽ⁿ⁾(z₀) / n! = (2/√π) (−1)ⁿ⁻¹ Hₙ₋₁(z₀) e^{−z₀²} / n!` (`H` the physicists' Hermite
 * polynomials, `H₀ = 1`, `H₁ = 2z`, `Hₖ₊₁ = 2z Hₖ − 2k Hₖ₋₁`).
 */
const TAYLOR = (() => {
  const points = Math.round(NEAR / STEP) + 1;
  const table = new Float64Array(points * (DEGREE + 1));
  for (let k = 0; k < points; k++) {
    const z0 = k * STEP;
    const at = k * (DEGREE + 1);
    const slope = TWO_OVER_SQRT_PI * Math.exp(-z0 * z0);
    table[at] = erfSeries(z0);
    let previous = 0;
    let hermite = 1;
    let factorial = 1;
    for (let n = 1; n <= DEGREE; n++) {
      factorial *= n;
      table[at + n] = ((n % 2 === 1 ? 1 : -1) * hermite * slope) / factorial;
      const next = 2 * z0 * hermite - 2 * (n - 1) * previous;
      previous = hermite;
      hermite = next;
    }
  }
  return table;
})();

/**
 * `erf(z)` for `|z| < 3` from the Taylor table: the nearest grid point `z₀` (`|z − z₀| ≤ 1/64`), a
 * degree-12 polynomial by Horner's rule (truncation below 1e-20); odd in `z`. The same values as
 * {@link erfSeries} to a few float64 ulps, several times faster.
 */
function erfNear(z: number): number {
  const a = Math.abs(z);
  const k = Math.round(a / STEP);
  const t = a - k * STEP;
  const at = k * (DEGREE + 1);
  let sum = TAYLOR[at + DEGREE] as number;
  for (let n = DEGREE - 1; n >= 0; n--) sum = sum * t + (TAYLOR[at + n] as number);
  // erf(±0) = ±0.
  return z > 0 ? sum : z < 0 ? -sum : z;
}

/** The error function in float64: a Taylor table for `|z| < 3` (no cancellation near 0), else `1 − erfc(z)`. */
export function erf(z: number): number {
  if (Math.abs(z) < NEAR) return erfNear(z);
  // Both signs from erfc of |z| (not 1 − erfc(z), which rounds 2 − erfc(|z|) first), so erf is exactly odd.
  return z > 0 ? 1 - erfc(z) : erfc(-z) - 1;
}

/** GELU (exact): `x · Φ(x)`, `Φ(x) = ½ erfc(−x/√2)`. */
export const gelu = (x: number): number => 0.5 * x * erfc(-x * ONE_OVER_SQRT_TWO);

/** GELU's derivative: `Φ(x) + x · φ(x)`, `φ(x) = e^{−x²/2} / √(2π)`. */
export const geluDerivative = (x: number): number => 0.5 * erfc(-x * ONE_OVER_SQRT_TWO) + x * ONE_OVER_SQRT_TWO_PI * Math.exp(-0.5 * x * x);

/** SiLU (swish): `x · sigmoid(x)`. */
export const silu = (x: number): number => x / (1 + Math.exp(-x));

/** SiLU's derivative: `s · (1 + x · (1 − s))`, `s = sigmoid(x)`. */
export const siluDerivative = (x: number): number => {
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 + x * (1 - s));
};

/**
 * For rows `[0, rows)` and columns `[from, to)` of two `[rows, stride]` float buffers at float
 * offsets `values` and `derivatives` of `floats`: reads the pre-activation `x` from `values`, writes
 * `f(x)` over it and `f'(x)` into `derivatives` (all the backward pass needs), sharing the work of
 * the two (GELU: one `erfc` and one `exp`; SiLU: one `exp`).
 */
export function activate(floats: Float32Array, activation: 'gelu' | 'silu', values: number, derivatives: number, rows: number, stride: number, from: number, to: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * stride;
    if (activation === 'gelu') {
      for (let j = from; j < to; j++) {
        const x = floats[values + row + j] as number;
        const cdf = 0.5 * erfc(-x * ONE_OVER_SQRT_TWO);
        floats[values + row + j] = x * cdf;
        floats[derivatives + row + j] = cdf + x * ONE_OVER_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
      }
    } else {
      for (let j = from; j < to; j++) {
        const x = floats[values + row + j] as number;
        const s = 1 / (1 + Math.exp(-x));
        floats[values + row + j] = x * s;
        floats[derivatives + row + j] = s * (1 + x * (1 - s));
      }
    }
  }
}

/**
 * Multiplies `delta` by the derivatives {@link activate} kept, in place, for rows `[0, rows)` and
 * columns `[from, to)` of two `[rows, stride]` float buffers at float offsets `delta` and
 * `derivatives` of `floats`: `δ_pre = δ_post ⊙ f'(pre)`.
 */
export function activationGradient(floats: Float32Array, delta: number, derivatives: number, rows: number, stride: number, from: number, to: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * stride;
    for (let j = from; j < to; j++) floats[delta + row + j] = (floats[delta + row + j] as number) * (floats[derivatives + row + j] as number);
  }
}
