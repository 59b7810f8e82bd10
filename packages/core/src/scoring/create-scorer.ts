import type { Scorer } from '../contracts/scorer.js';
import { SparseError } from '../errors.js';
import { graspScorer, type GraspScorerOptions } from './grasp.js';
import { magnitudeScorer } from './magnitude.js';
import { MovementScores } from './movement.js';
import { randomScorer, type RandomScorerOptions } from './random-scorer.js';
import { checkOptionKeys } from './scoring-support.js';
import { snipScorer } from './snip.js';
import { synflowScorer } from './synflow.js';
import { taylorScorer, type TaylorScorerOptions } from './taylor.js';

/**
 * The names of the built-in scorers.
 *
 * @example
 * ```ts
 * import type { ScorerName } from '@sparse/core';
 *
 * const name: ScorerName = 'synflow';
 * ```
 */
export type ScorerName = 'magnitude' | 'random' | 'snip' | 'grasp' | 'synflow' | 'taylor' | 'movement';

/**
 * Each built-in scorer with the options its factory accepts.
 *
 * @example
 * ```ts
 * import { SCORER_OPTIONS } from '@sparse/core';
 *
 * console.log(SCORER_OPTIONS.grasp); // ['temperature', 'hessian', 'step']
 * ```
 */
export const SCORER_OPTIONS: Readonly<Record<ScorerName, readonly string[]>> = Object.freeze({
  magnitude: [],
  random: ['seed', 'distribution'],
  snip: [],
  grasp: ['temperature', 'hessian', 'step'],
  synflow: [],
  taylor: ['criterion'],
  movement: ['source'],
});

/**
 * Builds a built-in scorer by name from configuration options, validating them: unknown names
 * and options, and invalid values, fail with `E_CONFIG` naming the option and what is allowed.
 * `movement` needs `source`, the {@link MovementScores} whose scores it reports.
 *
 * @example
 * ```ts
 * import { createScorer } from '@sparse/core';
 *
 * const grasp = createScorer('grasp', { temperature: 200, hessian: 'exact' });
 * const random = createScorer('random', { seed: 1, distribution: 'normal' });
 * ```
 */
export function createScorer(name: string, options: Readonly<Record<string, unknown>> = {}): Scorer {
  const allowed = (SCORER_OPTIONS as Record<string, readonly string[] | undefined>)[name];
  if (allowed === undefined) {
    const names = Object.keys(SCORER_OPTIONS);
    throw new SparseError('E_CONFIG', `Unknown scorer '${name}'; built-in scorers: ${names.join(', ')}.`, {
      field: 'scorer',
      received: name,
      allowed: names,
    });
  }
  checkOptionKeys(name, options, allowed);
  switch (name as ScorerName) {
    case 'magnitude':
      return magnitudeScorer();
    case 'random':
      return randomScorer(options as RandomScorerOptions);
    case 'snip':
      return snipScorer();
    case 'grasp':
      return graspScorer(options as GraspScorerOptions);
    case 'synflow':
      return synflowScorer();
    case 'taylor':
      return taylorScorer(options as TaylorScorerOptions);
    case 'movement': {
      const source = options['source'];
      if (!(source instanceof MovementScores)) {
        throw new SparseError('E_CONFIG', 'movement scorer: option source must be the MovementScores object that owns the scores.', {
          field: 'source',
          received: typeof source,
          allowed: ['MovementScores'],
        });
      }
      return source.scorer();
    }
  }
}
