/**
 * Derivative-free minimisation by grid pattern search: evaluate `f` on a `points^n` grid over the
 * box `center ± radius`; when the centre is the best grid point the box shrinks, otherwise the
 * centre moves to the best point and the box keeps its size (so a minimum along a ridge — SEF has
 * kinks — is followed instead of being cut off). Used in dimensions ≤ 4; it never uses a
 * gradient, a subgradient or any formula of the code under test.
 */
export function zoomMinimize(
  f: (x: number[]) => number,
  center: readonly number[],
  radius: number,
  options: { points?: number; shrink?: number; minRadius?: number; maxEvaluations?: number } = {},
): number[] {
  const points = options.points ?? 7;
  const shrink = options.shrink ?? 0.5;
  const minRadius = options.minRadius ?? 1e-13 * Math.max(1, radius);
  const maxEvaluations = options.maxEvaluations ?? 5e6;
  const n = center.length;
  let c = [...center];
  let r = radius;
  let best = f(c);
  const total = points ** n;
  let evaluations = 0;
  while (r > minRadius && evaluations < maxEvaluations) {
    let bestX: number[] | undefined;
    for (let t = 0; t < total; t++) {
      let q = t;
      const x = new Array<number>(n);
      for (let d = 0; d < n; d++) {
        const i = q % points;
        q = Math.floor(q / points);
        x[d] = (c[d] as number) + r * ((2 * i) / (points - 1) - 1);
      }
      const v = f(x);
      if (v < best) {
        best = v;
        bestX = x;
      }
    }
    evaluations += total;
    if (bestX === undefined) r *= shrink;
    else c = bestX;
  }
  return c;
}

/** Maximisation counterpart of {@link zoomMinimize}. */
export function zoomMaximize(
  f: (x: number[]) => number,
  center: readonly number[],
  radius: number,
  options: { points?: number; shrink?: number; minRadius?: number; maxEvaluations?: number } = {},
): { x: number[]; value: number } {
  const x = zoomMinimize((y) => -f(y), center, radius, options);
  return { x, value: f(x) };
}
