import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import type { ScoreSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { SparseError } from '../errors.js';
import { pruneLowest } from '../selection/select.js';
import { checkParameters } from './scoring-support.js';

/**
 * Options of {@link MovementScores}.
 *
 * @example
 * ```ts
 * import type { MovementScoresOptions } from '@sparse/core';
 *
 * const hard: MovementScoresOptions = { variant: 'topk', keep: 0.1 };
 * const soft: MovementScoresOptions = { variant: 'sigmoid', threshold: 0.5 };
 * ```
 */
export interface MovementScoresOptions {
  /**
   * How the mask follows the scores: `topk` (hard movement pruning, default) keeps the
   * `⌊keep·N⌋` highest scores of each tensor; `threshold` keeps `S > τ`; `sigmoid` keeps
   * `σ(S) > τ` (soft movement pruning).
   */
  readonly variant?: 'topk' | 'threshold' | 'sigmoid';
  /** `topk`: fraction of each tensor kept, in `[0, 1]`. Default 1; lower it with {@link MovementScores.setKeep}. */
  readonly keep?: number;
  /** `threshold` / `sigmoid`: the threshold τ. Default 0 for `threshold`, 0.5 for `sigmoid`. */
  readonly threshold?: number;
  /** Initial value of every score. Default 0. */
  readonly initialScore?: number;
  /** `threshold` / `sigmoid`: keep at least `⌊f·N⌋ + 1` weights (HF's 0.5% floor). Default 0.005. */
  readonly minKeepFraction?: number;
}

function fraction(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new SparseError('E_CONFIG', `movement: ${field} must be a number in [0, 1], got ${echoValue(value)}.`, {
      field,
      received: value,
      allowed: '[0, 1]',
    });
  }
  return value;
}

/**
 * Movement pruning (Sanh et al. 2020, spec E.2; HF `emmental/modules/binarizer.py`): a learned
 * score `S` per weight, trained through a straight-through estimator. The forward uses
 * `W' = W ⊙ M(S)`; the gradient reaching `S` is `∂L/∂W' ⊙ W` and the one reaching `W` is
 * `∂L/∂W' ⊙ M`, so gradient descent on `S` accumulates `−Σ_t (∂L/∂W)_t ⊙ W_t`.
 *
 * Two ways to train the scores: put {@link MovementScores.maskedWeight} in the model's forward
 * and add the score variables to the optimizer (the scores learn through the estimator), or
 * compute `∂L/∂W` yourself and call {@link MovementScores.accumulate}. The masks are computed on
 * the CPU from the scores (exact top-k, ties by index). {@link MovementScores.scorer} returns a
 * {@link SyncScorer} that reports `S`, so any pruner can use it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { MovementScores } from '@sparse/core';
 *
 * const w = tf.variable(tf.randomNormal([784, 10]));
 * const movement = new MovementScores([{ name: 'w', role: 'dense-kernel', variable: w }], { keep: 0.5 });
 * const logits = (x: tf.Tensor) => tf.matMul(x, movement.maskedWeight('w'));
 * // optimizer.minimize(() => loss(logits(x)), false, [w, ...movement.scores.values()]);
 * movement.setKeep(0.1); // follow a cubic schedule
 * movement.dispose();
 * ```
 */
export class MovementScores {
  /** The score variables, by parameter name (trainable). */
  readonly scores: ReadonlyMap<string, tf.Variable>;
  /** The mask variant. */
  readonly variant: 'topk' | 'threshold' | 'sigmoid';
  private readonly weights: ReadonlyMap<string, tf.Variable>;
  private readonly threshold: number;
  private readonly minKeepFraction: number;
  private keepFraction: number;

  /** @throws SparseError `E_CONFIG` for an invalid option; `E_ARGUMENT` for duplicate names. */
  constructor(parameters: readonly NamedParameter[], options: MovementScoresOptions = {}) {
    const variant = options.variant ?? 'topk';
    if (variant !== 'topk' && variant !== 'threshold' && variant !== 'sigmoid') {
      throw new SparseError('E_CONFIG', `movement: variant must be 'topk', 'threshold' or 'sigmoid', got ${echoValue(variant)}.`, {
        field: 'variant',
        received: variant,
        allowed: ['topk', 'threshold', 'sigmoid'],
      });
    }
    this.variant = variant;
    this.keepFraction = fraction(options.keep ?? 1, 'keep');
    this.minKeepFraction = fraction(options.minKeepFraction ?? 0.005, 'minKeepFraction');
    this.threshold = options.threshold ?? (variant === 'sigmoid' ? 0.5 : 0);
    if (!Number.isFinite(this.threshold)) {
      throw new SparseError('E_CONFIG', `movement: threshold must be a finite number, got ${String(options.threshold)}.`, {
        field: 'threshold',
        received: options.threshold,
      });
    }
    const initial = options.initialScore ?? 0;
    const weights = new Map<string, tf.Variable>();
    const scores = new Map<string, tf.Variable>();
    for (const p of parameters) {
      if (weights.has(p.name)) {
        throw new SparseError('E_ARGUMENT', `movement: parameter name '${p.name}' appears twice.`, { field: 'parameters', received: p.name });
      }
      weights.set(p.name, p.variable);
      scores.set(p.name, tf.variable(tf.fill(p.variable.shape, initial), true));
    }
    this.weights = weights;
    this.scores = scores;
  }

