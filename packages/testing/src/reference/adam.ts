/** Hyper-parameters of Adam, as `tf.train.adam` takes them. */
export interface AdamHyperParameters {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * Adam (Kingma & Ba, with bias correction) by hand: `m ← β1·m + (1−β1)·g`,
 * `v ← β2·v + (1−β2)·g²`, `w ← w − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)`.
 * Returns the weights after each of `steps` steps.
 */
export function referenceAdam(
  initial: readonly number[],
  gradient: (weights: readonly number[]) => readonly number[],
  steps: number,
  { learningRate, beta1, beta2, epsilon }: AdamHyperParameters,
): number[][] {
  let weights = [...initial];
  let m = weights.map(() => 0);
  let v = weights.map(() => 0);
  const history: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = gradient(weights);
    m = m.map((value, i) => beta1 * value + (1 - beta1) * (g[i] ?? 0));
    v = v.map((value, i) => beta2 * value + (1 - beta2) * (g[i] ?? 0) ** 2);
    weights = weights.map((w, i) => {
      const mHat = (m[i] ?? 0) / (1 - beta1 ** t);
      const vHat = (v[i] ?? 0) / (1 - beta2 ** t);
      return w - (learningRate * mHat) / (Math.sqrt(vHat) + epsilon);
    });
    history.push(weights);
  }
  return history;
}
