import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../contracts/batch.js';
import type { ScoreSet } from '../contracts/mask.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { SparseError } from '../errors.js';
import {
  checkParameters,
  crossEntropyFromLogits,
  dotAll,
  gradientsOf,
  labelsFor,
  readScalar,
  requireBatches,
  requireModel,
  sumAll,
} from './scoring-support.js';

/**
 * Options of {@link graspScorer}.
 *
 * @example
 * ```ts
 * import type { GraspScorerOptions } from '@sparse/core';
 *
 * const options: GraspScorerOptions = { temperature: 200, hessian: 'exact' };
 * ```
 */
export interface GraspScorerOptions {
  /** Logits are divided by it before the cross-entropy. Default 200 (Synaptic-Flow). */
  readonly temperature?: number;
  /**
   * How `Hg` is computed. `exact` (default): a gradient of a gradient (nested
   * `tf.variableGrads`), as the reference implementation does; right when the forward uses ops
   * whose gradients read their inputs (dense, conv, relu, add…), the usual pruning-at-init
   * networks. In tfjs 4.22 ops whose gradients read their outputs (`tanh`, `sigmoid`, `exp`,
   * `softmax`) silently lose their second-order terms: for such forwards use
   * `finite-difference`, `(∇L(θ+εg₀) − ∇L(θ−εg₀)) / 2ε`. Do not use finite differences on ReLU
   * networks: they pick up the curvature of the kinks that double backprop treats as zero (on a
   * 784-300-100-10 ReLU MLP only 40% of the weights kept at 90% agree with the exact scores).
   */
  readonly hessian?: 'finite-difference' | 'exact';
  /** Finite-difference step relative to the weights: `ε = step · max(‖θ‖, 1) / ‖g₀‖`. Default 1e-3. */
  readonly step?: number;
}

/**
 * GraSP (Wang et al. 2020, spec E.2, as in Synaptic-Flow's `Pruners/pruners.py::GraSP`): with
 * `L` the softmax cross-entropy of `forward(x) / temperature`, `g₀ = Σ_batches ∇L` (no graph),
 * `Hg = Σ_batches ∇(g₀ᵀ ∇L)`, score `θ ⊙ Hg / (|Σ θ ⊙ Hg| + 1e-10)`: **signed**, and the pruner
 * keeps the largest. Needs `input.model` (its forward returns logits) and `input.batch` or
 * `input.batches` (labels one-hot or class ids). The weights are restored exactly afterwards.
 *
 * @throws SparseError `E_CONFIG` for an invalid option; at scoring, `E_ARGUMENT` naming a missing model or batch.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { graspScorer, type Batch } from '@sparse/core';
 *
 * const w1 = tf.variable(tf.randomNormal([784, 100]));
 * const w2 = tf.variable(tf.randomNormal([100, 10]));
 * declare const batch: Batch;
 * const scores = graspScorer().score({
 *   parameters: [
 *     { name: 'w1', role: 'dense-kernel', variable: w1 },
 *     { name: 'w2', role: 'dense-kernel', variable: w2 },
 *   ],
 *   masks: new Map(),
 *   batch,
 *   model: { forward: (x) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2) },
 * });
 * ```
 */
