import { z } from 'zod';
import type { Allocator } from './contracts/allocation.js';
import type { Pruner } from './contracts/pruner.js';
import type { PruningPattern } from './contracts/pattern.js';
import { BUILT_IN_ALLOCATORS } from './allocation/allocators.js';
import { BUILT_IN_PATTERNS } from './patterns/resolve-pattern.js';
import { createPruner, type PrunerOptions } from './pruning/score-pruner.js';
import { definePlugin, type PluginRegistry, type SparsePlugin } from './runtime/plugin.js';
import { graspScorer, type GraspScorerOptions } from './scoring/grasp.js';
import { magnitudeScorer } from './scoring/magnitude.js';
import type { MovementScores } from './scoring/movement.js';
import { randomScorer, type RandomScorerOptions } from './scoring/random-scorer.js';
import { snipScorer } from './scoring/snip.js';
import { synflowScorer } from './scoring/synflow.js';
import { taylorScorer, type TaylorScorerOptions } from './scoring/taylor.js';
import { constantSparsity, type ConstantSparsityOptions } from './schedules/constant-sparsity.js';
import { cubicSparsity, type CubicSparsityOptions } from './schedules/cubic-sparsity.js';
import { iterativeRounds, type IterativeRoundsOptions } from './schedules/iterative-rounds.js';
import { oneShot, type OneShotOptions } from './schedules/one-shot.js';
import { polynomialDecay, type PolynomialDecayOptions } from './schedules/polynomial-decay.js';
import { TOOLKIT_OPTIONS } from './toolkit-options.js';
import { optimizerEngine } from './training/optimizer-engine.js';
import { Allocations, Patterns, Pruners, Schedules, Scorers, TrainingEngines } from './tokens.js';

/**
 * The id of core's built-in plugin (scorers, pruners, schedules, patterns, allocations).
 *
 * @example
 * ```ts
 * import { TOOLKIT_PLUGIN_ID, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.pluginIds.includes(TOOLKIT_PLUGIN_ID)); // true
 * ```
 */
export const TOOLKIT_PLUGIN_ID = '@sparse/core/toolkit';

function registerScorers(registry: PluginRegistry): void {
  const { scorer } = TOOLKIT_OPTIONS;
  registry.provide(Scorers, 'magnitude', () => magnitudeScorer(), { summary: '|w|: keep the largest weights.' });
  registry.provide(Scorers, 'random', (options) => randomScorer(options as RandomScorerOptions), { options: scorer.random, summary: 'i.i.d. random scores from a derived seed.' });
  registry.provide(Scorers, 'snip', () => snipScorer(), { summary: '|g·w| on a batch (SNIP, arXiv:1810.02340).' });
  registry.provide(Scorers, 'grasp', (options) => graspScorer(options as GraspScorerOptions), { options: scorer.grasp, summary: '-w·Hg (GraSP, arXiv:2002.07376).' });
  registry.provide(Scorers, 'synflow', () => synflowScorer(), { summary: 'Data-free synaptic flow (SynFlow, arXiv:2006.05467).' });
  registry.provide(Scorers, 'taylor', (options) => taylorScorer(options as TaylorScorerOptions), { options: scorer.taylor, summary: 'First-order Taylor (g·w)² or |g·w|.' });
  registry.provide(Scorers, 'movement', (options) => (options['source'] as MovementScores).scorer(), {
    options: scorer.movement,
    summary: 'Movement scores accumulated by a MovementScores object (arXiv:2005.07683).',
  });
}

const PRUNER_OPTIONS = z.object({
  pattern: z.unknown().optional().meta({ description: 'Which weights are pruned together (see resolvePattern). Default unstructured.' }),
  mode: z.enum(['exact', 'pytorch', 'tfmot', 'open-lth-layerwise', 'open-lth-global', 'google-lth', 'percentile', 'synflow']).optional().meta({ description: 'The counting and threshold rule. Default exact.' }),
  allowLayerCollapse: z.boolean().optional(),
  minDensity: z.number().min(0).max(1).optional(),
  warnAbove: z.number().min(0).max(1).optional(),
  onWarning: z.custom<(message: string) => void>((value) => typeof value === 'function').optional(),
});

