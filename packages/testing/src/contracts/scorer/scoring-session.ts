import { DEFAULT_PRUNABLE_ROLES, deriveSeed, type MaskSet, type Scorer, type ScoringInput } from '@sparse/core';
import type * as tf from '@tensorflow/tfjs-core';
import { createSeededRandom } from '../../random/seeded-random.js';
import { createContractFixture, type ContractFixture } from '../shared/contract-fixture.js';
import { createMasks, disposeMasks } from '../shared/masks.js';
import type { ScorerContractOptions } from './scorer-contract-options.js';

/** A fixture with half-pruned kernels, and the scoring input built from it. */
export interface ScoringSession {
  readonly fixture: ContractFixture;
  readonly masks: MaskSet;
  /** Every tensor the scorer is given, by a label for messages. */
  readonly inputs: ReadonlyMap<tf.Tensor, string>;
  input(scorer: Scorer): ScoringInput;
}

/** Creates a scoring session, runs `body` with it, and disposes it whatever happens. */
export async function withScoringSession<T>(options: ScorerContractOptions, body: (session: ScoringSession) => Promise<T>): Promise<T> {
  const seed = options.seed ?? 7;
  const fixture = (options.fixture ?? createContractFixture)(seed);
  const prunable = fixture.parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role));
  const masks = createMasks(prunable, 0.5, createSeededRandom(deriveSeed(seed, 'scorer masks')));
  const inputs = new Map<tf.Tensor, string>([
    ...fixture.parameters.map((p) => [p.variable, `variable '${p.name}'`] as const),
    ...[...masks].map(([name, mask]) => [mask, `mask '${name}'`] as const),
    [fixture.batch.x, 'batch.x'],
    [fixture.batch.y, 'batch.y'],
  ]);
  const session: ScoringSession = {
    fixture,
    masks,
    inputs,
    input: (scorer) => ({
      parameters: fixture.parameters,
      masks,
      seed,
      ...(scorer.requiresData ? { batch: fixture.batch, loss: fixture.loss } : {}),
    }),
  };
  try {
    return await body(session);
  } finally {
    disposeMasks(masks);
    fixture.dispose();
  }
}
