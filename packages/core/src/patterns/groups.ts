import { echoValue } from '../runtime/options-issues.js';
import type { PatternTensor, PatternUnits, UnitPattern } from '../contracts/pattern.js';
import { SparseError } from '../errors.js';
import { expandUnitsToElements, kernelView, uniformOrArray } from './kernel-view.js';

/**
 * Which slices of a kernel are pruned as a whole.
 *
 * - `neuron`, `filter`, `output`: output slices (the last axis): a dense kernel's output column
 *   (a neuron), a conv kernel's `cout` slice (a filter).
 * - `channel`, `input`: input slices (the second-to-last axis): a conv kernel's `cin` slice (an
 *   input channel), a dense kernel's input row.
 *
 * @example
 * ```ts
 * import type { GroupKind } from '@sparse/core';
 *
 * const kind: GroupKind = 'filter';
 * ```
 */
export type GroupKind = 'neuron' | 'filter' | 'output' | 'channel' | 'input';

/**
 * Options of {@link groupPattern}.
 *
 * @example
 * ```ts
 * import type { GroupPatternOptions } from '@sparse/core';
 *
 * const options: GroupPatternOptions = { group: 'filter', norm: 'l2', normalize: true };
 * ```
 */
export interface GroupPatternOptions {
  /** The slices pruned together. */
  readonly group: GroupKind;
  /** The group score: `l1` = Σ|s| or `l2` = √Σs² over the group's alive element scores. Default `l1`. */
  readonly norm?: 'l1' | 'l2';
  /**
   * Divide by the group size (`l1 / size`, `l2 / √size`) so that groups of different sizes (in
   * different tensors of a global ranking) compare. Default `false`.
   */
  readonly normalize?: boolean;
}

const GROUP_KINDS: readonly GroupKind[] = ['neuron', 'filter', 'output', 'channel', 'input'];

/**
 * Group (structured) sparsity: whole neurons, filters or input channels are pruned, ranked by
 * the L1 or L2 norm of their element scores (spec E.2). Pruned elements count as 0 in the norm.
 * Counting is exact over groups: the pruner removes the lowest-scoring groups whose weights fit
 * the budget, ties broken by group index.
 *
 * @throws SparseError `E_CONFIG` for an unknown group kind or norm.
 *
 * @example
 * ```ts
 * import { createPruner, groupPattern } from '@sparse/core';
 *
 * const filters = createPruner({ pattern: groupPattern({ group: 'filter', norm: 'l2' }) });
 * ```
 */
export function groupPattern(options: GroupPatternOptions): UnitPattern {
  const { group } = options;
  if (!GROUP_KINDS.includes(group)) {
    throw new SparseError('E_CONFIG', `groups pattern: group must be one of ${GROUP_KINDS.join(', ')}; got ${echoValue(group)}.`, {
      field: 'group',
      received: group,
      allowed: GROUP_KINDS,
    });
  }
  const norm = options.norm ?? 'l1';
  if (norm !== 'l1' && norm !== 'l2') {
    throw new SparseError('E_CONFIG', `groups pattern: norm must be 'l1' or 'l2', got ${echoValue(norm)}.`, {
      field: 'norm',
      received: norm,
      allowed: ['l1', 'l2'],
    });
  }
  if (options.normalize !== undefined && typeof options.normalize !== 'boolean') {
    throw new SparseError('E_CONFIG', `groups pattern: normalize must be a boolean, got ${echoValue(options.normalize)}.`, {
      field: 'normalize',
      received: options.normalize,
      allowed: [true, false],
    });
  }
  const normalize = options.normalize ?? false;
  const axis = group === 'channel' || group === 'input' ? 'input' : 'output';
  const name = `groups:${group}:${norm}${normalize ? ':normalized' : ''}`;
  return Object.freeze({
    kind: 'units',
    name,
    units: (tensor: PatternTensor) => groupUnits(tensor, axis, norm, normalize, name),
  });
}

function groupUnits(
  tensor: PatternTensor,
  axis: 'input' | 'output',
  norm: 'l1' | 'l2',
  normalize: boolean,
  name: string,
): PatternUnits {
  const { in: inputs, out } = kernelView(tensor, name);
  const { scores, alive } = tensor;
  const units = axis === 'output' ? out : inputs;
  const unitOf = axis === 'output' ? (index: number) => index % out : (index: number) => Math.floor(index / out) % inputs;
  const size = scores.length / Math.max(units, 1);
  const sums = new Float64Array(units);
  const aliveCounts = new Int32Array(units);
  for (let index = 0; index < scores.length; index++) {
    if (alive[index] === 0) continue;
    const u = unitOf(index);
    const s = scores[index] as number;
    aliveCounts[u] = (aliveCounts[u] as number) + 1;
    sums[u] = (sums[u] as number) + (norm === 'l1' ? Math.abs(s) : s * s);
  }
  const unitScores = new Float32Array(units);
  const unitAlive = new Uint8Array(units);
  for (let u = 0; u < units; u++) {
    const value = norm === 'l1' ? (sums[u] as number) : Math.sqrt(sums[u] as number);
    unitScores[u] = normalize ? value / (norm === 'l1' ? size : Math.sqrt(size)) : value;
    unitAlive[u] = (aliveCounts[u] as number) > 0 ? 1 : 0;
  }
  return {
    scores: unitScores,
    alive: unitAlive,
    unitWeights: uniformOrArray(aliveCounts, unitAlive),
    expand: expandUnitsToElements(unitOf),
  };
}
