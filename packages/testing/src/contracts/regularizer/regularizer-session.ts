import { DEFAULT_PRUNABLE_ROLES, deriveSeed, type MaskSet } from '@sparse/core';
import type * as tf from '@tensorflow/tfjs-core';
import { createSeededRandom } from '../../random/seeded-random.js';
import { createContractFixture, type ContractFixture } from '../shared/contract-fixture.js';
import { createMasks, disposeMasks } from '../shared/masks.js';
import type { RegularizerContractOptions } from './regularizer-contract-options.js';

/** A fixture whose kernels are 40% masked (masked weights at zero), for one check. */
export interface RegularizerSession {
  readonly fixture: ContractFixture;
  readonly masks: MaskSet;
  /** The masks, by a label for messages. */
  readonly maskLabels: ReadonlyMap<tf.Tensor, string>;
}

/** Creates a session, runs `body` with it, and disposes it whatever happens. */
export async function withRegularizerSession<T>(options: RegularizerContractOptions, body: (session: RegularizerSession) => Promise<T> | T): Promise<T> {
  const seed = options.seed ?? 7;
  const fixture = (options.fixture ?? createContractFixture)(seed);
  const prunable = fixture.parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role));
  const masks = createMasks(prunable, 0.4, createSeededRandom(deriveSeed(seed, 'regularizer masks')));
  try {
    return await body({ fixture, masks, maskLabels: new Map([...masks].map(([name, mask]) => [mask, `mask '${name}'`] as const)) });
  } finally {
    disposeMasks(masks);
    fixture.dispose();
  }
}
