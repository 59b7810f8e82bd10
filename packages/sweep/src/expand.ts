import { SparseError } from '@sparse/core';
import type { JsonValue } from '@sparse/experiments';
import { MAX_SWEEP_RUNS, type SweepConfig } from './sweep-config.js';
import { setFieldPath } from './field-path.js';

/**
 * One grid value of one expanded run.
 *
 * @example
 * ```ts
 * import type { AxisValue } from '@sparse/sweep';
 *
 * const axis: AxisValue = { path: 'rates.default', value: 0.5 };
 * ```
 */
export interface AxisValue {
  /** The field path the grid sets. */
  readonly path: string;
  /** The value this run gives it. */
  readonly value: JsonValue;
}

/**
 * One run of a sweep before validation: its grid values, its seed and its raw config.
 *
 * @example
 * ```ts
 * import type { ExpandedRun } from '@sparse/sweep';
 *
 * declare const run: ExpandedRun;
 * console.log(run.index, run.axes.map((axis) => axis.value), run.seed);
 * ```
 */
export interface ExpandedRun {
  /** Position in the sweep (grid axes in the order written, seeds innermost). */
  readonly index: number;
  /** The value of each grid axis. */
  readonly axes: readonly AxisValue[];
  /** The run's seed, when the sweep has `seeds`. */
  readonly seed?: number;
  /** The base config with the axes and the seed applied. */
  readonly raw: Record<string, unknown>;
}

function seedFieldOf(sweep: SweepConfig, base: Readonly<Record<string, unknown>>): string {
  if (sweep.seedField !== undefined) return sweep.seedField;
  if ('seeds' in base) return 'seeds';
  if ('seed' in base) return 'seed';
  throw new SparseError('E_CONFIG', 'seeds: the base config has neither "seeds" nor "seed"; name the field the seeds go to with "seedField".', { field: 'seedField', allowed: ['seeds', 'seed'] });
}

/**
 * Expands a sweep into its runs: every combination of the grid's values (axes in the order
 * written) times every seed. A seed goes to `seedField` as a one-element list when the base's value
 * there is a list (`"seeds": [s]`), else as a number. Refuses more than {@link MAX_SWEEP_RUNS}
 * runs, and a grid axis that is also the seed field.
 *
 * @throws SparseError `E_CONFIG` naming the grid path or `seeds`.
 *
 * @example
 * ```ts
 * import { expandSweep, sweepConfigSchema } from '@sparse/sweep';
 *
 * const sweep = sweepConfigSchema.parse({ name: 's', base: { kind: 'lth', seeds: [0] }, grid: { scorer: ['magnitude', 'random'] }, seeds: [0, 1] });
 * console.log(expandSweep(sweep, { kind: 'lth', seeds: [0] }).length); // 4
 * ```
 */
export function expandSweep(sweep: SweepConfig, base: Readonly<Record<string, unknown>>): ExpandedRun[] {
  const axes = Object.entries(sweep.grid) as [string, JsonValue[]][];
  const seeds = sweep.seeds;
  const seedField = seeds === undefined ? undefined : seedFieldOf(sweep, base);
  if (seedField !== undefined && axes.some(([path]) => path === seedField)) {
    throw new SparseError('E_CONFIG', `grid "${seedField}": this is the seed field; give the seeds in "seeds" instead.`, { field: `grid.${seedField}`, received: seedField });
  }
  const count = axes.reduce((product, [, values]) => product * values.length, seeds?.length ?? 1);
  if (count > MAX_SWEEP_RUNS) {
    throw new SparseError('E_CONFIG', `grid: the sweep expands to ${count} runs; at most ${MAX_SWEEP_RUNS} are allowed. Split it into several sweeps.`, { field: 'grid', received: count, allowed: [`at most ${MAX_SWEEP_RUNS}`] });
  }
  const seedIsList = seedField !== undefined && Array.isArray(base[seedField]);
  const runs: ExpandedRun[] = [];
  const choice = axes.map(() => 0);
  for (let combination = 0; combination < count / (seeds?.length ?? 1); combination += 1) {
    let config: Record<string, unknown> = { ...base };
    const values: AxisValue[] = [];
    axes.forEach(([path, options], axis) => {
      const value = options[choice[axis] ?? 0] as JsonValue;
      values.push({ path, value });
      config = setFieldPath(config, path, value, 'grid');
    });
    for (const seed of seeds ?? [undefined]) {
      const raw = seed === undefined || seedField === undefined ? config : setFieldPath(config, seedField, seedIsList ? [seed] : seed, 'seeds');
      runs.push({ index: runs.length, axes: values, ...(seed === undefined ? {} : { seed }), raw });
    }
    for (let axis = axes.length - 1; axis >= 0; axis -= 1) {
      const options = axes[axis]?.[1] ?? [];
      choice[axis] = (choice[axis] ?? 0) + 1;
      if ((choice[axis] ?? 0) < options.length) break;
      choice[axis] = 0;
    }
  }
  return runs;
}

/**
 * The grid values and seed of a run as one short label (`rates.default=0.5 seed=1`).
 *
 * @example
 * ```ts
 * import { describeRun } from '@sparse/sweep';
 *
 * console.log(describeRun({ axes: [{ path: 'scorer', value: 'random' }], seed: 2 })); // scorer=random seed=2
 * ```
 */
export function describeRun(run: Pick<ExpandedRun, 'axes' | 'seed'>): string {
  const parts = run.axes.map((axis) => `${axis.path}=${typeof axis.value === 'string' ? axis.value : JSON.stringify(axis.value)}`);
  if (run.seed !== undefined) parts.push(`seed=${run.seed}`);
  return parts.length === 0 ? '(base)' : parts.join(' ');
}
