import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import { allocatorFor } from '../allocation/allocators.js';
import type { AllocationTensor, Allocator, CollapseGuard } from '../contracts/allocation.js';
import type { MaskSet } from '../contracts/mask.js';
import type { PatternTensor, PruningPattern } from '../contracts/pattern.js';
import type { Pruner, PruneRequest } from '../contracts/pruner.js';
import type { SelectionMode } from '../contracts/selection-mode.js';
import { validateSparsityTarget } from '../allocation/validate-target.js';
import { SparseError } from '../errors.js';
import { resolvePattern } from '../patterns/resolve-pattern.js';
import { isSelectionMode, SELECTION_MODES } from '../selection/modes.js';
import { checkGuard, type PruneOutcome, type PrunerOptions, type TensorPruneReport } from './pruner-options.js';
import { countNaNAlive, readPatternTensors } from './read-tensors.js';
import { countAlive } from '../selection/sampled-select.js';
import { pruneLowest } from '../selection/select.js';

export type { PruneOutcome, PrunerOptions, TensorPruneReport } from './pruner-options.js';

const defaultWarning = (message: string): void => console.warn(`[@sparse/core] ${message}`);

/**
 * The generic pruner: scores + allocation (the target's scope) + pattern + selection mode +
 * current masks → new masks. Selection happens on the CPU over `dataSync()`'d scores; only the
 * returned masks are tensors.
 *
 * Guarantees, for every pattern and mode: masks are binary; a pruned weight is never revived
 * (new mask ≤ old mask); in `exact` mode the number of pruned weights is exactly the budget
 * (`⌊s·N⌋` zeros, or `⌊a·alive⌋` more with `basis: 'remaining'`) unless the collapse guard holds a
 * tensor back, and pruning again at the same target changes nothing. Warnings (NaN scores,
 * guard applied, a tensor above `warnAbove` sparsity) go to the request's `onWarning`, else the
 * pruner's.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { ScorePruner } from '@sparse/core';
 *
 * const variable = tf.variable(tf.tensor2d([[0.1, -2], [3, -0.4]]));
 * const pruner = new ScorePruner({ mode: 'exact' });
 * const masks = pruner.prune({
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable }],
 *   scores: new Map([['w', tf.abs(variable)]]),
 *   masks: new Map(),
 *   target: { sparsity: 0.5, scope: 'layerwise' },
 * });
 * masks.get('w')?.print(); // [[0, 1], [1, 0]]
 * ```
 */
export class ScorePruner implements Pruner {
  /** The name it is registered under. */
  readonly name: string;
  /** The resolved pattern. */
  readonly pattern: PruningPattern;
  /** The selection mode. */
  readonly mode: SelectionMode;
  private readonly guard: CollapseGuard;
  private readonly allocator: Allocator | undefined;
  private readonly onWarning: (message: string) => void;

  /** @throws SparseError `E_CONFIG` for an invalid pattern, mode or guard option. */
  constructor(options: PrunerOptions = {}) {
    const mode = options.mode ?? 'exact';
    if (!isSelectionMode(mode)) {
      throw new SparseError('E_CONFIG', `mode must be one of ${SELECTION_MODES.join(', ')}; got ${echoValue(mode)}.`, {
        field: 'mode',
        received: mode,
        allowed: SELECTION_MODES,
      });
    }
    checkGuard(options);
    this.name = options.name ?? 'magnitude';
    this.pattern = resolvePattern(options.pattern);
    this.mode = mode;
    this.guard = {
      ...(options.allowLayerCollapse === undefined ? {} : { allowLayerCollapse: options.allowLayerCollapse }),
      ...(options.minDensity === undefined ? {} : { minDensity: options.minDensity }),
      ...(options.warnAbove === undefined ? {} : { warnAbove: options.warnAbove }),
    };
    this.allocator = options.allocator;
    this.onWarning = options.onWarning ?? defaultWarning;
  }

  /** Computes the new masks (see {@link ScorePruner.pruneWithReport}). */
  prune(request: PruneRequest): MaskSet {
    return this.pruneWithReport(request).masks;
  }

