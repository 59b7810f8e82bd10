import type { z } from 'zod';
import { createToken, type Token } from '../token.js';

/**
 * The schema of an implementation's options: a zod object whose keys are the options a config may
 * give beside `name` (`{ "name": "random", "seed": 3 }`). Unknown keys are rejected.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import type { OptionsSchema } from '@sparse/core';
 *
 * const randomOptions: OptionsSchema = z.object({ seed: z.number().int().min(0).default(0) });
 * ```
 */
export type OptionsSchema = z.ZodObject;

/**
 * What an implementation declares beside its factory when it is registered.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import type { ImplementationDetails } from '@sparse/core';
 *
 * const details: ImplementationDetails = { options: z.object({ power: z.number().positive().default(2) }), summary: '|w|^power' };
 * ```
 */
export interface ImplementationDetails {
  /** Its options' schema: configs are checked against it before any work, and the factory receives the parsed options (defaults filled in). */
  readonly options?: OptionsSchema;
  /** One line on what it does, for listings and help. */
  readonly summary?: string;
}

/**
 * Builds one implementation from the options a configuration gives for it (`{ "name": "random",
 * "seed": 3 }` passes `{ seed: 3 }`). It validates those options and throws a `SparseError` with
 * code `E_CONFIG` naming the bad one.
 *
 * @example
 * ```ts
 * import type { ImplementationFactory, Schedule } from '@sparse/core';
 *
 * const constant: ImplementationFactory<Schedule> = (options) => {
 *   const sparsity = Number(options['sparsity'] ?? 0.5);
 *   return { name: 'constant', sparsityAt: () => sparsity, isUpdateStep: () => true };
 * };
 * ```
 */
export type ImplementationFactory<T> = (options: Readonly<Record<string, unknown>>) => T;

/**
 * A family of interchangeable implementations resolved by name (scorers, pruners, schedules,
 * regularizers, or a family a plugin defines): its display name and the token its factories are
 * bound to.
 *
 * @example
 * ```ts
 * import { defineImplementationKind } from '@sparse/core';
 *
 * interface Initializer { init(shape: number[]): Float32Array }
 * const Initializers = defineImplementationKind<Initializer>('initializer', '@my-org/init/Initializer');
 * ```
 */
export interface ImplementationKind<T> {
  /** Singular, human-readable name used in error messages, e.g. `scorer`. */
  readonly kind: string;
  /** The token named factories of this kind are bound to. */
  readonly token: Token<ImplementationFactory<T>>;
}

/**
 * Defines an {@link ImplementationKind}. Core's kinds are {@link Scorers}, {@link Pruners},
 * {@link Schedules} and {@link Regularizers}; a plugin may define its own.
 *
 * @param kind - singular, human-readable name, e.g. `scorer`.
 * @param key - the global token key; defaults to `@sparse/core/<kind>`.
 *
 * @example
 * ```ts
 * import { defineImplementationKind } from '@sparse/core';
 *
 * const Calibrators = defineImplementationKind<{ fit(values: Float32Array): number }>(
 *   'calibrator',
 *   '@sparse/activation/Calibrator',
 * );
 * ```
 */
export function defineImplementationKind<T>(kind: string, key = `@sparse/core/${kind}`): ImplementationKind<T> {
  return Object.freeze({ kind, token: createToken<ImplementationFactory<T>>(key) });
}
