/**
 * Formats a number for tables and tick labels: integers as they are, other numbers with
 * `digits` significant digits (default 4) and no trailing zeros, very large or small ones in
 * exponent form (`1.5e-5`); `NaN` and infinities as `NaN`, `inf`, `-inf`.
 *
 * @example
 * ```ts
 * import { formatNumber } from '@sparse/experiments';
 *
 * formatNumber(0.981234); // '0.9812'
 * formatNumber(266200); // '266200'
 * formatNumber(0.0000123); // '1.23e-5'
 * ```
 */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0) || value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    const [mantissa = '', exponent = ''] = value.toExponential(Math.max(0, digits - 1)).split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    return `${trimmed}e${exponent.replace('+', '')}`;
  }
  const fixed = value.toPrecision(digits);
  return fixed.includes('e') ? String(Number(fixed)) : fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/**
 * Escapes text for XML and HTML (element content and quoted attributes): `& < > " '`.
 *
 * @example
 * ```ts
 * import { escapeXml } from '@sparse/experiments';
 *
 * escapeXml('<b> & "c"'); // '&lt;b&gt; &amp; &quot;c&quot;'
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);
}
