/**
 * Spec B.2 transcribed literally (sort + search over (r, l)), unweighted, as an independent
 * reference for the selection-based prox. O(n log n + k·n).
 */
export function referenceSefProx(w: readonly number[], k: number, lambda: number): number[] {
  const n = w.length;
  const beta = 1 / lambda;
  const order = w.map((_, i) => i).sort((a, b) => Math.abs(w[b] as number) - Math.abs(w[a] as number) || a - b);
  // 1-based z with z_0 = +inf, z_{n+1} = -inf
  const z = [Number.POSITIVE_INFINITY, ...order.map((i) => Math.abs(w[i] as number)), Number.NEGATIVE_INFINITY];
  const C = [0];
  for (let i = 1; i <= n; i++) C.push((C[i - 1] as number) + (z[i] as number));
  const zi = (i: number): number => z[i] as number;
  const solve = (r: number, l: number): number[] => {
    const T = (C[l] as number) - (C[k - r - 1] as number);
    const D = l - k + (beta + 1) * r + beta + 1;
    const mu = T / D;
    const q = new Array<number>(n + 1).fill(0);
    for (let i = 1; i <= n; i++) {
      if (i <= k - r - 1) q[i] = (beta / (beta + 1)) * zi(i);
      else if (i <= l) q[i] = zi(i) - mu;
      else q[i] = 0;
    }
    const x = new Array<number>(n).fill(0);
    order.forEach((original, rank) => {
      x[original] = Math.sign(w[original] as number) * (q[rank + 1] as number);
    });
    return x;
  };
  if (k >= n) return w.map((v) => v / (1 + lambda));
  const tol = 1e-12;
  for (let r = 0; r <= k - 1; r++) {
    for (let l = k; l <= n; l++) {
      const T = (C[l] as number) - (C[k - r - 1] as number);
      const D = l - k + (beta + 1) * r + beta + 1;
      const mu = T / D;
      const first = zi(k - r - 1) / (beta + 1) > mu - tol && mu + tol >= zi(k - r) / (beta + 1);
      const second = zi(l) > mu - tol && mu + tol >= zi(l + 1);
      if (first && second) return solve(r, l);
    }
  }
  throw new Error('reference prox: no (r, l) pair found');
}
