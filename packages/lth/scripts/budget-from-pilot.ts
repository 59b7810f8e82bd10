/**
 * The round length of the long-budget config from a dense-only pilot run, read from the
 * validation curve only (never from test accuracy):
 *
 *   tsx packages/lth/scripts/budget-from-pilot.ts <pilot run dir> [--factor 2]
 *
 * `<pilot run dir>` is the run directory, or docs/results/data/lth/budget-pilot (its committed
 * config.json and metrics.jsonl). For each seed it reads the dense run's evaluations and
 * finds the iteration of minimum validation loss (the early-stopping iteration); the budget is the
 * smallest whole number of epochs at least `factor` times the latest of them, so the dense
 * network's minimum comes well before the end of every round. examples/lth/README.md records the
 * pilot and the result.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportFatalErrors, SparseError } from '@sparse/core';
import { parseJsonLines, scriptFlag } from '@sparse/experiments';
import { FASHION_MNIST_TRAIN_COUNT } from '../src/index.js';

async function main(args: readonly string[]): Promise<void> {
  const runPath = args.find((arg) => !arg.startsWith('--') && arg !== scriptFlag(args, '--factor'));
  if (runPath === undefined) throw new SparseError('E_ARGUMENT', 'usage: budget-from-pilot.ts <pilot run dir> [--factor 2]', { field: 'runPath' });
  const factor = Number(scriptFlag(args, '--factor') ?? 2);
  const config = JSON.parse(await readFile(join(runPath, 'config.json'), 'utf8')) as { dataset: unknown; validationSize: number; batchSize: number };
  const train = (config.dataset === 'bundled' ? FASHION_MNIST_TRAIN_COUNT.bundled : FASHION_MNIST_TRAIN_COUNT.full) - config.validationSize;
  const stepsPerEpoch = Math.ceil(train / config.batchSize);
  const minima: { seed: string; iteration: number; loss: number; last: number }[] = [];
  // every evaluation of the run, one line each (a run directory's metrics.jsonl, or the committed copy in docs/results/data/lth/budget-pilot/)
  const lines = parseJsonLines(await readFile(join(runPath, 'metrics.jsonl'), 'utf8'), 'metrics.jsonl').records as { unit?: unknown; iteration?: unknown; validationLoss?: unknown; event?: unknown }[];
  const dense = lines.filter((record) => typeof record.unit === 'string' && record.unit.endsWith('/level-00/ticket'));
  for (const seed of [...new Set(dense.map((record) => (record.unit as string).split('/')[0] as string))].sort()) {
    // validation fields only: the test fields of these lines are not read
    const evals = dense.filter((record): record is { unit: string; iteration: number; validationLoss: number } => (record.unit as string).startsWith(`${seed}/`) && typeof record.validationLoss === 'number' && typeof record.iteration === 'number' && record.event === undefined);
    const best = evals.reduce((a, b) => (b.validationLoss < a.validationLoss ? b : a));
    minima.push({ seed, iteration: best.iteration, loss: best.validationLoss, last: evals[evals.length - 1]?.iteration ?? 0 });
  }
  const latest = Math.max(...minima.map((m) => m.iteration));
  const epochs = Math.ceil((factor * latest) / stepsPerEpoch);
  for (const m of minima) process.stdout.write(`${m.seed}: minimum validation loss ${m.loss.toFixed(4)} at iteration ${m.iteration} of ${m.last}\n`);
  process.stdout.write(`latest minimum ${latest}; ${factor} × ${latest} = ${factor * latest} iterations -> epochsPerRound ${epochs} (${epochs * stepsPerEpoch} iterations, ${stepsPerEpoch} per epoch)\n`);
}

reportFatalErrors('budget-from-pilot');
await main(process.argv.slice(2));
