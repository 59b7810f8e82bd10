import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * The SHA-256 of a config's {@link canonicalJson}, as 64 lower-case hex digits. Equal configs
 * (whatever their key order or number spelling) have equal hashes.
 *
 * @example
 * ```ts
 * import { configHash } from '@sparse/experiments';
 *
 * configHash({ seed: 1, lr: 0.1 }) === configHash({ lr: 0.1, seed: 1 }); // true
 * ```
 */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config), 'utf8').digest('hex');
}

/**
 * The first `length` (default 12) hex digits of {@link configHash}: the suffix of a run
 * directory's name.
 *
 * @example
 * ```ts
 * import { shortConfigHash } from '@sparse/experiments';
 *
 * shortConfigHash({ seed: 1 }); // 12 hex digits
 * ```
 */
export function shortConfigHash(config: unknown, length = 12): string {
  return configHash(config).slice(0, length);
}
