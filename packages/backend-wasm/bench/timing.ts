/**
 * Timing helpers for the benchmarks: stock and fast kernels are measured in alternating rounds,
 * so that a change in machine load affects both sides alike, and reported as medians.
 */
import { installFastKernels, uninstallFastKernels } from '../src/index.js';

/** How many untimed warm-up calls, then how many timed rounds. */
export interface TimingPlan {
  readonly warmup: number;
  readonly rounds: number;
}

/** Median milliseconds per call with the stock and the fast kernels. */
export interface StockVsFast {
  readonly stockMs: number;
  readonly fastMs: number;
}

/**
 * Times `run` with the stock kernels and with the fast kernels, alternating each round.
 * `install` puts the fast kernels in (default: {@link installFastKernels}).
 */
export function stockVsFast(run: () => void, plan: TimingPlan, install: () => unknown = installFastKernels): StockVsFast {
  const stock: number[] = [];
  const fast: number[] = [];
  uninstallFastKernels();
  for (let i = 0; i < plan.warmup; i++) run();
  install();
  for (let i = 0; i < plan.warmup; i++) run();
  for (let round = 0; round < plan.rounds; round++) {
    uninstallFastKernels();
    stock.push(timeOnce(run));
    install();
    fast.push(timeOnce(run));
  }
  return { stockMs: median(stock), fastMs: median(fast) };
}

function timeOnce(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
