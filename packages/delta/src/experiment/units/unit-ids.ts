/**
 * A unit id segment for the `index`-th method named `name` (`m0-dare`): unit ids allow letters,
 * digits, `.`, `_` and `-`; other characters of a plugin's method name become `_`.
 *
 * @example
 * ```ts
 * import { methodSegment } from './unit-ids.js';
 *
 * console.log(methodSegment(2, 'my:method')); // m2-my_method
 * ```
 */
export function methodSegment(index: number, name: string): string {
  return `m${index}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
