/**
 * The TensorFlow-layout shape of a PyTorch-layout kernel: `[out, in, ...spatial]` (Linear
 * `[out, in]`, Conv2d `[out, in, kh, kw]`) becomes `[...spatial, in, out]` (Dense `[in, out]`,
 * Conv2D `[kh, kw, in, out]`), the layout the core patterns read.
 *
 * @example
 * ```ts
 * import { torchShapeToTf } from '@sparse/cli';
 *
 * console.log(torchShapeToTf([8, 3, 5, 5])); // [5, 5, 3, 8]
 * ```
 */
export function torchShapeToTf(shape: readonly number[]): number[] {
  const [out = 1, inputs = 1, ...spatial] = shape;
  return [...spatial, inputs, out];
}

function dims(shape: readonly number[]): { out: number; inputs: number; spatial: number } {
  const [out = 1, inputs = 1, ...rest] = shape;
  return { out, inputs, spatial: rest.reduce((a, b) => a * b, 1) };
}

/**
 * Reorders a PyTorch-layout kernel's row-major values into TensorFlow layout (see
 * {@link torchShapeToTf}): element `(o, i, s)` moves from `(o·in + i)·S + s` to `(s·in + i)·out + o`.
 *
 * @example
 * ```ts
 * import { torchToTf } from '@sparse/cli';
 *
 * // Linear [out=2, in=3] → Dense [in=3, out=2]: a transpose.
 * console.log(Array.from(torchToTf(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]))); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function torchToTf<T extends Float32Array | Uint8Array>(values: T, torchShape: readonly number[]): T {
  const { out, inputs, spatial } = dims(torchShape);
  const result = new (values.constructor as new (length: number) => T)(values.length);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inputs; i++) {
      const from = (o * inputs + i) * spatial;
      for (let s = 0; s < spatial; s++) result[(s * inputs + i) * out + o] = values[from + s] as number;
    }
  }
  return result;
}

/**
 * The inverse of {@link torchToTf}: TensorFlow-layout values of a kernel whose PyTorch shape is
 * `torchShape`, back in PyTorch layout.
 *
 * @example
 * ```ts
 * import { tfToTorch } from '@sparse/cli';
 *
 * console.log(Array.from(tfToTorch(Uint8Array.of(1, 4, 2, 5, 3, 6), [2, 3]))); // [1, 2, 3, 4, 5, 6]
 * ```
 */
export function tfToTorch<T extends Float32Array | Uint8Array>(values: T, torchShape: readonly number[]): T {
  const { out, inputs, spatial } = dims(torchShape);
  const result = new (values.constructor as new (length: number) => T)(values.length);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inputs; i++) {
      const to = (o * inputs + i) * spatial;
      for (let s = 0; s < spatial; s++) result[to + s] = values[(s * inputs + i) * out + o] as number;
    }
  }
  return result;
}
