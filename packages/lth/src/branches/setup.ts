import { SparseError, type NamedParameter, type Scorer, type ScoringInput } from '@sparse/core';
import type { ParameterValues } from '../imp/parameter-values.js';
import type { PruningScope } from '../imp/prune-masks.js';
import type { ImpSelection } from '../imp/prune-step.js';
import type { PruningRates } from '../imp/rates.js';
import type { ShuffleMode } from '../imp/shuffle-masks.js';
import { modeRules, type ImpMode } from './mode.js';

/**
 * Data for a data-driven scorer at one prune, and how to free it afterwards.
 *
 * @example
 * ```ts
 * import type { ScoringSource } from '../branches/setup.js';
 *
 * declare const input: ScoringSource['input'];
 * const source: ScoringSource = { input, dispose: () => undefined };
 * ```
 */
export interface ScoringSource {
  readonly input: Omit<ScoringInput, 'parameters' | 'masks'>;
  /** Called once the prune is done (e.g. to dispose the batch). */
  dispose?(): void;
}

/**
 * What {@link impSetup} is given.
 *
 * @example
 * ```ts
 * import type { ImpSetupOptions } from '../branches/setup.js';
 *
 * declare const base: ImpSetupOptions;
 * const options: ImpSetupOptions = { ...base, rounds: 8, rates: { default: 0.2, output: 0.1 } };
 * ```
 */
export interface ImpSetupOptions {
  /** Every parameter of the network (all are reset each round; the prunable ones are masked). */
  readonly parameters: readonly NamedParameter[];
  /** The replicate's seed (random pruning draws from it). */
  readonly seed: number;
  /** Pruning rounds R: levels 0 (dense) … R. */
  readonly rounds: number;
  readonly rates: PruningRates;
  /** Default `imp` (see {@link modeRules}). */
  readonly mode?: ImpMode | undefined;
  /** Default `layerwise` (`global` in MIR-L mode). */
  readonly scope?: PruningScope | undefined;
  /** Names to prune; default the dense/conv kernels (MIR-L mode: `mirlPrunable`). */
  readonly prunable?: readonly string[] | undefined;
  /** The output layer's kernel (rate `rates.output`); default the last prunable tensor. */
  readonly outputParameter?: string | undefined;
  /** Reset to the weights after k iterations of dense training instead of θ0. Default 0 (always 0 in MIR-L mode). */
  readonly rewindStep?: number | undefined;
  /** Default core's magnitude scorer. */
  readonly scorer?: Scorer | undefined;
  /** Data for data-driven scorers, asked for at each prune (the level pruned from, or the one-shot target). */
  scoringInput?(level: number): ScoringSource | undefined;
  /** New initial values for the random re-initialisation baseline. */
  reinitValues?(): ParameterValues;
  /** How random pruning shuffles a ticket's mask. Default `layerwise`. */
  readonly shuffle?: ShuffleMode | undefined;
  /** Target levels of the one-shot baseline (the dense trained weights are kept for them). */
  readonly oneShotLevels?: readonly number[] | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
}

/**
 * The resolved rules of one IMP replicate, shared by every branch body: what is pruned and how,
 * where rounds reset to, and the baselines' parameters.
 *
 * @example
 * ```ts
 * import type { ImpSetup } from '../branches/setup.js';
 *
 * declare const setup: ImpSetup;
 * console.log(setup.prunable, setup.scope, setup.selection, setup.rewindStep);
 * ```
 */
export interface ImpSetup {
  readonly parameters: readonly NamedParameter[];
  readonly seed: number;
  readonly rounds: number;
  readonly rates: PruningRates;
  readonly mode: ImpMode;
  readonly prunable: readonly string[];
  readonly outputParameter: string | undefined;
  readonly scope: PruningScope;
  readonly selection: ImpSelection;
  readonly rewindStep: number;
  /** Element count of every prunable tensor (for the fraction remaining). */
  readonly sizes: ReadonlyMap<string, number>;
  readonly scorer: Scorer | undefined;
  readonly scoringInput: ((level: number) => ScoringSource | undefined) | undefined;
  readonly reinitValues: (() => ParameterValues) | undefined;
  readonly shuffle: ShuffleMode;
  readonly oneShotLevels: readonly number[];
  readonly onWarning: ((message: string) => void) | undefined;
}

/**
 * Resolves and checks the rules of an IMP replicate: the mode's rules ({@link modeRules}), the
 * output parameter, the prunable sizes.
 *
 * @throws SparseError `E_CONFIG` for invalid rounds, rewind step, an unknown output parameter or a one-shot level below 1.
 *
 * @example
 * ```ts
 * import { createMlp } from '@sparse/lth';
 * import { impSetup } from '../branches/setup.js';
 *
 * const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * const setup = impSetup({ parameters: model.parameters, seed: 0, rounds: 8, rates: { default: 0.2, output: 0.1 } });
 * console.log(setup.outputParameter); // 'fc3/kernel'
 * model.dispose();
 * ```
 */
export function impSetup(options: ImpSetupOptions): ImpSetup {
  const { parameters, rounds } = options;
  const mode = options.mode ?? 'imp';
  const rules = modeRules(mode, parameters, options);
  if (!Number.isSafeInteger(rounds) || rounds < 0) {
    throw new SparseError('E_CONFIG', `rounds must be an integer >= 0, got ${String(rounds)}.`, { field: 'rounds', received: rounds, allowed: 'integers >= 0' });
  }
  if (!Number.isSafeInteger(rules.rewindStep) || rules.rewindStep < 0) {
    throw new SparseError('E_CONFIG', `rewindStep must be an integer >= 0, got ${String(rules.rewindStep)}.`, { field: 'rewindStep', received: rules.rewindStep, allowed: 'integers >= 0' });
  }
  const { prunable } = rules;
  const outputParameter = options.outputParameter ?? prunable[prunable.length - 1];
  if (outputParameter !== undefined && !prunable.includes(outputParameter)) {
    throw new SparseError('E_CONFIG', `outputParameter '${outputParameter}' is not prunable; prunable: ${prunable.join(', ')}.`, { field: 'outputParameter', received: outputParameter, allowed: [...prunable] });
  }
  const oneShotLevels = options.oneShotLevels ?? [];
  for (const target of oneShotLevels) {
    if (!Number.isSafeInteger(target) || target < 1) {
      throw new SparseError('E_CONFIG', `branches.oneShot.levels must hold integers >= 1, got ${String(target)}.`, { field: 'branches.oneShot.levels', received: target });
    }
  }
  const { scoringInput, reinitValues } = options;
  return {
    parameters,
    seed: options.seed,
    rounds,
    rates: options.rates,
    mode,
    ...rules,
    outputParameter,
    sizes: new Map(prunable.map((name) => [name, parameters.find((p) => p.name === name)?.variable.size ?? 0] as const)),
    scorer: options.scorer,
    scoringInput: scoringInput === undefined ? undefined : (level) => scoringInput.call(options, level),
    reinitValues: reinitValues === undefined ? undefined : () => reinitValues.call(options),
    shuffle: options.shuffle ?? 'layerwise',
    oneShotLevels,
    onWarning: options.onWarning,
  };
}
