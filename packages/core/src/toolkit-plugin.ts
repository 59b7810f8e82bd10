import type { Pruner } from './contracts/pruner.js';
import { SparseError } from './errors.js';
import { createPruner, type PrunerOptions } from './pruning/score-pruner.js';
import { definePlugin, type PluginRegistry, type SparsePlugin } from './runtime/plugin.js';
import { createScorer, SCORER_OPTIONS, type ScorerName } from './scoring/create-scorer.js';
import { constantSparsity, type ConstantSparsityOptions } from './schedules/constant-sparsity.js';
import { cubicSparsity, type CubicSparsityOptions } from './schedules/cubic-sparsity.js';
import { iterativeRounds, type IterativeRoundsOptions } from './schedules/iterative-rounds.js';
import { oneShot, type OneShotOptions } from './schedules/one-shot.js';
import { polynomialDecay, type PolynomialDecayOptions } from './schedules/polynomial-decay.js';
import { Pruners, Schedules, Scorers } from './tokens.js';

/**
 * The id of the {@link sparseToolkit} plugin.
 *
 * @example
 * ```ts
 * import { TOOLKIT_PLUGIN_ID } from '@sparse/core';
 *
 * console.log(TOOLKIT_PLUGIN_ID); // '@sparse/core/toolkit'
 * ```
 */
export const TOOLKIT_PLUGIN_ID = '@sparse/core/toolkit';

/** The options the `magnitude` pruner factory accepts. */
const PRUNER_OPTIONS: readonly (keyof PrunerOptions)[] = ['pattern', 'mode', 'allowLayerCollapse', 'minDensity', 'warnAbove', 'onWarning'];

function prunerFactory(name: string) {
  return (options: Readonly<Record<string, unknown>>): Pruner => {
    for (const key of Object.keys(options)) {
      if (!(PRUNER_OPTIONS as readonly string[]).includes(key)) {
        throw new SparseError('E_CONFIG', `${name} pruner: unknown option '${key}'; allowed: ${PRUNER_OPTIONS.join(', ')}.`, {
          field: key,
          received: options[key],
          allowed: PRUNER_OPTIONS,
        });
      }
    }
    return createPruner({ ...(options as PrunerOptions), name });
  };
}

function registerScorers(registry: PluginRegistry): void {
  for (const name of Object.keys(SCORER_OPTIONS) as ScorerName[]) {
    registry.provide(Scorers, name, (options) => createScorer(name, options));
  }
}

function registerPruners(registry: PluginRegistry): void {
  registry.provide(Pruners, 'magnitude', prunerFactory('magnitude'));
}

/** Schedule factories pass the config through: each schedule validates its own options (E_CONFIG). */
function registerSchedules(registry: PluginRegistry): void {
  registry.provide(Schedules, 'one-shot', (options) => oneShot(options as unknown as OneShotOptions));
  registry.provide(Schedules, 'constant', (options) => constantSparsity(options as unknown as ConstantSparsityOptions));
  registry.provide(Schedules, 'polynomial', (options) => polynomialDecay(options as unknown as PolynomialDecayOptions));
  registry.provide(Schedules, 'cubic', (options) => cubicSparsity(options as unknown as CubicSparsityOptions));
  registry.provide(Schedules, 'iterative', (options) => iterativeRounds(options as unknown as IterativeRoundsOptions));
}

/**
 * Core's toolkit as a plugin: the scorers `magnitude`, `random`, `snip`, `grasp`, `synflow`,
 * `taylor`, `movement`, the pruner `magnitude` (the generic score pruner: pattern, selection
 * mode and collapse guard are options) and the schedules `one-shot`, `constant`, `polynomial`,
 * `cubic` and `iterative` (options as {@link oneShot}, {@link constantSparsity},
 * {@link polynomialDecay}, {@link cubicSparsity}, {@link iterativeRounds}). Factories validate their options and fail with
 * `E_CONFIG` naming the option and the allowed values.
 *
 * @example
 * ```ts
 * import { createRuntime, sparseToolkit, Pruners, Scorers } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseToolkit()] });
 * const scorer = runtime.create(Scorers, 'snip');
 * const pruner = runtime.create(Pruners, 'magnitude', { pattern: '2:4', mode: 'exact' });
 * ```
 */
export function sparseToolkit(_options: Record<string, never> = {}): SparsePlugin {
  return definePlugin(TOOLKIT_PLUGIN_ID, (registry) => {
    registerScorers(registry);
    registerPruners(registry);
    registerSchedules(registry);
  });
}
