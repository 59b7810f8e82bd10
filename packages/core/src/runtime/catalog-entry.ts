import type { OptionsSchema } from './implementation-kind.js';

/**
 * One named implementation known to a runtime: its kind, its name, and the plugin that provided
 * it. Listings and "not found" errors are built from these.
 *
 * @example
 * ```ts
 * import type { CatalogEntry } from '@sparse/core';
 *
 * const entry: CatalogEntry = { kind: 'scorer', name: 'magnitude', pluginId: '@sparse/core/toolkit' };
 * ```
 */
export interface CatalogEntry {
  /** The schema of the options it accepts (a zod object), when it declares one. */
  readonly options?: OptionsSchema;
  /** One line on what it does, for listings. */
  readonly summary?: string;
  /** The implementation kind, e.g. `scorer`. */
  readonly kind: string;
  /** The name it is resolved by. */
  readonly name: string;
  /** The id of the plugin that registered it, once the runtime has attributed it. */
  readonly pluginId?: string;
}
