/** Statistics and formatting shared by the toolkit reports. */
import type { PlotPoint } from '@sparse/experiments';
import type { RunSummary } from './run-summary.js';

export const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

/** Sample standard deviation (0 for one value). */
export const std = (values: readonly number[]): number => {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
};

/** Accuracy in percent, `mean ± sd` over seeds (sd only with several seeds). */
export const pctPm = (values: readonly number[]): string =>
  values.length > 1 ? `${(100 * mean(values)).toFixed(2)} ± ${(100 * std(values)).toFixed(2)}` : `${(100 * (values[0] ?? Number.NaN)).toFixed(2)}`;

/** Per-seed accuracies in percent, e.g. `88.10 / 88.31`. */
export const perSeed = (values: readonly number[]): string => values.map((v) => (100 * v).toFixed(2)).join(' / ');

/** `pp` difference of means, signed, with both sides' sd over seeds (`-1.61 pp (sd 0.11 / 0.27)`; no sd for one seed each). */
export const diffPp = (a: readonly number[], b: readonly number[]): string => {
  const d = 100 * (mean(a) - mean(b));
  const spread = a.length > 1 || b.length > 1 ? ` (sd ${(100 * std(a)).toFixed(2)} / ${(100 * std(b)).toFixed(2)})` : '';
  return `${d >= 0 ? '+' : ''}${d.toFixed(2)} pp${spread}`;
};

export const pct = (value: number, digits = 2): string => `${(100 * value).toFixed(digits)}%`;

export function select(runs: readonly RunSummary[], experiment: string, method: string, target?: number): RunSummary[] {
  return runs.filter((r) => r.experiment === experiment && r.method === method && (target === undefined || r.target === target));
}

export const accuracies = (runs: readonly RunSummary[]): number[] => runs.map((r) => r.testAccuracy);

/** Mean validation accuracy per epoch over seeds, with min/max as the spread, in percent. */
export function validationCurve(runs: readonly RunSummary[]): PlotPoint[] {
  const epochs = [...new Set(runs.flatMap((r) => r.validation.map((v) => v.epoch)))].sort((a, b) => a - b);
  return epochs.map((epoch) => {
    const values = runs.map((r) => r.validation.find((v) => v.epoch === epoch)?.accuracy).filter((v): v is number => v !== undefined);
    return { x: epoch, y: 100 * mean(values), yMin: 100 * Math.min(...values), yMax: 100 * Math.max(...values) };
  });
}

export function minutes(seconds: number): string {
  return seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`;
}

/** `3 epochs`, `1 epoch`. */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
