import { SparseError } from '../errors.js';
import { floorCount } from '../selection/rounding.js';

/**
 * A tensor as ERK sees it: a name and a shape.
 *
 * @example
 * ```ts
 * import type { ErkTensor } from '@sparse/core';
 *
 * const tensor: ErkTensor = { name: 'conv_1/kernel', shape: [3, 3, 16, 32] };
 * ```
 */
export interface ErkTensor {
  /** The parameter name. */
  readonly name: string;
  /** The parameter shape. */
  readonly shape: readonly number[];
}

/**
 * Options of {@link erkDensities}.
 *
 * @example
 * ```ts
 * import type { ErkOptions } from '@sparse/core';
 *
 * const options: ErkOptions = { powerScale: 0.5, custom: { 'dense_3/kernel': 0 } };
 * ```
 */
export interface ErkOptions {
  /** Exponent of the raw densities (`erk_power_scale`, default 1; below 1 is softer). */
  readonly powerScale?: number;
  /**
   * `true` (default, ERK): raw density `Σ shape / Π shape`, so conv kernels count `kh + kw`.
   * `false` (Erdős–Rényi): `(n_in + n_out) / (n_in · n_out)` from the last two dims only.
   */
  readonly includeKernel?: boolean;
  /** Fixed sparsities by tensor name; these tensors are left out of the solve. */
  readonly custom?: Readonly<Record<string, number>>;
}

/**
 * What {@link erkDensities} computes.
 *
 * @example
 * ```ts
 * import { erkDensities } from '@sparse/core';
 *
 * const { densities, kept, dense, epsilon } = erkDensities([{ name: 'w', shape: [10, 10] }], 0.9);
 * console.log(densities.get('w'), kept.get('w'), dense.size, epsilon); // 0.1 10 0 0.5
 * ```
 */
export interface ErkResult {
  /** Density (1 − sparsity) of every tensor, custom ones included. */
  readonly densities: ReadonlyMap<string, number>;
  /**
   * Integer weights kept per non-custom tensor: the solved real counts rounded by largest
   * remainder (ties to the earlier tensor) so their sum is exactly the uniform budget
   * `Σ (N − ⌊s·N⌋)`.
   */
  readonly kept: ReadonlyMap<string, number>;
  /** Tensors the re-solve loop made dense because `ε · raw > 1`. */
  readonly dense: ReadonlySet<string>;
  /** The solved scale `ε`. */
  readonly epsilon: number;
}

function rawDensity(shape: readonly number[], powerScale: number, includeKernel: boolean): number {
  if (!includeKernel && shape.length >= 2) {
    const nIn = shape[shape.length - 2] as number;
    const nOut = shape[shape.length - 1] as number;
    return (nIn + nOut) / (nIn * nOut);
  }
  const sum = shape.reduce((a, b) => a + b, 0);
  const product = shape.reduce((a, b) => a * b, 1);
  return (sum / product) ** powerScale;
}

/**
 * Erdős–Rényi-Kernel layer densities (Evci et al. 2020; RigL `get_sparsities_erdos_renyi`,
 * spec E.3): raw density `∝ Σ shape / Π shape` (dense `(n_in + n_out)/(n_in·n_out)`, conv
 * `(kh + kw + cin + cout)/(kh·kw·cin·cout)`), optionally `^powerScale`; `ε` solves
 * `ε · Σ_free raw_l·N_l = Σ_free (N_l − ⌊s·N_l⌋) − Σ_dense ⌊s·N_l⌋` so the kept total equals the
 * uniform budget; while `max ε·raw_l > 1` the tensors with the largest raw density become dense and
 * `ε` is solved again. Custom sparsities are excluded from the solve.
 *
 * @param tensors - the tensors, in a stable order.
 * @param sparsity - the overall target in `[0, 1]`.
 * @throws SparseError `E_CONFIG` for a sparsity or power scale out of range, or a custom name
 *   that is not among the tensors.
 *
 * @example
 * ```ts
 * import { erkDensities } from '@sparse/core';
 *
 * const { densities } = erkDensities(
 *   [
 *     { name: 'fc1', shape: [784, 300] },
 *     { name: 'fc2', shape: [300, 100] },
 *     { name: 'fc3', shape: [100, 10] },
 *   ],
 *   0.95,
 * );
 * ```
 */