  /** The current `topk` keep fraction. */
  get keep(): number {
    return this.keepFraction;
  }

  /**
   * Sets the `topk` keep fraction (`1 − sparsity`), e.g. from a cubic schedule at every step.
   *
   * @throws SparseError `E_CONFIG` unless `keep` is in `[0, 1]`.
   */
  setKeep(keep: number): void {
    this.keepFraction = fraction(keep, 'keep');
  }

  private entry(name: string): { weight: tf.Variable; score: tf.Variable } {
    const weight = this.weights.get(name);
    const score = this.scores.get(name);
    if (weight === undefined || score === undefined) {
      throw new SparseError('E_ARGUMENT', `movement: no scores for '${name}'; known: ${[...this.weights.keys()].join(', ')}.`, {
        field: 'name',
        received: name,
        allowed: [...this.weights.keys()],
      });
    }
    return { weight, score };
  }

  /** The binary mask `M(S)` of a parameter's current scores, as CPU flags. */
  private maskFlags(score: tf.Tensor): Uint8Array {
    const values = score.dataSync() as Float32Array;
    const n = values.length;
    const all = new Uint8Array(n).fill(1);
    if (this.variant === 'topk') return pruneLowest(values, all, n - Math.floor(this.keepFraction * n));
    const keep = new Uint8Array(n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const s = values[i] as number;
      const on = this.variant === 'sigmoid' ? 1 / (1 + Math.exp(-s)) > this.threshold : s > this.threshold;
      keep[i] = on ? 1 : 0;
      kept += keep[i] as number;
    }
    const floor = Math.min(n, Math.floor(this.minKeepFraction * n) + 1);
    return kept < floor ? pruneLowest(values, all, n - floor) : keep;
  }

  /**
   * The current binary mask of a parameter (float32, owned by the caller).
   *
   * @throws SparseError `E_ARGUMENT` for an unknown name.
   */
  mask(name: string): tf.Tensor {
    const { weight, score } = this.entry(name);
    return tf.tensor(Float32Array.from(this.maskFlags(score)), weight.shape, 'float32');
  }

  /**
   * `W ⊙ M(S)` for use inside the model's forward, with straight-through gradients: `∂/∂W =
   * dy ⊙ M`, `∂/∂S = dy ⊙ W`.
   *
   * @throws SparseError `E_ARGUMENT` for an unknown name.
   */
  maskedWeight(name: string): tf.Tensor {
    const { weight, score } = this.entry(name);
    const flags = this.maskFlags(score);
    const straightThrough = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const w = args[0] as tf.Tensor;
      const mask = tf.tensor(Float32Array.from(flags), w.shape, 'float32');
      (args[2] as tf.GradSaveFunc)([w, mask]);
      return {
        value: tf.mul(w, mask),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[1] as tf.Tensor), tf.mul(dy, saved[0] as tf.Tensor)],
      };
    });
    return straightThrough(weight, score);
  }

  /**
   * Accumulates movement from gradients you computed: `S ← S − scale · (∂L/∂W) ⊙ W` for every
   * parameter present in `gradients` (keyed by name).
   *
   * @throws SparseError `E_ARGUMENT` for an unknown name or a gradient of the wrong shape.
   */
  accumulate(gradients: ReadonlyMap<string, tf.Tensor>, scale = 1): void {
    for (const [name, gradient] of gradients) {
      const { weight, score } = this.entry(name);
      if (gradient.shape.join(',') !== weight.shape.join(',')) {
        throw new SparseError('E_ARGUMENT', `movement: the gradient of '${name}' has shape [${gradient.shape.join(', ')}], expected [${weight.shape.join(', ')}].`, {
          field: `gradients.${name}`,
          received: gradient.shape,
        });
      }
      tf.tidy(() => score.assign(tf.sub(score, tf.mul(tf.mul(gradient, weight), scale))));
    }
  }

  /** The soft-movement penalty `strength · Σ σ(S)` over every score (differentiable w.r.t. the scores). */
  penalty(strength: number): tf.Scalar {
    return tf.tidy(() => {
      let total: tf.Scalar = tf.scalar(0);
      for (const score of this.scores.values()) total = tf.add(total, tf.sum(tf.sigmoid(score)));
      return tf.mul(total, strength);
    });
  }

  /** A {@link SyncScorer} named `movement` that returns copies of the current scores. */
  scorer(): SyncScorer {
    return Object.freeze({
      name: 'movement',
      requiresData: false,
      score: (input: ScoringInput): ScoreSet => {
        const parameters = checkParameters(input, 'movement');
        return new Map(parameters.map((p) => [p.name, tf.clone(this.entry(p.name).score)]));
      },
    });
  }

  /** Disposes the score variables. */
  dispose(): void {
    tf.dispose([...this.scores.values()]);
  }
}
