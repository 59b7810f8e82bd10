import type { NamedParameter } from '@sparse/core';
import type { PruningScope } from '../imp/prune-masks.js';
import { defaultPrunable, mirlPrunable, type ImpSelection } from '../imp/prune-step.js';

/**
 * How an IMP experiment prunes and resets: `imp` (Frankle & Carbin: exact counts, the scope asked
 * for, reset to θk) or `mir-l` (Thomkat/MIR-L: global percentile pruning of every weight tensor,
 * norms included, reset to the untrained θ0).
 *
 * @example
 * ```ts
 * import type { ImpMode } from '../branches/mode.js';
 *
 * const mode: ImpMode = 'mir-l';
 * ```
 */
export type ImpMode = 'imp' | 'mir-l';

/**
 * The rules a mode fixes: what is pruned, how a round shares and selects, where rounds reset to.
 *
 * @example
 * ```ts
 * import type { ModeRules } from '../branches/mode.js';
 *
 * const rules: ModeRules = { prunable: ['fc1/kernel', 'fc2/kernel'], scope: 'global', selection: 'percentile', rewindStep: 0 };
 * ```
 */
export interface ModeRules {
  /** Names of the parameters to prune, in ranking order. */
  readonly prunable: readonly string[];
  readonly scope: PruningScope;
  readonly selection: ImpSelection;
  /** The rewind step k (0: reset to θ0). */
  readonly rewindStep: number;
}

/**
 * Applies a mode to what was asked for. `imp`: prunable default {@link defaultPrunable} (dense and
 * convolution kernels), scope default `layerwise`, exact selection, rewind step as asked (default
 * 0). `mir-l`: prunable default {@link mirlPrunable}, `global` scope and `percentile` selection
 * whatever was asked, rewind step 0 (MIR-L resets to the untrained θ0).
 *
 * @example
 * ```ts
 * import { createMlp } from '@sparse/lth';
 * import { modeRules } from '../branches/mode.js';
 *
 * const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
 * console.log(modeRules('mir-l', model.parameters, { scope: 'layerwise', rewindStep: 5 })); // global, percentile, rewindStep 0
 * model.dispose();
 * ```
 */
export function modeRules(
  mode: ImpMode,
  parameters: readonly NamedParameter[],
  asked: { readonly prunable?: readonly string[] | undefined; readonly scope?: PruningScope | undefined; readonly rewindStep?: number | undefined },
): ModeRules {
  if (mode === 'mir-l') return { prunable: asked.prunable ?? mirlPrunable(parameters), scope: 'global', selection: 'percentile', rewindStep: 0 };
  return { prunable: asked.prunable ?? defaultPrunable(parameters), scope: asked.scope ?? 'layerwise', selection: 'exact', rewindStep: asked.rewindStep ?? 0 };
}
