/**
 * Mean, sample standard deviation and the percent formats the delta reports use.
 *
 * @example
 * ```ts
 * import { accuracyText } from './stats.js';
 *
 * console.log(accuracyText([0.8, 0.82])); // 81.00 ± 1.41
 * ```
 */
export function accuracyText(values: readonly number[]): string {
  if (values.length === 0) return '';
  return values.length > 1 ? `${percent(mean(values))} ± ${(100 * std(values)).toFixed(2)}` : percent(values[0] as number);
}

/**
 * The arithmetic mean (`NaN` for no values).
 *
 * @example
 * ```ts
 * import { mean } from './stats.js';
 *
 * console.log(mean([1, 2, 3])); // 2
 * ```
 */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The sample standard deviation (0 for fewer than two values).
 *
 * @example
 * ```ts
 * import { std } from './stats.js';
 *
 * console.log(std([1, 3])); // ≈ 1.414
 * ```
 */
export function std(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

/**
 * A fraction as a percentage with two decimals (`0.8536` → `85.36`).
 *
 * @example
 * ```ts
 * import { percent } from './stats.js';
 *
 * console.log(percent(0.8536)); // 85.36
 * ```
 */
export function percent(value: number): string {
  return (100 * value).toFixed(2);
}