function registerPruners(registry: PluginRegistry): void {
  registry.provide(Pruners, 'magnitude', (options): Pruner => createPruner({ ...(options as PrunerOptions), name: 'magnitude' }), {
    options: PRUNER_OPTIONS,
    summary: 'Scores + allocation + pattern → masks, exact counts with ties broken by index.',
  });
}

function registerSchedules(registry: PluginRegistry): void {
  const { schedule } = TOOLKIT_OPTIONS;
  registry.provide(Schedules, 'one-shot', (options) => oneShot(options as unknown as OneShotOptions), { options: schedule['one-shot'], summary: 'One prune at one step.' });
  registry.provide(Schedules, 'constant', (options) => constantSparsity(options as unknown as ConstantSparsityOptions), { options: schedule.constant, summary: "tfmot's ConstantSparsity." });
  registry.provide(Schedules, 'polynomial', (options) => polynomialDecay(options as unknown as PolynomialDecayOptions), { options: schedule.polynomial, summary: "tfmot's PolynomialDecay." });
  registry.provide(Schedules, 'cubic', (options) => cubicSparsity(options as unknown as CubicSparsityOptions), { options: schedule.cubic, summary: 'Gradual pruning (Zhu & Gupta, arXiv:1710.01878).' });
  registry.provide(Schedules, 'iterative', (options) => iterativeRounds(options as unknown as IterativeRoundsOptions), { options: schedule.iterative, summary: 'IMP rounds of a fixed rate.' });
}

const PATTERN_SUMMARIES: Readonly<Record<keyof typeof BUILT_IN_PATTERNS, string>> = {
  unstructured: 'Any weight on its own.',
  'n:m': 'N kept in every M consecutive inputs.',
  block: 'Rows × cols blocks.',
  groups: 'Neurons, filters or channels.',
};

function registerPatterns(registry: PluginRegistry): void {
  for (const [name, build] of Object.entries(BUILT_IN_PATTERNS) as [keyof typeof BUILT_IN_PATTERNS, (typeof BUILT_IN_PATTERNS)[keyof typeof BUILT_IN_PATTERNS]][]) {
    registry.provide(Patterns, name, (options): PruningPattern => build(options), { options: TOOLKIT_OPTIONS.pattern[name], summary: PATTERN_SUMMARIES[name] });
  }
}

const ALLOCATION_SUMMARIES: Readonly<Record<keyof typeof BUILT_IN_ALLOCATORS, string>> = {
  layerwise: 'The same sparsity in every tensor.',
  global: 'One threshold across tensors.',
  erk: 'Erdős–Rényi-Kernel densities (arXiv:1911.11134).',
  custom: 'A sparsity per tensor.',
};

function registerAllocations(registry: PluginRegistry): void {
  for (const [name, allocator] of Object.entries(BUILT_IN_ALLOCATORS) as [keyof typeof BUILT_IN_ALLOCATORS, Allocator][]) {
    registry.provide(Allocations, name, () => allocator, { summary: ALLOCATION_SUMMARIES[name] });
  }
}

/**
 * Core's built-in plugin: the scorers (`magnitude`, `random`, `snip`, `grasp`, `synflow`,
 * `taylor`, `movement`), the `magnitude` pruner, the schedules (`one-shot`, `constant`,
 * `polynomial`, `cubic`, `iterative`), the patterns (`unstructured`, `n:m`, `block`, `groups`) and
 * the allocations (`layerwise`, `global`, `erk`, `custom`) and the training engines `stock` and
 * `fused`, each with its options' schema.
 * `createRuntime` loads it unless `toolkit: false`.
 *
 * @example
 * ```ts
 * import { Scorers, createRuntime } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * const scorer = runtime.resolve(Scorers, { name: 'random', seed: 3 });
 * ```
 */
export function sparseToolkit(_options: Record<string, never> = {}): SparsePlugin {
  return definePlugin(TOOLKIT_PLUGIN_ID, (registry) => {
    registerScorers(registry);
    registerPruners(registry);
    registerSchedules(registry);
    registerPatterns(registry);
    registerAllocations(registry);
    registry.provide(TrainingEngines, 'stock', () => optimizerEngine('stock'), { summary: "tf.train.adam on the model's loss, tfjs's gradients." });
    registry.provide(TrainingEngines, 'fused', () => optimizerEngine('fused'), { summary: 'One-pass Adam with the masks folded in, hand-written loss gradients.' });
  });
}
