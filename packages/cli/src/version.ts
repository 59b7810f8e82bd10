import { createRequire } from 'node:module';

/**
 * The version of `@sparse/cli`, read from its package.json (what `sparse --version` prints).
 *
 * @example
 * ```ts
 * import { cliVersion } from '@sparse/cli';
 *
 * console.log(cliVersion()); // e.g. '0.1.0'
 * ```
 */
export function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