export function graspScorer(options: GraspScorerOptions = {}): SyncScorer {
  const temperature = options.temperature ?? 200;
  const hessian = options.hessian ?? 'exact';
  const step = options.step ?? 1e-3;
  if (!(typeof temperature === 'number' && temperature > 0 && Number.isFinite(temperature))) {
    throw new SparseError('E_CONFIG', `grasp scorer: temperature must be a positive number, got ${echoValue(temperature)}.`, {
      field: 'temperature',
      received: temperature,
      allowed: '(0, ∞)',
    });
  }
  if (hessian !== 'finite-difference' && hessian !== 'exact') {
    throw new SparseError('E_CONFIG', `grasp scorer: hessian must be 'finite-difference' or 'exact', got ${echoValue(hessian)}.`, {
      field: 'hessian',
      received: hessian,
      allowed: ['finite-difference', 'exact'],
    });
  }
  if (!(typeof step === 'number' && step > 0 && Number.isFinite(step))) {
    throw new SparseError('E_CONFIG', `grasp scorer: step must be a positive number, got ${echoValue(step)}.`, {
      field: 'step',
      received: step,
      allowed: '(0, ∞)',
    });
  }
  return Object.freeze({
    name: 'grasp',
    requiresData: true,
    score(input: ScoringInput): ScoreSet {
      const parameters = checkParameters(input, 'grasp');
      const model = requireModel(input, 'grasp');
      const batches = requireBatches(input, 'grasp');
      const variables = parameters.map((p) => p.variable);
      const lossOf = (batch: Batch) => (): tf.Scalar =>
        tf.tidy(() => {
          const logits = tf.div(model.forward(batch.x), temperature);
          return crossEntropyFromLogits(logits, labelsFor(batch.y, logits.shape[logits.shape.length - 1] as number));
        });
      const g0 = summedGradients(batches, lossOf, variables);
      try {
        const hg =
          hessian === 'exact' ? exactHessianVector(batches, lossOf, variables, g0) : finiteDifference(batches, lossOf, variables, g0, step);
        const scores = tf.tidy(() => {
          const raw = hg.map((h, i) => tf.mul(variables[i] as tf.Variable, h));
          const norm = Math.abs(sumAll(raw).dataSync()[0] as number) + 1e-10;
          return raw.map((r) => tf.div(r, norm));
        });
        tf.dispose(hg);
        return new Map(parameters.map((p, i) => [p.name, scores[i] as tf.Tensor]));
      } finally {
        tf.dispose(g0);
      }
    },
  });
}

type LossOf = (batch: Batch) => () => tf.Scalar;

function summedGradients(batches: readonly Batch[], lossOf: LossOf, variables: readonly tf.Variable[]): tf.Tensor[] {
  let sums: tf.Tensor[] = variables.map((v) => tf.zerosLike(v));
  for (const batch of batches) {
    const next = tf.tidy(() => gradientsOf(lossOf(batch), variables).map((g, i) => tf.add(sums[i] as tf.Tensor, g)));
    tf.dispose(sums);
    sums = next;
  }
  return sums;
}

function exactHessianVector(batches: readonly Batch[], lossOf: LossOf, variables: readonly tf.Variable[], g0: readonly tf.Tensor[]): tf.Tensor[] {
  let sums: tf.Tensor[] = variables.map((v) => tf.zerosLike(v));
  for (const batch of batches) {
    const next = tf.tidy(() => {
      const hg = gradientsOf(() => dotAll(gradientsOf(lossOf(batch), variables), g0), variables);
      return hg.map((h, i) => tf.add(sums[i] as tf.Tensor, h));
    });
    tf.dispose(sums);
    sums = next;
  }
  return sums;
}

function finiteDifference(
  batches: readonly Batch[],
  lossOf: LossOf,
  variables: readonly tf.Variable[],
  g0: readonly tf.Tensor[],
  step: number,
): tf.Tensor[] {
  const gNorm = Math.sqrt(readScalar(() => sumAll(g0, tf.square)));
  if (gNorm === 0) return variables.map((v) => tf.zerosLike(v));
  const thetaNorm = Math.sqrt(readScalar(() => sumAll(variables, tf.square)));
  const epsilon = (step * Math.max(thetaNorm, 1)) / gNorm;
  const saved = variables.map((v) => tf.clone(v));
  const gradientsAt = (sign: number): tf.Tensor[] => {
    tf.tidy(() => variables.forEach((v, i) => v.assign(tf.add(saved[i] as tf.Tensor, tf.mul(g0[i] as tf.Tensor, sign * epsilon)))));
    return summedGradients(batches, lossOf, variables);
  };
  try {
    const plus = gradientsAt(1);
    const minus = gradientsAt(-1);
    const hg = tf.tidy(() => plus.map((p, i) => tf.div(tf.sub(p, minus[i] as tf.Tensor), 2 * epsilon)));
    tf.dispose([...plus, ...minus]);
    return hg;
  } finally {
    variables.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
    tf.dispose(saved);
  }
}

