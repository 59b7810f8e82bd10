import { z } from 'zod';
import { SparseError } from '@sparse/core';
import type { InstabilitySummary, UnitSummary } from '../experiment/replicate-job.js';

/** One line of an `lth` run's `results.jsonl`: a training run's {@link UnitSummary}. */
const rowSchema = z.object({
  seed: z.int().min(0),
  level: z.int().min(0),
  branch: z.string().min(1),
  remaining: z.number().gt(0).max(1),
  earlyStopIteration: z.int().min(0),
  testAccuracyAtEarlyStop: z.number().min(0).max(1),
  validationLossAtEarlyStop: z.number(),
  finalTestAccuracy: z.number().min(0).max(1),
  iterations: z.int().min(1),
  engine: z.string().min(1),
});

/**
 * One row of committed lottery-ticket raw results: a {@link UnitSummary} that names its engine.
 *
 * @example
 * ```ts
 * import type { LthResultRow } from '@sparse/lth';
 *
 * declare const row: LthResultRow;
 * console.log(row.seed, row.level, row.branch, row.engine, row.testAccuracyAtEarlyStop);
 * ```
 */
export type LthResultRow = UnitSummary & { readonly engine: string };

/**
 * Checks the training-run rows of an `lth` run's raw results (`results.jsonl`, or a committed copy
 * under docs/results/data/lth/) and returns them: every row a training run with seed, level,
 * branch, weights remaining, engine, early-stop iteration, accuracies and the round's iterations;
 * at least one dense run (the ticket at level 0); no (seed, level, branch) twice. Instability rows
 * (`branch: "instability"`) are left out here and checked by {@link parseInstabilityRows}.
 *
 * @param source - the file the rows came from, named in errors.
 * @throws SparseError `E_CONFIG` naming the row and field that is wrong, and what is allowed.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { parseLthRows } from '@sparse/lth';
 *
 * const { rows } = await readResultsData('docs/results/data/lth', 'lenet-fashion-mnist-full');
 * const summaries = parseLthRows(rows, 'lenet-fashion-mnist-full.jsonl');
 * console.log(summaries.length);
 * ```
 */
export function parseLthRows(rows: readonly unknown[], source: string): LthResultRow[] {
  const out: LthResultRow[] = [];
  const seen = new Set<string>();
  rows.forEach((raw, index) => {
    if (isInstabilityRow(raw)) return;
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new SparseError('E_CONFIG', `${source}, row ${index + 1}: ${field === '' ? '' : `${field}: `}${issue?.message ?? 'invalid'}. Each row is one training run: { seed, level, branch, remaining, engine, earlyStopIteration, iterations, testAccuracyAtEarlyStop, validationLossAtEarlyStop, finalTestAccuracy }.`, {
        field: `rows[${index}]${field === '' ? '' : `.${field}`}`,
        received: JSON.stringify(raw).slice(0, 200),
      });
    }
    const key = `${parsed.data.seed}/${parsed.data.level}/${parsed.data.branch}`;
    if (seen.has(key)) {
      throw new SparseError('E_CONFIG', `${source}, row ${index + 1}: seed ${parsed.data.seed}, level ${parsed.data.level}, branch ${parsed.data.branch} appears twice; each training run is one row.`, { field: `rows[${index}]`, received: key });
    }
    seen.add(key);
    out.push(parsed.data);
  });
  if (!out.some((row) => row.branch === 'ticket' && row.level === 0)) {
    throw new SparseError('E_CONFIG', `${source}: no dense run (branch ticket at level 0); the page compares every level with it.`, { field: 'rows', received: out.length, allowed: 'rows with branch "ticket" and level 0' });
  }
  return out;
}

const isInstabilityRow = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && (raw as { branch?: unknown }).branch === 'instability';
const rate = () => z.number().min(0).max(1);

/** One instability line of an `lth` run's `results.jsonl`: an {@link InstabilitySummary}. */
const instabilitySchema = z.object({
  seed: z.int().min(0),
  level: z.int().min(0),
  branch: z.literal('instability'),
  remaining: z.number().gt(0).max(1),
  rewindStep: z.int().min(0),
  iterations: z.int().min(1),
  instability: z.number().min(-1).max(1),
  copyTestAccuracies: z.array(rate()).length(2),
  interpolationErrors: z.array(rate()).min(2),
  engine: z.string().min(1),
});

/**
 * Checks the instability rows of an `lth` run's raw results (`branch: "instability"`, one per
 * seed and level; other rows are left to {@link parseLthRows}) and returns them: seed, level,
 * weights remaining, rewind step, the round's iterations, the error barrier, both copies' test
 * accuracies and the interpolation curve (at least 2 points), whose endpoints are the copies'
 * test errors; no (seed, level) twice.
 *
 * @param source - the file the rows came from, named in errors.
 * @throws SparseError `E_CONFIG` naming the row and field that is wrong, and what is allowed.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { parseInstabilityRows } from '@sparse/lth';
 *
 * const { rows } = await readResultsData('docs/results/data/lth', 'lenet-fashion-mnist-rewind-0');
 * console.log(parseInstabilityRows(rows, 'lenet-fashion-mnist-rewind-0.jsonl').map((row) => row.instability));
 * ```
 */
export function parseInstabilityRows(rows: readonly unknown[], source: string): InstabilitySummary[] {
  const out: InstabilitySummary[] = [];
  const seen = new Set<string>();
  rows.forEach((raw, index) => {
    if (!isInstabilityRow(raw)) return;
    const parsed = instabilitySchema.safeParse(raw);
    const where = `${source}, row ${index + 1}`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new SparseError('E_CONFIG', `${where}: ${field === '' ? '' : `${field}: `}${issue?.message ?? 'invalid'}. Each instability row is { seed, level, branch: "instability", remaining, rewindStep, iterations, instability, copyTestAccuracies: [copy 0, copy 1], interpolationErrors: [...], engine }.`, {
        field: `rows[${index}]${field === '' ? '' : `.${field}`}`,
        received: JSON.stringify(raw).slice(0, 200),
      });
    }
    const row = parsed.data;
    const errors = row.interpolationErrors;
    const ends = [1 - (row.copyTestAccuracies[1] as number), 1 - (row.copyTestAccuracies[0] as number)];
    if (Math.abs((errors[0] as number) - (ends[0] as number)) > 1e-9 || Math.abs((errors[errors.length - 1] as number) - (ends[1] as number)) > 1e-9) {
      throw new SparseError('E_CONFIG', `${where}: interpolationErrors must start at copy 1's test error (${ends[0]}) and end at copy 0's (${ends[1]}), received ${errors[0]} … ${errors[errors.length - 1]}.`, { field: `rows[${index}].interpolationErrors`, received: JSON.stringify(errors).slice(0, 200) });
    }
    const key = `${row.seed}/${row.level}`;
    if (seen.has(key)) throw new SparseError('E_CONFIG', `${where}: seed ${row.seed}, level ${row.level} has two instability rows; each (seed, level) is one row.`, { field: `rows[${index}]`, received: key });
    seen.add(key);
    out.push({ ...row, copyTestAccuracies: [...row.copyTestAccuracies], interpolationErrors: [...errors] });
  });
  return out;
}
