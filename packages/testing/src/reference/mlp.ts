/** The inputs of the reference two-layer perceptron, as flat row-major float64 arrays. */
export interface MlpValues {
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly w1: readonly number[];
  readonly b1: readonly number[];
  readonly w2: readonly number[];
  readonly b2: readonly number[];
}

/** The sizes of the reference perceptron: batch, inputs, hidden units, classes. */
export interface MlpSizes {
  readonly batch: number;
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
}

/**
 * Mean softmax cross-entropy of `relu(x·w1 + b1)·w2 + b2` against one-hot `y`, in float64:
 * what `tf.losses.softmaxCrossEntropy` computes with its default reduction.
 */
export function referenceMlpLoss(values: MlpValues, { batch, inputs, hidden, classes }: MlpSizes): number {
  let total = 0;
  for (let n = 0; n < batch; n++) {
    const activations: number[] = [];
    for (let h = 0; h < hidden; h++) {
      let sum = values.b1[h] ?? 0;
      for (let i = 0; i < inputs; i++) sum += (values.x[n * inputs + i] ?? 0) * (values.w1[i * hidden + h] ?? 0);
      activations.push(Math.max(sum, 0));
    }
    const logits: number[] = [];
    for (let c = 0; c < classes; c++) {
      let sum = values.b2[c] ?? 0;
      for (let h = 0; h < hidden; h++) sum += (activations[h] ?? 0) * (values.w2[h * classes + c] ?? 0);
      logits.push(sum);
    }
    const max = Math.max(...logits);
    const logSum = Math.log(logits.reduce((s, logit) => s + Math.exp(logit - max), 0)) + max;
    for (let c = 0; c < classes; c++) total -= (values.y[n * classes + c] ?? 0) * ((logits[c] ?? 0) - logSum);
  }
  return total / batch;
}

/** Central finite differences of `loss` with respect to every element of `values[key]`. */
export function finiteDifferences(
  values: MlpValues,
  key: keyof MlpValues,
  loss: (values: MlpValues) => number,
  step = 1e-6,
): number[] {
  return values[key].map((_, index) => {
    const shifted = (delta: number): MlpValues => ({ ...values, [key]: values[key].map((v, i) => (i === index ? v + delta : v)) });
    return (loss(shifted(step)) - loss(shifted(-step))) / (2 * step);
  });
}
