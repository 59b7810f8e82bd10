import { DEFAULT_PRUNABLE_ROLES, deriveSeed, type MaskSet, type NamedParameter, type PruneRequest, type Pruner, type SparsityScope } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { createSeededRandom, type SeededRandom } from '../../random/seeded-random.js';
import { createContractFixture } from '../shared/contract-fixture.js';
import { createMasks, disposeMasks } from '../shared/masks.js';
import { disposeReturned } from '../shared/tensor-inspection.js';
import type { PrunerContractOptions } from './pruner-contract-options.js';
import { scenariosFor, type PruningScenario, type ScoreKind } from './pruning-scenarios.js';

const ALL_SCOPES: readonly SparsityScope[] = ['layerwise', 'global', 'erk', 'custom'];

/** A scenario made concrete: the request, its input tensors, and the existing masks' values. */
export interface PreparedScenario {
  readonly scenario: PruningScenario;
  readonly request: PruneRequest;
  /** Every tensor of the request, by a label for messages. */
  readonly inputs: ReadonlyMap<tf.Tensor, string>;
}

/**
 * Runs `body` once per scenario of the supported scopes, each with a fresh fixture, scores and
 * existing masks, and disposes them whatever happens.
 */
export async function forEachScenario(
  options: PrunerContractOptions,
  body: (prepared: PreparedScenario) => Promise<readonly string[]>,
): Promise<string[]> {
  const seed = options.seed ?? 7;
  const problems: string[] = [];
  const names = prunableNames(options, seed);
  for (const scope of options.scopes ?? ALL_SCOPES) {
    for (const scenario of scenariosFor(scope, names, options.bases ?? ['total', 'remaining'])) {
      const fixture = (options.fixture ?? createContractFixture)(seed);
      const random = createSeededRandom(deriveSeed(seed, scenario.label));
      const parameters = fixture.parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role));
      const scores = new Map(parameters.map((p) => [p.name, scoreTensor(p, scenario.scores, random)] as const));
      const existing = scenario.existing;
      const masks: MaskSet =
        existing === undefined ? new Map() : createMasks(parameters, existing, random, (p) => valuesOfScore(scores, p).map((s) => -s));
      const inputs = new Map<tf.Tensor, string>([
        ...parameters.map((p) => [p.variable, `variable '${p.name}'`] as const),
        ...[...scores].map(([name, score]) => [score, `score '${name}'`] as const),
        ...[...masks].map(([name, mask]) => [mask, `mask '${name}'`] as const),
      ]);
      try {
        const request: PruneRequest = { parameters, scores, masks, target: scenario.target, onWarning: ignoreWarning };
        for (const line of await body({ scenario, request, inputs })) problems.push(`${scenario.label}: ${line}`);
      } finally {
        disposeMasks(scores);
        disposeMasks(masks);
        fixture.dispose();
      }
    }
  }
  return problems;
}

/** Calls the pruner, hands its masks to `use`, then disposes them (never an input tensor). */
export async function withPrunedMasks<T>(pruner: Pruner, prepared: PreparedScenario, use: (masks: MaskSet) => T | Promise<T>): Promise<T> {
  const masks = await pruner.prune(prepared.request);
  try {
    return await use(masks);
  } finally {
    disposeReturned(masks, new Set(prepared.inputs.keys()));
  }
}

function scoreTensor(parameter: NamedParameter, kind: ScoreKind, random: SeededRandom): tf.Tensor {
  const size = parameter.variable.size;
  const values = kind === 'random' ? random.floats(size, 0, 1) : kind === 'ties' ? random.ints(size, 0, 4) : new Array<number>(size).fill(1);
  return tf.tensor(values, parameter.variable.shape, 'float32');
}

function valuesOfScore(scores: ReadonlyMap<string, tf.Tensor>, parameter: NamedParameter): number[] {
  const score = scores.get(parameter.name);
  return score === undefined ? [] : Array.from(score.dataSync());
}

function prunableNames(options: PrunerContractOptions, seed: number): string[] {
  const fixture = (options.fixture ?? createContractFixture)(seed);
  const names = fixture.parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role)).map((p) => p.name);
  fixture.dispose();
  return names;
}

/** Warnings (NaN scores, a collapse guard) are a pruner's business, not a contract violation. */
const ignoreWarning = (): void => undefined;