export function erkDensities(tensors: readonly ErkTensor[], sparsity: number, options: ErkOptions = {}): ErkResult {
  if (!Number.isFinite(sparsity) || sparsity < 0 || sparsity > 1) {
    throw new SparseError('E_CONFIG', `ERK: sparsity must be in [0, 1], got ${sparsity}.`, {
      field: 'sparsity',
      received: sparsity,
      allowed: '[0, 1]',
    });
  }
  const powerScale = options.powerScale ?? 1;
  if (!Number.isFinite(powerScale) || powerScale < 0) {
    throw new SparseError('E_CONFIG', `ERK: erkPowerScale must be a finite number >= 0, got ${powerScale}.`, {
      field: 'erkPowerScale',
      received: powerScale,
      allowed: '[0, ∞)',
    });
  }
  const custom = options.custom ?? {};
  const names = new Set(tensors.map((t) => t.name));
  for (const name of Object.keys(custom)) {
    if (!names.has(name)) {
      throw new SparseError('E_CONFIG', `ERK: custom sparsity for '${name}', which is not among the tensors.`, {
        field: `perParameter.${name}`,
        received: name,
        allowed: [...names],
      });
    }
  }
  const includeKernel = options.includeKernel ?? true;
  const free = tensors.filter((t) => custom[t.name] === undefined);
  const size = (t: ErkTensor): number => t.shape.reduce((a, b) => a * b, 1);
  const raw = new Map(free.map((t) => [t.name, rawDensity(t.shape, powerScale, includeKernel)]));
  const dense = new Set<string>();
  let epsilon = 0;
  let rhs = 0;
  for (;;) {
    let divisor = 0;
    rhs = 0;
    for (const t of free) {
      const n = size(t);
      const zeros = floorCount(sparsity * n);
      if (dense.has(t.name)) rhs -= zeros;
      else {
        rhs += n - zeros;
        divisor += (raw.get(t.name) as number) * n;
      }
    }
    epsilon = divisor > 0 ? rhs / divisor : 0;
    let maxRaw = -Infinity;
    for (const t of free) if (!dense.has(t.name)) maxRaw = Math.max(maxRaw, raw.get(t.name) as number);
    if (maxRaw === -Infinity || maxRaw * epsilon <= 1) break;
    for (const t of free) if (!dense.has(t.name) && raw.get(t.name) === maxRaw) dense.add(t.name);
  }

  const densities = new Map<string, number>();
  const real: { name: string; value: number; cap: number }[] = [];
  for (const t of tensors) {
    const fixed = custom[t.name];
    if (fixed !== undefined) densities.set(t.name, 1 - fixed);
    else if (dense.has(t.name)) densities.set(t.name, 1);
    else {
      const density = Math.min(1, Math.max(0, epsilon * (raw.get(t.name) as number)));
      densities.set(t.name, density);
      real.push({ name: t.name, value: density * size(t), cap: size(t) });
    }
  }
  const kept = new Map<string, number>();
  for (const t of free) if (dense.has(t.name)) kept.set(t.name, size(t));
  let remaining = Math.max(0, rhs);
  const floors = real.map((r) => Math.min(r.cap, floorCount(r.value)));
  remaining -= floors.reduce((a, b) => a + b, 0);
  // Largest remainder: hand the missing units to the largest fractional parts (earlier tensor on ties).
  const order = real
    .map((r, index) => ({ index, fraction: r.value - (floors[index] as number) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of order) {
    if (remaining <= 0) break;
    if ((floors[index] as number) < (real[index] as { cap: number }).cap) {
      floors[index] = (floors[index] as number) + 1;
      remaining--;
    }
  }
  // Snapping can overshoot by a unit: take it back from the smallest fractional parts.
  for (const { index } of [...order].reverse()) {
    if (remaining >= 0) break;
    if ((floors[index] as number) > 0) {
      floors[index] = (floors[index] as number) - 1;
      remaining++;
    }
  }
  real.forEach((r, index) => kept.set(r.name, floors[index] as number));
  return { densities, kept, dense, epsilon };
}
