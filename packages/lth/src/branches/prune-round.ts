import type { BinaryMask, BinaryMaskSet } from '@sparse/core';
import type { PrunePool } from '../imp/prune-masks.js';
import { impPruneStep } from '../imp/prune-step.js';
import type { ImpSetup } from './setup.js';

/**
 * One prune of the network's current weights under the replicate's rules: the scorer (magnitude
 * by default, with the scoring data of `level` for data-driven ones), the per-round rates
 * (`default`, `output` for the output kernel, `perTensor` overrides) pooled layerwise or globally,
 * exact counts or MIR-L's percentile; pruned weights are never revived. `pools` replaces the
 * per-round pools (one-shot pruning).
 *
 * @example
 * ```ts
 * import { pruneRound } from '../branches/prune-round.js';
 * import type { ImpSetup } from '../branches/setup.js';
 *
 * declare const setup: ImpSetup;
 * const next = await pruneRound(setup, new Map(), 0);
 * ```
 */
export async function pruneRound(setup: ImpSetup, masks: BinaryMaskSet, level: number, pools?: readonly PrunePool[]): Promise<Map<string, BinaryMask>> {
  const scoring = setup.scoringInput?.(level);
  try {
    return await impPruneStep({
      parameters: setup.parameters,
      prunable: setup.prunable,
      masks,
      rates: setup.rates,
      scope: setup.scope,
      selection: setup.selection,
      ...(setup.outputParameter === undefined ? {} : { outputParameter: setup.outputParameter }),
      ...(setup.scorer === undefined ? {} : { scorer: setup.scorer }),
      ...(scoring === undefined ? {} : { scoring: scoring.input }),
      ...(pools === undefined ? {} : { pools }),
      ...(setup.onWarning === undefined ? {} : { onWarning: setup.onWarning }),
    });
  } finally {
    scoring?.dispose?.();
  }
}
