import { SparseError, bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '@sparse/core';

/**
 * The floating-point dtypes whose deltas can be pruned (the others are copied).
 *
 * @example
 * ```ts
 * import type { DeltaDtype } from '@sparse/delta';
 *
 * const dtype: DeltaDtype = 'BF16';
 * ```
 */
export type DeltaDtype = 'F64' | 'F32' | 'F16' | 'BF16';

/**
 * Bytes per element of each {@link DeltaDtype}.
 *
 * @example
 * ```ts
 * import { DELTA_DTYPE_SIZES } from '@sparse/delta';
 *
 * console.log(DELTA_DTYPE_SIZES.BF16); // 2
 * ```
 */
export const DELTA_DTYPE_SIZES: Readonly<Record<DeltaDtype, number>> = Object.freeze({ F64: 8, F32: 4, F16: 2, BF16: 2 });

/**
 * Whether a safetensors dtype is one whose delta can be pruned.
 *
 * @example
 * ```ts
 * import { isDeltaDtype } from '@sparse/delta';
 *
 * console.log(isDeltaDtype('F16'), isDeltaDtype('I64')); // true false
 * ```
 */
export function isDeltaDtype(dtype: string): dtype is DeltaDtype {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Throws unless the host is little-endian, as the byte views of the kernels assume. */
export function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) {
    throw new SparseError('E_INTERNAL', 'Delta pruning on raw safetensors bytes needs a little-endian host (x86, ARM); this one is big-endian.');
  }
}

let f16Table: Float32Array | undefined;
let bf16Table: Float32Array | undefined;

function table(dtype: 'F16' | 'BF16'): Float32Array {
  if (dtype === 'F16') {
    if (f16Table === undefined) {
      f16Table = new Float32Array(65536);
      for (let bits = 0; bits < 65536; bits++) f16Table[bits] = float16BitsToFloat32(bits);
    }
    return f16Table;
  }
  if (bf16Table === undefined) {
    bf16Table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) bf16Table[bits] = bfloat16BitsToFloat32(bits);
  }
  return bf16Table;
}

/**
 * Writes `|f − b|` (computed in float64, stored as float32) of the first `n` entries into `out`;
 * `base` null means zero. Inputs are little-endian bytes of `dtype`.
 */
export function absDeltaInto(dtype: DeltaDtype, base: Uint8Array | null, finetuned: Uint8Array, n: number, out: Float32Array): void {
  switch (dtype) {
    case 'F32':
      return absF32(base === null ? null : new Float32Array(base.buffer, base.byteOffset, n), new Float32Array(finetuned.buffer, finetuned.byteOffset, n), n, out);
    case 'F64':
      return absF64(base === null ? null : new Float64Array(base.buffer, base.byteOffset, n), new Float64Array(finetuned.buffer, finetuned.byteOffset, n), n, out);
    default:
      return absHalf(table(dtype), base === null ? null : new Uint16Array(base.buffer, base.byteOffset, n), new Uint16Array(finetuned.buffer, finetuned.byteOffset, n), n, out);
  }
}

function absF32(b: Float32Array | null, f: Float32Array, n: number, out: Float32Array): void {
  if (b === null) for (let i = 0; i < n; i++) out[i] = Math.abs(f[i] as number);
  else for (let i = 0; i < n; i++) out[i] = Math.abs((f[i] as number) - (b[i] as number));
}

function absF64(b: Float64Array | null, f: Float64Array, n: number, out: Float32Array): void {
  if (b === null) for (let i = 0; i < n; i++) out[i] = Math.abs(f[i] as number);
  else for (let i = 0; i < n; i++) out[i] = Math.abs((f[i] as number) - (b[i] as number));
}

function absHalf(values: Float32Array, b: Uint16Array | null, f: Uint16Array, n: number, out: Float32Array): void {
  if (b === null) for (let i = 0; i < n; i++) out[i] = Math.abs(values[f[i] as number] as number);
  else for (let i = 0; i < n; i++) out[i] = Math.abs((values[f[i] as number] as number) - (values[b[i] as number] as number));
}

/**
 * Writes the pruned entries `out_i = flags_i ? b_i : b_i + (f_i − b_i)·scale` as `dtype` bytes.
 * Dropped entries are bit-identical to `base` (`+0` when `base` is null); with `scale = 1` kept
 * entries are bit-identical to `finetuned`; otherwise the value is computed in float64, stored as
 * float32 and, for F16/BF16, rounded to nearest-even by `@sparse/core`'s conversion.
 */
