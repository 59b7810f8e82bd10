/**
 * A JSON scalar: what a leaf of a config, a metric record or a checkpoint state may hold.
 *
 * @example
 * ```ts
 * import type { JsonPrimitive } from '@sparse/experiments';
 *
 * const leaf: JsonPrimitive = 0.8;
 * ```
 */
export type JsonPrimitive = string | number | boolean | null;

/**
 * Any value that survives `JSON.stringify` → `JSON.parse` unchanged: configs, metric records,
 * unit outputs and checkpoint states are all `JsonValue`s.
 *
 * @example
 * ```ts
 * import type { JsonValue } from '@sparse/experiments';
 *
 * const state: JsonValue = { epoch: 3, losses: [0.9, 0.5, 0.3], done: false };
 * ```
 */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A JSON object, e.g. one metric record.
 *
 * @example
 * ```ts
 * import type { JsonObject } from '@sparse/experiments';
 *
 * const record: JsonObject = { step: 10, loss: 0.25 };
 * ```
 */
export type JsonObject = { readonly [key: string]: JsonValue };
