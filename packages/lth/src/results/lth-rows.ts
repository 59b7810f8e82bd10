import { z } from 'zod';
import { SparseError } from '@sparse/core';
import type { UnitSummary } from '../experiment/replicate-job.js';

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
 * Checks the rows of an `lth` run's raw results (`results.jsonl`, or a committed copy under
 * docs/results/data/lth/): every row a training run with seed, level, branch, weights remaining,
 * engine, early-stop iteration, accuracies and the round's iterations; at least one dense run
 * (the ticket at level 0); no (seed, level, branch) twice.
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
