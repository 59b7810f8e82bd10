import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import type { ScoreSet } from '../contracts/mask.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { SparseError } from '../errors.js';
import { assertSeed } from '../random/derive-seed.js';
import { Random } from '../random/random.js';
import { checkParameters } from './scoring-support.js';

/**
 * Options of {@link randomScorer}.
 *
 * @example
 * ```ts
 * import type { RandomScorerOptions } from '@sparse/core';
 *
 * const options: RandomScorerOptions = { seed: 7, distribution: 'normal' };
 * ```
 */
export interface RandomScorerOptions {
  /** The run seed used when the scoring input has none. */
  readonly seed?: number;
  /** `uniform` in `[0, 1)` (default) or standard `normal`. */
  readonly distribution?: 'uniform' | 'normal';
}

/**
 * Random scores, i.i.d. per element, from the stream `Random.derived(seed, 'random-scores',
 * name)`: reproducible per tensor whatever the order of the parameters. With an exact-count
 * pruner it gives random masks of exact density (the random-pruning baseline, spec E.2 and A.3).
 * The seed is `input.seed`, else the `seed` option.
 *
 * @throws SparseError `E_CONFIG` for an unknown distribution; at scoring, `E_ARGUMENT` when no seed is given.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { randomScorer } from '@sparse/core';
 *
 * const w = tf.variable(tf.zeros([4, 4]));
 * const scores = randomScorer({ seed: 1 }).score({ parameters: [{ name: 'w', role: 'dense-kernel', variable: w }], masks: new Map() });
 * ```
 */
export function randomScorer(options: RandomScorerOptions = {}): SyncScorer {
  const distribution = options.distribution ?? 'uniform';
  if (distribution !== 'uniform' && distribution !== 'normal') {
    throw new SparseError('E_CONFIG', `random scorer: distribution must be 'uniform' or 'normal', got ${echoValue(distribution)}.`, {
      field: 'distribution',
      received: distribution,
      allowed: ['uniform', 'normal'],
    });
  }
  if (options.seed !== undefined && !(Number.isSafeInteger(options.seed) && options.seed >= 0)) {
    throw new SparseError('E_CONFIG', `random scorer: seed must be an integer in [0, 2^53), got ${echoValue(options.seed)}.`, {
      field: 'seed',
      received: options.seed,
      allowed: '[0, 2^53) integers',
    });
  }
  return Object.freeze({
    name: 'random',
    requiresData: false,
    score(input: ScoringInput): ScoreSet {
      const parameters = checkParameters(input, 'random');
      const seed = input.seed ?? options.seed;
      if (seed === undefined) {
        throw new SparseError('E_ARGUMENT', 'random scorer needs a seed: pass input.seed (the run seed) or the seed option.', {
          field: 'seed',
        });
      }
      assertSeed(seed, 'seed');
      return new Map(
        parameters.map((p) => {
          const rng = Random.derived(seed, 'random-scores', p.name);
          const values = new Float32Array(p.variable.size);
          if (distribution === 'uniform') rng.fillUniform(values);
          else rng.fillNormal(values);
          return [p.name, tf.tensor(values, p.variable.shape, 'float32')];
        }),
      );
    },
  });
}
