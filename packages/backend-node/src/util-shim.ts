import { createRequire } from 'node:module';

/**
 * The part of `node:util` that `@tensorflow/tfjs-node` 4.22 calls and that recent Node
 * versions removed (`isNullOrUndefined` in Node 23) or plan to remove (`isArray`).
 *
 * @example
 * ```ts
 * import type { LegacyUtil } from '@sparse/backend-node';
 *
 * const fake: LegacyUtil = {}; // a util module from Node 24, without the legacy predicates
 * ```
 */
export interface LegacyUtil {
  isNullOrUndefined?: (value: unknown) => boolean;
  isArray?: (value: unknown) => boolean;
}

/**
 * Adds the legacy `util.isNullOrUndefined` (and `util.isArray`) to a util module object when,
 * and only when, it lacks them, so `@tensorflow/tfjs-node` 4.22 keeps working on Node 23+.
 * Existing functions are never replaced. Defaults to the `node:util` object that
 * `require('util')` returns, which is the one tfjs-node reads at call time.
 *
 * @param util - the object to patch; defaults to Node's own `util` module.
 * @returns the names of the functions that were added (empty when nothing was missing).
 *
 * @example
 * ```ts
 * import { installUtilShim, type LegacyUtil } from '@sparse/backend-node';
 *
 * const util: LegacyUtil = {};
 * console.log(installUtilShim(util)); // ['isNullOrUndefined', 'isArray']
 * console.log(util.isNullOrUndefined?.(null)); // true
 * ```
 */
export function installUtilShim(util: LegacyUtil = nodeUtil()): readonly string[] {
  const added: string[] = [];
  if (typeof util.isNullOrUndefined !== 'function') {
    util.isNullOrUndefined = (value: unknown): boolean => value === null || value === undefined;
    added.push('isNullOrUndefined');
  }
  if (typeof util.isArray !== 'function') {
    util.isArray = (value: unknown): boolean => Array.isArray(value);
    added.push('isArray');
  }
  return added;
}

function nodeUtil(): LegacyUtil {
  return createRequire(import.meta.url)('node:util') as LegacyUtil;
}
