/**
 * A typed dependency-injection token: a registry-wide symbol that remembers the type of what it
 * resolves to. Made with {@link createToken}, so that two installed copies of a package agree on it.
 *
 * @typeParam T - the type of the value bound to this token.
 *
 * @example
 * ```ts
 * import { createToken, type Token } from '@sparse/core';
 *
 * interface Clock { now(): number }
 * const ClockToken: Token<Clock> = createToken<Clock>('@my-org/plugin/Clock');
 * ```
 */
export type Token<T> = symbol & { readonly __tokenType?: T };

/**
 * Creates a {@link Token} from a key of the form `@scope/package/Name`, using `Symbol.for` so the
 * same key yields the same symbol across module copies and realms.
 *
 * @param key - a globally unique key; by convention `@<scope>/<package>/<Name>`.
 *
 * @example
 * ```ts
 * import { createToken } from '@sparse/core';
 *
 * const LoggerToken = createToken<{ log(message: string): void }>('@my-org/plugin/Logger');
 * console.log(LoggerToken === Symbol.for('@my-org/plugin/Logger')); // true
 * ```
 */
export function createToken<T>(key: string): Token<T> {
  return Symbol.for(key) as Token<T>;
}
