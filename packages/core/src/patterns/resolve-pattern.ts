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
    `${field} must be a pattern: ${STRING_FORMS.join(', ')}, or an object with kind 'unstructured', 'n:m', 'block' or 'groups'; got ${JSON.stringify(received)}.`,
    { field, received, allowed: STRING_FORMS },
  );
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
    if (spec === 'unstructured') return unstructured();
    if (spec === 'neuron' || spec === 'filter' || spec === 'channel') return groupPattern({ group: spec });
    const nm = /^(\d+):(\d+)$/.exec(spec);
    if (nm !== null) return nmPattern({ n: Number(nm[1]), m: Number(nm[2]) });
    const block = /^block:(\d+)x(\d+)(?::(mean|max))?$/.exec(spec);
    if (block !== null) {
      return blockPattern({ rows: Number(block[1]), cols: Number(block[2]), pooling: block[3] === 'max' ? 'max' : 'mean' });
    }
    throw unknown(field, spec);
  }
  if (typeof spec !== 'object' || spec === null) throw unknown(field, spec);
  const record = spec as Record<string, unknown>;
  if ((record['kind'] === 'units' || record['kind'] === 'fixed') && typeof record['name'] === 'string') {
    return spec as PruningPattern;
  }
  switch (record['kind']) {
    case 'unstructured':
      return unstructured();
    case 'n:m':
      return nmPattern(spec as NMPatternOptions);
    case 'block':
      return blockPattern(spec as BlockPatternOptions);
    case 'groups':
      return groupPattern(spec as GroupPatternOptions);
    default:
      throw unknown(field, spec);
  }
}
