import { echoValue } from '../runtime/options-issues.js';
import type { PruningPattern } from '../contracts/pattern.js';
import { SparseError } from '../errors.js';
import { blockPattern, type BlockPatternOptions } from './block.js';
import { groupPattern, type GroupPatternOptions } from './groups.js';
import { nmPattern, type NMPatternOptions } from './n-m.js';
import { unstructured } from './unstructured.js';

/**
 * A pattern as a configuration writes it, or a pattern object.
 *
 * Strings: `unstructured`; `N:M` such as `2:4`; `block:RxC` such as `block:4x4` (mean pooling)
 * or `block:4x4:max`; `neuron`, `filter`, `channel` (groups, L1 norm). Objects: `{ kind:
 * 'unstructured' }`, `{ kind: 'n:m', n, m }`, `{ kind: 'block', rows, cols, pooling? }`,
 * `{ kind: 'groups', group, norm?, normalize? }`.
 *
 * @example
 * ```ts
 * import type { PatternSpec } from '@sparse/core';
 *
 * const specs: PatternSpec[] = ['2:4', 'block:1x4', { kind: 'groups', group: 'filter', norm: 'l2' }];
 * ```
 */
export type PatternSpec =
  | PruningPattern
  | string
  | { readonly kind: 'unstructured' }
  | ({ readonly kind: 'n:m' } & NMPatternOptions)
  | ({ readonly kind: 'block' } & BlockPatternOptions)
  | ({ readonly kind: 'groups' } & GroupPatternOptions);

const STRING_FORMS = ['unstructured', 'N:M (e.g. 2:4)', 'block:RxC[:max] (e.g. block:4x4)', 'neuron', 'filter', 'channel'];

function unknown(field: string, received: unknown): SparseError {
  return new SparseError(
    'E_CONFIG',
    `${field} must be a pattern: ${STRING_FORMS.join(', ')}, or an object with kind 'unstructured', 'n:m', 'block' or 'groups'; got ${echoValue(received)}.`,
    { field, received, allowed: STRING_FORMS },
  );
}

/**
 * Core's patterns by name: the one table the toolkit plugin registers (as `Patterns`) and
 * {@link resolvePattern} reads. Each builds a pattern from its options (validated by the pattern).
 *
 * @example
 * ```ts
 * import { BUILT_IN_PATTERNS } from '@sparse/core';
 *
 * const twoFour = BUILT_IN_PATTERNS['n:m']({ n: 2, m: 4 });
 * console.log(twoFour.name); // 2:4
 * ```
 */
export const BUILT_IN_PATTERNS: Readonly<Record<'unstructured' | 'n:m' | 'block' | 'groups', (options: Readonly<Record<string, unknown>>) => PruningPattern>> = Object.freeze({
  unstructured: () => unstructured(),
  'n:m': (options) => nmPattern(options as unknown as NMPatternOptions),
  block: (options) => blockPattern(options as unknown as BlockPatternOptions),
  groups: (options) => groupPattern(options as unknown as GroupPatternOptions),
});

/**
 * Reads a pattern shorthand (`2:4`, `block:4x4:max`, `neuron`, `unstructured`) as the name of a
 * built-in pattern and its options, or `undefined` when the text is no shorthand.
 *
 * @example
 * ```ts
 * import { patternShorthand } from '@sparse/core';
 *
 * console.log(patternShorthand('2:4')); // { name: 'n:m', options: { n: 2, m: 4 } }
 * ```
 */
export function patternShorthand(text: string): { readonly name: keyof typeof BUILT_IN_PATTERNS; readonly options: Readonly<Record<string, unknown>> } | undefined {
  if (text === 'unstructured') return { name: 'unstructured', options: {} };
  if (text === 'neuron' || text === 'filter' || text === 'channel') return { name: 'groups', options: { group: text } };
  const nm = /^(\d{1,9}):(\d{1,9})$/.exec(text);
  if (nm !== null) return { name: 'n:m', options: { n: Number(nm[1]), m: Number(nm[2]) } };
  const block = /^block:(\d{1,9})x(\d{1,9})(?::(mean|max))?$/.exec(text);
  if (block !== null) return { name: 'block', options: { rows: Number(block[1]), cols: Number(block[2]), pooling: block[3] === 'max' ? 'max' : 'mean' } };
  return undefined;
}

/**
 * Turns a {@link PatternSpec} into a {@link PruningPattern}, validating its options.
 *
 * @param spec - the pattern, as a string, an options object or a pattern object.
 * @param field - the option name used in error messages.
 * @throws SparseError `E_CONFIG` naming the field and the allowed forms.
 *
 * @example
 * ```ts
 * import { resolvePattern } from '@sparse/core';
 *
 * console.log(resolvePattern('2:4').name); // '2:4'
 * console.log(resolvePattern('block:4x4:max').name); // 'block:4x4:max'
 * ```
 */
export function resolvePattern(spec: unknown, field = 'pattern'): PruningPattern {
  if (spec === undefined) return unstructured();
  if (typeof spec === 'string') {
    const shorthand = patternShorthand(spec);
    if (shorthand === undefined) throw unknown(field, spec);
    return BUILT_IN_PATTERNS[shorthand.name](shorthand.options);
  }
  if (typeof spec !== 'object' || spec === null) throw unknown(field, spec);
  const record = spec as Record<string, unknown>;
  if ((record['kind'] === 'units' || record['kind'] === 'fixed') && typeof record['name'] === 'string') {
    return spec as PruningPattern;
  }
  const kind = record['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(BUILT_IN_PATTERNS, kind)) throw unknown(field, spec);
  const { kind: _kind, ...options } = record;
  return BUILT_IN_PATTERNS[kind as keyof typeof BUILT_IN_PATTERNS](kind === 'unstructured' ? {} : { ...options });
}
