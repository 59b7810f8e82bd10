import { echoValue } from '../runtime/options-issues.js';
import type { PatternTensor, PatternUnits, UnitPattern } from '../contracts/pattern.js';
import { SparseError } from '../errors.js';
import { expandUnitsToElements, uniformOrArray } from './kernel-view.js';

/**
 * Options of {@link blockPattern}.
 *
 * @example
 * ```ts
 * import type { BlockPatternOptions } from '@sparse/core';
 *
 * const options: BlockPatternOptions = { rows: 4, cols: 4, pooling: 'max' };
 * ```
 */
export interface BlockPatternOptions {
  /** Block height (along the kernel's rows, the input dimension). */
  readonly rows: number;
  /** Block width (along the output dimension). */
  readonly cols: number;
  /** How a block's score is pooled from its weights' scores. Default `mean` (tfmot's `AVG`). */
  readonly pooling?: 'mean' | 'max';
}

function checkSize(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SparseError('E_CONFIG', `block pattern: ${field} must be a positive integer, got ${echoValue(value)}.`, {
      field,
      received: value,
      allowed: 'integers >= 1',
    });
  }
  return value;
}

/**
 * Block sparsity: `rows × cols` blocks of a 2-D kernel are pruned together (tfmot's
 * `block_size`). A kernel of higher rank is seen as `[product of all but the last dim, last dim]`
 * (conv: `[kh·kw·cin, cout]`). Edge blocks are smaller when the shape does not divide.
 *
 * A block's score pools its alive weights' scores: `mean` = sum over alive weights / block size
 * (pruned weights count as 0, like tfmot's average of masked |w|), `max` = the largest alive score.
 *
 * @throws SparseError `E_CONFIG` for sizes that are not positive integers or an unknown pooling.
 *
 * @example
 * ```ts
 * import { createPruner, blockPattern } from '@sparse/core';
 *
 * const pruner = createPruner({ pattern: blockPattern({ rows: 1, cols: 4 }) });
 * ```
 */
export function blockPattern(options: BlockPatternOptions): UnitPattern {
  const rows = checkSize(options.rows, 'rows');
  const cols = checkSize(options.cols, 'cols');
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'max') {
    throw new SparseError('E_CONFIG', `block pattern: pooling must be 'mean' or 'max', got ${echoValue(pooling)}.`, {
      field: 'pooling',
      received: pooling,
      allowed: ['mean', 'max'],
    });
  }
  const name = `block:${rows}x${cols}${pooling === 'max' ? ':max' : ''}`;
  return Object.freeze({ kind: 'units', name, units: (tensor: PatternTensor) => blockUnits(tensor, rows, cols, pooling, name) });
}

function blockUnits(tensor: PatternTensor, rows: number, cols: number, pooling: 'mean' | 'max', name: string): PatternUnits {
  const { shape, scores, alive } = tensor;
  if (shape.length < 2) {
    throw new SparseError(
      'E_ARGUMENT',
      `The ${name} pattern needs a kernel of rank >= 2; '${tensor.name}' has shape [${shape.join(', ')}].`,
      { field: tensor.name, received: shape, allowed: 'rank >= 2' },
    );
  }
  const width = shape[shape.length - 1] as number;
  const height = scores.length / Math.max(width, 1);
  const blockCols = Math.ceil(width / cols);
  const units = Math.ceil(height / rows) * blockCols;
  const sums = new Float64Array(units);
  const maxima = new Float64Array(units).fill(-Infinity);
  const sizes = new Int32Array(units);
  const aliveCounts = new Int32Array(units);
  const unitOf = (index: number): number => {
    const r = Math.floor(index / width);
    const c = index - r * width;
    return Math.floor(r / rows) * blockCols + Math.floor(c / cols);
  };
  for (let index = 0; index < scores.length; index++) {
    const u = unitOf(index);
    sizes[u] = (sizes[u] as number) + 1;
    if (alive[index] === 0) continue;
    const s = scores[index] as number;
    aliveCounts[u] = (aliveCounts[u] as number) + 1;
    sums[u] = (sums[u] as number) + s;
    if (s > (maxima[u] as number) || Number.isNaN(s)) maxima[u] = s;
  }
  const unitScores = new Float32Array(units);
  const unitAlive = new Uint8Array(units);
  for (let u = 0; u < units; u++) {
    unitAlive[u] = (aliveCounts[u] as number) > 0 ? 1 : 0;
    unitScores[u] = pooling === 'mean' ? (sums[u] as number) / Math.max(sizes[u] as number, 1) : (maxima[u] as number);
  }
  return {
    scores: unitScores,
    alive: unitAlive,
    unitWeights: uniformOrArray(aliveCounts, unitAlive),
    expand: expandUnitsToElements(unitOf),
  };
}