  /**
   * Computes the new masks and a report line per tensor.
   *
   * @throws SparseError `E_CONFIG` for an invalid target; `E_ARGUMENT` for missing scores,
   *   mismatched shapes, non-binary masks, duplicate names or a pattern that does not fit a tensor.
   */
  pruneWithReport(request: PruneRequest): PruneOutcome {
    const { parameters, target } = request;
    if (!Array.isArray(parameters)) {
      throw new SparseError('E_ARGUMENT', 'request.parameters must be an array of named parameters.', { field: 'parameters' });
    }
    const warn = request.onWarning ?? this.onWarning;
    validateSparsityTarget(
      target,
      parameters.map((p) => p.name),
    );
    const tensors = readPatternTensors(parameters, request.scores ?? new Map(), request.masks ?? new Map());
    const aliveWeights = tensors.map((t) => countAlive(t.alive));
    for (const t of tensors) {
      const nan = countNaNAlive(t.scores, t.alive);
      if (nan > 0) warn(`${t.name}: ${nan} NaN score${nan === 1 ? '' : 's'} counted as -Infinity (pruned first).`);
    }

    const requested = (name: string): number | undefined =>
      target.perParameter?.[name] ?? (target.scope === 'custom' ? undefined : target.sparsity);
    let keeps: Uint8Array[];
    let targets: ReadonlyMap<string, number>;
    const pattern = this.pattern;
    if (pattern.kind === 'fixed') {
      const fixedTargets = new Map<string, number>();
      keeps = tensors.map((t) => {
        const s = requested(t.name);
        if (s === undefined || s === 0) return t.alive;
        fixedTargets.set(t.name, pattern.sparsity);
        return pattern.select(t);
      });
      targets = fixedTargets;
    } else {
      const units = tensors.map((t) => pattern.units(t));
      const allocationTensors: AllocationTensor[] = tensors.map((t, i) => {
        const u = units[i] as (typeof units)[number];
        return {
          name: t.name,
          role: t.role,
          shape: t.shape,
          scores: u.scores,
          alive: u.alive,
          weights: t.alive.length,
          aliveWeights: aliveWeights[i] as number,
          unitWeights: u.unitWeights,
        };
      });
      const allocator = this.allocator ?? allocatorFor(target.scope);
      const allocation = allocator.allocate({ tensors: allocationTensors, target, mode: this.mode, guard: this.guard, onWarning: warn });
      targets = allocation.targets;
      keeps = tensors.map((t, i) => {
        const count = allocation.prune.get(t.name) ?? 0;
        if (count <= 0) return t.alive;
        const u = units[i] as (typeof units)[number];
        return u.expand(pruneLowest(u.scores, u.alive, count), t.alive);
      });
    }
    return this.finish(tensors, aliveWeights, keeps, targets, warn);
  }

  private finish(
    tensors: readonly PatternTensor[],
    aliveWeights: readonly number[],
    keeps: readonly Uint8Array[],
    targets: ReadonlyMap<string, number>,
    warn: (message: string) => void,
  ): PruneOutcome {
    const warnAbove = this.guard.warnAbove ?? 0.99;
    const masks = new Map<string, tf.Tensor>();
    const report: TensorPruneReport[] = [];
    for (const [i, t] of tensors.entries()) {
      const keep = keeps[i] as Uint8Array;
      const weights = t.alive.length;
      const values = new Float32Array(weights);
      let kept = 0;
      for (let k = 0; k < weights; k++) {
        const flag = keep[k] as number;
        values[k] = flag;
        kept += flag;
      }
      const zerosBefore = weights - (aliveWeights[i] as number);
      const zerosAfter = weights - kept;
      const sparsity = weights === 0 ? 0 : zerosAfter / weights;
      if (zerosAfter > zerosBefore && sparsity > warnAbove) {
        warn(
          zerosAfter === weights
            ? `${t.name}: every weight is pruned (layer collapse).`
            : `${t.name}: ${(100 * sparsity).toFixed(2)}% sparse, close to layer collapse (${weights - zerosAfter} of ${weights} weights left).`,
        );
      }
      masks.set(t.name, tf.tensor(values, [...t.shape], 'float32'));
      const target = targets.get(t.name);
      report.push({ name: t.name, weights, zerosBefore, zerosAfter, sparsity, ...(target === undefined ? {} : { target }) });
    }
    return { masks, report };
  }
}

/**
 * Creates a {@link ScorePruner}.
 *
 * @example
 * ```ts
 * import { createPruner } from '@sparse/core';
 *
 * const nm = createPruner({ pattern: '2:4' });
 * const tfmotLike = createPruner({ mode: 'tfmot', pattern: 'block:1x4' });
 * ```
 */
export function createPruner(options: PrunerOptions = {}): ScorePruner {
  return new ScorePruner(options);
}
