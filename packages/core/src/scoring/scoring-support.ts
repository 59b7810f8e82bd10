import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LossFunction } from '../contracts/batch.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { ScoringModel } from '../contracts/scoring-model.js';
import { SparseError } from '../errors.js';
import { explainMissingGradient } from '../training/missing-gradient.js';

/** Checks the parts of a scoring input every scorer relies on (internal module). */
export function checkParameters(input: ScoringInput, scorer: string): readonly NamedParameter[] {
  if (typeof input !== 'object' || input === null || !Array.isArray(input.parameters)) {
    throw new SparseError('E_ARGUMENT', `${scorer}: input.parameters must be an array of named parameters.`, {
      field: 'parameters',
    });
  }
  const seen = new Set<string>();
  for (const p of input.parameters) {
    if (typeof p?.name !== 'string' || typeof p.variable?.assign !== 'function') {
      throw new SparseError('E_ARGUMENT', `${scorer}: every parameter must be { name, role, variable: tf.Variable }.`, {
        field: 'parameters',
        received: p?.name,
      });
    }
    if (seen.has(p.name)) {
      throw new SparseError('E_ARGUMENT', `${scorer}: parameter name '${p.name}' appears twice.`, { field: 'parameters', received: p.name });
    }
    seen.add(p.name);
  }
  return input.parameters;
}

function missing(scorer: string, what: string, why: string): SparseError {
  return new SparseError('E_ARGUMENT', `${scorer} needs ${what} in its input: ${why}.`, { field: what.split(' ')[0] as string });
}

/** The loss, or `E_ARGUMENT` naming it. */
export function requireLoss(input: ScoringInput, scorer: string): LossFunction {
  if (typeof input.loss !== 'function') throw missing(scorer, 'loss (a LossFunction)', 'it differentiates the loss w.r.t. the weights');
  return input.loss;
}

/** `input.batch`, or `E_ARGUMENT` naming it. */
export function requireBatch(input: ScoringInput, scorer: string): Batch {
  if (input.batch === undefined) throw missing(scorer, 'batch ({ x, y })', 'it scores on one minibatch');
  return input.batch;
}

/** `input.batches`, else `[input.batch]`, or `E_ARGUMENT` naming both. */
export function requireBatches(input: ScoringInput, scorer: string): readonly Batch[] {
  if (input.batches !== undefined && input.batches.length > 0) return input.batches;
  if (input.batch !== undefined) return [input.batch];
  throw missing(scorer, 'batch or batches', 'it averages over minibatches');
}

/** `input.model` with a forward function, or `E_ARGUMENT` naming it. */
export function requireModel(input: ScoringInput, scorer: string): ScoringModel {
  if (typeof input.model?.forward !== 'function') {
    throw missing(scorer, 'model (a ScoringModel with forward(x))', 'it runs the model itself');
  }
  return input.model;
}

/**
 * Gradients of `f` w.r.t. `variables` (zeros where `f` does not depend on one), even for
 * variables marked non-trainable. Missing tfjs gradient registrations become a `SparseError`
 * that says what to import.
 */
export function gradientsOf(f: () => tf.Scalar, variables: readonly tf.Variable[]): tf.Tensor[] {
  const trainable = variables.map((v) => v.trainable);
  for (const v of variables) v.trainable = true;
  try {
    const { value, grads } = tf.variableGrads(f, [...variables]);
    value.dispose();
    return variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
  } catch (error) {
    throw explainMissingGradient(error);
  } finally {
    variables.forEach((v, i) => {
      v.trainable = trainable[i] as boolean;
    });
  }
}

/** `Σ_i sum(a_i ⊙ b_i)` over two lists of tensors, without `tf.addN`. */
export function dotAll(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Scalar {
  let total: tf.Scalar = tf.scalar(0);
  a.forEach((t, i) => {
    total = tf.add(total, tf.sum(tf.mul(t, b[i] as tf.Tensor)));
  });
  return total;
}

/** `Σ_i sum(f(t_i))` over a list of tensors. */
export function sumAll(tensors: readonly tf.Tensor[], f: (t: tf.Tensor) => tf.Tensor = (t) => t): tf.Scalar {
  let total: tf.Scalar = tf.scalar(0);
  for (const t of tensors) total = tf.add(total, tf.sum(f(t)));
  return total;
}

/** Evaluates a scalar in a tidy scope and reads it, leaving no tensor behind. */
export function readScalar(f: () => tf.Scalar): number {
  const scalar = tf.tidy(f);
  const value = scalar.dataSync()[0] as number;
  scalar.dispose();
  return value;
}

/** One-hot float labels from `batch.y`: kept as is when rank ≥ 2, one-hot encoded from class ids when rank 1. */
export function labelsFor(y: tf.Tensor, classes: number): tf.Tensor {
  if (y.rank >= 2) return tf.cast(y, 'float32');
  return tf.oneHot(tf.cast(y, 'int32') as tf.Tensor1D, classes);
}

/**
 * `exp` whose gradient is computed from its saved input rather than its output, so that a
 * gradient of a gradient through it is right in tfjs 4.22 (the engine orders the copy of a saved
 * output before the op that produced it, which loses second-order terms of `tf.exp`, `tf.tanh`,
 * `tf.sigmoid`, `tf.softmax`).
 */
const secondOrderExp: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.exp(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, secondOrderExp(saved[0] as tf.Tensor)),
  };
});

/** Row maxima as a constant: no gradient, and no `Max` gradient op to differentiate twice. */
const constantRowMax: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.max(x, -1, true), gradFunc: () => tf.zerosLike(x) };
});

/**
 * Mean softmax cross-entropy from logits, built from ops whose gradients are themselves
 * differentiable in tfjs (unlike `tf.losses.softmaxCrossEntropy` and `tf.logSoftmax`, which use
 * `customGrad` and lose their second derivative).
 */
export function crossEntropyFromLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const shift = constantRowMax(logits);
  const shifted = tf.sub(logits, shift);
  const logSumExp = tf.log(tf.sum(secondOrderExp(shifted), -1, true));
  const logProbabilities = tf.sub(shifted, logSumExp);
  return tf.neg(tf.mean(tf.sum(tf.mul(labels, logProbabilities), -1)));
}

/** Throws `E_ARGUMENT` when an option object has keys outside `allowed`. */
export function checkOptionKeys(scorer: string, options: Readonly<Record<string, unknown>>, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new SparseError(
        'E_CONFIG',
        `${scorer} scorer: unknown option '${key}'; allowed: ${allowed.length > 0 ? allowed.join(', ') : '(none)'}.`,
        { field: key, received: options[key], allowed },
      );
    }
  }
}
