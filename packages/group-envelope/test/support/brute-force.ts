import { zoomMaximize, zoomMinimize } from './zoom-search.js';

/** Every subset of {0..n-1} of size exactly k. */
export function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const walk = (start: number, chosen: number[]): void => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let i = start; i < n; i++) walk(i + 1, [...chosen, i]);
  };
  walk(0, []);
  return out;
}

/**
 * The conjugate of f(x) = ½ Σ d_i² x_i² + δ(‖x‖₀ ≤ k), by enumerating supports: for a support S
 * the sup over x_S of ⟨x_S, y_S⟩ − ½ Σ_S d² x² is ½ Σ_S y²/d² (a separable quadratic), and the
 * conjugate is the max over supports of size ≤ k (size k suffices: terms are ≥ 0).
 */
export function bruteConjugate(y: readonly number[], k: number, d?: readonly number[]): number {
  let best = 0;
  for (const support of subsets(y.length, Math.min(k, y.length))) {
    let value = 0;
    for (const i of support) value += ((y[i] as number) / (d?.[i] ?? 1)) ** 2;
    best = Math.max(best, 0.5 * value);
  }
  return best;
}

/** The biconjugate f**(x) = sup_y ⟨x, y⟩ − f*(y), maximised numerically over y (concave). */
export function bruteBiconjugate(x: readonly number[], k: number, d?: readonly number[]): number {
  const scale = Math.max(1e-3, ...x.map((v, i) => Math.abs(v) * (d?.[i] ?? 1) ** 2));
  const objective = (y: number[]): number => y.reduce((s, yi, i) => s + yi * (x[i] as number), 0) - bruteConjugate(y, k, d);
  return zoomMaximize(objective, x.map(() => 0), 2 * scale * x.length, { points: 7 }).value;
}

/**
 * The convex envelope of f(x) = ½ Σ d_i² x_i² + δ(‖x‖₀ ≤ k) from its definition, as an upper
 * bound of f**: the minimum over mixtures Σ_S α_S f(x^S) with Σ_S α_S x^S = x, one point x^S per
 * support S of size k. For fixed weights α the best points are x^S_i = x_i / c_i with
 * c_i = Σ_{S ∋ i} α_S (Cauchy–Schwarz), giving ½ Σ_i d_i² x_i² / c_i; the weights are then
 * minimised numerically over the simplex (smooth and convex in α).
 */
export function bruteEnvelope(x: readonly number[], k: number, d?: readonly number[]): number {
  const supports = subsets(x.length, Math.min(k, x.length));
  const m = supports.length;
  const value = (alpha: readonly number[]): number => {
    const c = new Array<number>(x.length).fill(0);
    supports.forEach((support, s) => {
      for (const i of support) c[i] = (c[i] as number) + (alpha[s] as number);
    });
    let total = 0;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      if (xi === 0) continue;
      if (!((c[i] as number) > 0)) return Number.POSITIVE_INFINITY;
      total += (((d?.[i] ?? 1) * xi) ** 2) / (c[i] as number);
    }
    return 0.5 * total;
  };
  if (m === 1) return value([1]);
  const free = (p: number[]): number => {
    const last = 1 - p.reduce((s, v) => s + v, 0);
    if (last < 0 || p.some((v) => v < 0)) return Number.POSITIVE_INFINITY;
    return value([...p, last]);
  };
  const start = new Array<number>(m - 1).fill(1 / m);
  const best = zoomMinimize(free, start, 0.5 / m, { points: 9, minRadius: 1e-15 });
  return free(best);
}
