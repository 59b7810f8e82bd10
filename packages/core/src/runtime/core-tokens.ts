import type { BackendProvider } from '../contracts/backend-provider.js';
import { createToken } from '../token.js';
import type { CatalogEntry } from './catalog-entry.js';

/**
 * Core's dependency-injection tokens that are not implementation kinds.
 *
 * - `Backend`: every {@link BackendProvider} a plugin contributes (multi-bound).
 * - `Catalog`: one {@link CatalogEntry} per named implementation, for listings and errors.
 *
 * @example
 * ```ts
 * import { ContainerModule } from 'inversify';
 * import { CoreTokens, type BackendProvider } from '@sparse/core';
 *
 * const provider: BackendProvider = { name: 'cpu', priority: 1, activate: async () => {} };
 * const module = new ContainerModule(({ bind }) => {
 *   bind(CoreTokens.Backend).toConstantValue(provider);
 * });
 * ```
 */
export const CoreTokens = Object.freeze({
  Backend: createToken<BackendProvider>('@sparse/core/Backend'),
  Catalog: createToken<CatalogEntry>('@sparse/core/Catalog'),
});
