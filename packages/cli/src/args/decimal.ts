/** A plain decimal: optional sign, digits with an optional fraction (or a bare fraction), optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a flag's value as a decimal number, strictly: `0.5`, `.5`, `5e-1`, `-2` are numbers;
 * `0x1`, `0b1`, `0o1`, `Infinity`, `1_000`, `' 0.5'` and `''` are not (JavaScript's `Number`
 * reads the first four as numbers, and blanks as 0). Returns `undefined` for anything else, and
 * for values too large to be finite.
 *
 * @example
 * ```ts
 * import { parseDecimal } from '@sparse/cli';
 *
 * console.log(parseDecimal('0.5'), parseDecimal('0x1')); // 0.5 undefined
 * ```
 */
export function parseDecimal(text: string): number | undefined {
  if (text.length > 400 || !DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
