import type { ScoreSet } from './mask.js';
import type { Scorer, ScoringInput } from './scorer.js';

/**
 * A {@link Scorer} that scores synchronously, as every built-in scorer does; callers that hold
 * one need no `await`.
 *
 * @example
 * ```ts
 * import { magnitudeScorer, type SyncScorer } from '@sparse/core';
 *
 * const scorer: SyncScorer = magnitudeScorer();
 * ```
 */
export interface SyncScorer extends Scorer {
  /** Scores every element of every parameter in `input.parameters`. */
  score(input: ScoringInput): ScoreSet;
}
