/**
 * The settings every toolkit script shares, from the command line:
 *
 *   --data DIR     the four Fashion-MNIST .gz files (required unless --quick),
 *                  or `bundled` for the 6,000-image subset shipped with @sparse/datasets
 *   --epochs N     training epochs of every run (default 3)
 *   --seeds N      seeds 0 … N−1 (default 3)
 *   --batch N      minibatch size (default 128)
 *   --quick        smoke run: bundled data, 1 epoch, 1 seed (flags given explicitly still win)
 */
import { cliOptions } from './log.js';

export interface Settings {
  readonly dataDir: string;
  readonly epochs: number;
  readonly seeds: readonly number[];
  readonly batchSize: number;
  /** Adam's learning rate (LeNet-300-100 in the LTH paper). */
  readonly learningRate: number;
  /** Examples in the batch SNIP and GraSP score on. */
  readonly calibrationSize: number;
  readonly quick: boolean;
}

function dataDir(value: string, quick: boolean): string {
  if (value === '' && !quick) throw new Error('--data DIR is required (the folder with the four Fashion-MNIST .gz files, e.g. ../shared/datasets/fashion-mnist), or --quick for the bundled subset.');
  return value;
}

export function settingsFromArgs(argv: readonly string[] = process.argv.slice(2)): Settings {
  const options = cliOptions(argv);
  const quick = options.flag('quick');
  const integer = (name: string, fallback: number): number => {
    const value = Number(options.value(name, String(fallback)));
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${options.value(name, '')}`);
    return value;
  };
  const seeds = integer('seeds', quick ? 1 : 3);
  return {
    dataDir: dataDir(options.value('data', quick ? 'bundled' : ''), quick),
    epochs: integer('epochs', quick ? 1 : 3),
    seeds: Array.from({ length: seeds }, (_, i) => i),
    batchSize: integer('batch', 128),
    learningRate: 1.2e-3,
    calibrationSize: 512,
    quick,
  };
}

/**
 * The gradual schedule for `totalSteps` steps: pruning starts after 10 % of training, the mask is
 * updated 25 times per run's length (every `frequency` steps) for half of training, and the last
 * ~40 % trains at the final sparsity.
 */
export function gradualPlan(totalSteps: number): { begin: number; frequency: number; pruningSteps: number; end: number } {
  const begin = Math.round(0.1 * totalSteps);
  const frequency = Math.max(1, Math.round(totalSteps / 25));
  const pruningSteps = Math.max(1, Math.round((0.5 * totalSteps) / frequency));
  return { begin, frequency, pruningSteps, end: begin + pruningSteps * frequency };
}
