import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { ScoringModel } from '../contracts/scoring-model.js';
import type { SparsityScope } from '../contracts/sparsity-target.js';
import { SparseError } from '../errors.js';
import { createPruner, type PrunerOptions, type PruneOutcome } from './score-pruner.js';
import { synflowScorer } from '../scoring/synflow.js';

/**
 * Options of {@link iterativeSynFlow}.
 *
 * @example
 * ```ts
 * import type { IterativeSynFlowOptions, NamedParameter, ScoringModel } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * declare const model: ScoringModel;
 * const options: IterativeSynFlowOptions = { parameters, model, sparsity: 0.99, rounds: 100 };
 * ```
 */
export interface IterativeSynFlowOptions extends PrunerOptions {
  /** The parameters to prune. */
  readonly parameters: readonly NamedParameter[];
  /** The model (forward, variables, inputShape) SynFlow runs. */
  readonly model: ScoringModel;
  /** The final sparsity, in `[0, 1)`. */
  readonly sparsity: number;
  /** Starting masks (not disposed). Default: dense. */
  readonly masks?: MaskSet;
  /** Number of prune–rescore rounds. Default 100 (the paper's). */
  readonly rounds?: number;
  /** Density schedule: `exponential` (default) `d^((r+1)/R)`, or `linear` `1 − (1−d)(r+1)/R`. */
  readonly schedule?: 'exponential' | 'linear';
  /** How each round's sparsity is shared. Default `global` (the paper's). */
  readonly scope?: SparsityScope;
  /** Called after every round with its index and target sparsity. */
  readonly onRound?: (round: number, sparsity: number) => void;
}

/**
 * Iterative SynFlow (spec E.2; Synaptic-Flow `prune.py::prune_loop`): `rounds` times, rescore
 * with {@link synflowScorer} under the current masks and prune to the round's sparsity, the
 * density shrinking exponentially (`d_r = d^((r+1)/R)`) or linearly to `d = 1 − sparsity`.
 * Weights are never modified. Returns the final masks (owned by the caller) and the last
 * round's report; intermediate masks are disposed.
 *
 * @throws SparseError `E_CONFIG` for a sparsity outside `[0, 1)`, a round count below 1 or an
 *   unknown schedule; whatever the scorer or pruner throws.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { iterativeSynFlow } from '@sparse/core';
 *
 * const w1 = tf.variable(tf.randomNormal([784, 100]));
 * const w2 = tf.variable(tf.randomNormal([100, 10]));
 * const { masks } = iterativeSynFlow({
 *   parameters: [
 *     { name: 'w1', role: 'dense-kernel', variable: w1 },
 *     { name: 'w2', role: 'dense-kernel', variable: w2 },
 *   ],
 *   model: { forward: (x) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2), inputShape: [784] },
 *   sparsity: 0.99,
 *   rounds: 20,
 * });
 * ```
 */
export function iterativeSynFlow(options: IterativeSynFlowOptions): PruneOutcome {
  const { parameters, model, sparsity } = options;
  const rounds = options.rounds ?? 100;
  const schedule = options.schedule ?? 'exponential';
  if (!(typeof sparsity === 'number' && sparsity >= 0 && sparsity < 1)) {
    throw new SparseError('E_CONFIG', `iterativeSynFlow: sparsity must be in [0, 1), got ${echoValue(sparsity)}.`, {
      field: 'sparsity',
      received: sparsity,
      allowed: '[0, 1)',
    });
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new SparseError('E_CONFIG', `iterativeSynFlow: rounds must be an integer >= 1, got ${echoValue(rounds)}.`, {
      field: 'rounds',
      received: rounds,
      allowed: 'integers >= 1',
    });
  }
  if (schedule !== 'exponential' && schedule !== 'linear') {
    throw new SparseError('E_CONFIG', `iterativeSynFlow: schedule must be 'exponential' or 'linear', got ${echoValue(schedule)}.`, {
      field: 'schedule',
      received: schedule,
      allowed: ['exponential', 'linear'],
    });
  }
  const scorer = synflowScorer();
  const pruner = createPruner(options);
  const density = 1 - sparsity;
  let masks: MaskSet = options.masks ?? new Map();
  let owned = false;
  let outcome: PruneOutcome | undefined;
  for (let round = 0; round < rounds; round++) {
    const fraction = (round + 1) / rounds;
    const roundDensity = schedule === 'exponential' ? density ** fraction : 1 - (1 - density) * fraction;
    const roundSparsity = round === rounds - 1 ? sparsity : 1 - roundDensity;
    try {
      const scores = scorer.score({ parameters, masks, model });
      try {
        outcome = pruner.pruneWithReport({
          parameters,
          scores,
          masks,
          target: { sparsity: roundSparsity, scope: options.scope ?? 'global' },
        });
      } finally {
        tf.dispose([...scores.values()]);
      }
    } catch (error) {
      if (owned) tf.dispose([...masks.values()]);
      throw error;
    }
    if (owned) tf.dispose([...masks.values()]);
    masks = outcome.masks;
    owned = true;
    options.onRound?.(round, roundSparsity);
  }
  return outcome as PruneOutcome;
}
