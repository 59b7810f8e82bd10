import * as tf from '@tensorflow/tfjs-core';
import type { ScoreSet } from '../contracts/mask.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { checkParameters } from './scoring-support.js';

/**
 * Magnitude scores `|w|` (spec E.2): data-free, the classic pruning criterion.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { magnitudeScorer } from '@sparse/core';
 *
 * const w = tf.variable(tf.tensor2d([[0.5, -2], [0.1, 1]]));
 * const scores = magnitudeScorer().score({ parameters: [{ name: 'w', role: 'dense-kernel', variable: w }], masks: new Map() });
 * scores.get('w')?.print(); // [[0.5, 2], [0.1, 1]]
 * ```
 */
export function magnitudeScorer(): SyncScorer {
  return Object.freeze({
    name: 'magnitude',
    requiresData: false,
    score(input: ScoringInput): ScoreSet {
      const parameters = checkParameters(input, 'magnitude');
      return new Map(parameters.map((p) => [p.name, tf.abs(p.variable)]));
    },
  });
}
