import { echoValue } from '../runtime/options-issues.js';
import type { Allocator, CollapseGuard } from '../contracts/allocation.js';
import type { MaskSet } from '../contracts/mask.js';
import type { SelectionMode } from '../contracts/selection-mode.js';
import { SparseError } from '../errors.js';
import type { PatternSpec } from '../patterns/resolve-pattern.js';

/**
 * Options of {@link createPruner}: the pattern, the counting rule, the collapse guard.
 *
 * @example
 * ```ts
 * import type { PrunerOptions } from '@sparse/core';
 *
 * const options: PrunerOptions = { pattern: '2:4', mode: 'exact', minDensity: 0.01, onWarning: console.warn };
 * ```
 */
export interface PrunerOptions extends CollapseGuard {
  /** The name reported by {@link Pruner.name}. Default `magnitude`. */
  readonly name?: string;
  /** Which weights are pruned together. Default `unstructured`. */
  readonly pattern?: PatternSpec;
  /** The counting and threshold rule. Default `exact`. */
  readonly mode?: SelectionMode;
  /** Replaces the allocator the target's scope selects. */
  readonly allocator?: Allocator;
  /** Receives warnings when a request gives none. Default: `console.warn` with a prefix. */
  readonly onWarning?: (message: string) => void;
}

/**
 * What one tensor went through in a pruning step.
 *
 * @example
 * ```ts
 * import type { TensorPruneReport } from '@sparse/core';
 *
 * const line: TensorPruneReport = { name: 'fc1', weights: 100, zerosBefore: 0, zerosAfter: 90, target: 0.9, sparsity: 0.9 };
 * ```
 */
export interface TensorPruneReport {
  /** The parameter name. */
  readonly name: string;
  /** Its number of weights. */
  readonly weights: number;
  /** Pruned weights before the step. */
  readonly zerosBefore: number;
  /** Pruned weights after the step. */
  readonly zerosAfter: number;
  /** The sparsity it was given (absent when the scope left it alone). */
  readonly target?: number;
  /** `zerosAfter / weights`. */
  readonly sparsity: number;
}

/**
 * New masks and what each tensor went through. The masks belong to the caller.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { PruneOutcome } from '@sparse/core';
 *
 * declare const outcome: PruneOutcome;
 * for (const line of outcome.report) console.log(line.name, line.sparsity);
 * tf.dispose([...outcome.masks.values()]);
 * ```
 */
export interface PruneOutcome {
  /** One new mask per pruned parameter. */
  readonly masks: MaskSet;
  /** One line per pruned parameter, in order. */
  readonly report: readonly TensorPruneReport[];
}

/** Checks the collapse-guard options, `E_CONFIG` naming the first bad one (internal). */
export function checkGuard(options: PrunerOptions): void {
  if (options.allowLayerCollapse !== undefined && typeof options.allowLayerCollapse !== 'boolean') {
    throw new SparseError('E_CONFIG', `allowLayerCollapse must be a boolean, got ${echoValue(options.allowLayerCollapse)}.`, {
      field: 'allowLayerCollapse',
      received: options.allowLayerCollapse,
      allowed: [true, false],
    });
  }
  for (const field of ['minDensity', 'warnAbove'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1))) {
      throw new SparseError('E_CONFIG', `${field} must be a number in [0, 1], got ${echoValue(value)}.`, {
        field,
        received: value,
        allowed: '[0, 1]',
      });
    }
  }
}