export function applyInto(
  dtype: DeltaDtype,
  base: Uint8Array | null,
  finetuned: Uint8Array,
  n: number,
  flags: Uint8Array,
  scale: number,
  out: Uint8Array,
): void {
  switch (dtype) {
    case 'F64':
      return applyF64(
        base === null ? null : new Float64Array(base.buffer, base.byteOffset, n),
        new Float64Array(finetuned.buffer, finetuned.byteOffset, n),
        n,
        flags,
        scale,
        new Float64Array(out.buffer, out.byteOffset, n),
      );
    case 'F32': {
      const f = new Float32Array(finetuned.buffer, finetuned.byteOffset, n);
      const o = new Float32Array(out.buffer, out.byteOffset, n);
      const fBits = new Uint32Array(finetuned.buffer, finetuned.byteOffset, n);
      const oBits = new Uint32Array(out.buffer, out.byteOffset, n);
      if (base === null) return applyF32Delta(f, fBits, n, flags, scale, o, oBits);
      const b = new Float32Array(base.buffer, base.byteOffset, n);
      const bBits = new Uint32Array(base.buffer, base.byteOffset, n);
      if (scale === 1) return copyBits32(bBits, fBits, n, flags, oBits);
      return applyF32(b, bBits, f, n, flags, scale, o, oBits);
    }
    default: {
      const values = table(dtype);
      const f = new Uint16Array(finetuned.buffer, finetuned.byteOffset, n);
      const o = new Uint16Array(out.buffer, out.byteOffset, n);
      const b = base === null ? null : new Uint16Array(base.buffer, base.byteOffset, n);
      if (scale === 1) return copyBits16(b, f, n, flags, o);
      return dtype === 'F16' ? applyF16(values, b, f, n, flags, scale, o) : applyBF16(values, b, f, n, flags, scale, o);
    }
  }
}

function applyF64(b: Float64Array | null, f: Float64Array, n: number, flags: Uint8Array, scale: number, o: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const bi = b === null ? 0 : (b[i] as number);
    o[i] = flags[i] === 1 ? bi : scale === 1 ? (f[i] as number) : bi + ((f[i] as number) - bi) * scale;
  }
}

function copyBits32(bBits: Uint32Array, fBits: Uint32Array, n: number, flags: Uint8Array, oBits: Uint32Array): void {
  for (let i = 0; i < n; i++) oBits[i] = flags[i] === 1 ? (bBits[i] as number) : (fBits[i] as number);
}

function applyF32(b: Float32Array, bBits: Uint32Array, f: Float32Array, n: number, flags: Uint8Array, scale: number, o: Float32Array, oBits: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    if (flags[i] === 1) oBits[i] = bBits[i] as number;
    else {
      const bi = b[i] as number;
      o[i] = bi + ((f[i] as number) - bi) * scale;
    }
  }
}

function applyF32Delta(f: Float32Array, fBits: Uint32Array, n: number, flags: Uint8Array, scale: number, o: Float32Array, oBits: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    if (flags[i] === 1) oBits[i] = 0;
    else if (scale === 1) oBits[i] = fBits[i] as number;
    else o[i] = (f[i] as number) * scale;
  }
}

function copyBits16(b: Uint16Array | null, f: Uint16Array, n: number, flags: Uint8Array, o: Uint16Array): void {
  if (b === null) for (let i = 0; i < n; i++) o[i] = flags[i] === 1 ? 0 : (f[i] as number);
  else for (let i = 0; i < n; i++) o[i] = flags[i] === 1 ? (b[i] as number) : (f[i] as number);
}

function applyF16(values: Float32Array, b: Uint16Array | null, f: Uint16Array, n: number, flags: Uint8Array, scale: number, o: Uint16Array): void {
  for (let i = 0; i < n; i++) {
    if (flags[i] === 1) o[i] = b === null ? 0 : (b[i] as number);
    else {
      const bi = b === null ? 0 : (values[b[i] as number] as number);
      o[i] = float32ToFloat16Bits(bi + ((values[f[i] as number] as number) - bi) * scale);
    }
  }
}

function applyBF16(values: Float32Array, b: Uint16Array | null, f: Uint16Array, n: number, flags: Uint8Array, scale: number, o: Uint16Array): void {
  for (let i = 0; i < n; i++) {
    if (flags[i] === 1) o[i] = b === null ? 0 : (b[i] as number);
    else {
      const bi = b === null ? 0 : (values[b[i] as number] as number);
      o[i] = float32ToBfloat16Bits(bi + ((values[f[i] as number] as number) - bi) * scale);
    }
  }
}

/**
 * Adds `Σ|δ_i|` over all and over kept entries (NaN skipped) of a |δ| chunk to `sums`
 * (`[all, kept]`), for the L1 rescale.
 */
export function addAbsSums(absDelta: Float32Array, flags: Uint8Array, n: number, sums: Float64Array): void {
  let all = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const value = absDelta[i] as number;
    if (value === value) {
      all += value;
      if (flags[i] === 0) kept += value;
    }
  }
  sums[0] = (sums[0] as number) + all;
  sums[1] = (sums[1] as number) + kept;
}
