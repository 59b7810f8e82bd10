import type { z } from 'zod';
import type { DeltaMethod } from './delta-method.js';

/**
 * A named delta method with its options schema (a zod object: configs are checked against it
 * before any work, and `create` receives the parsed options with defaults filled in) and a summary
 * for listings (`sparse dare --help`). {@link deltaPlugin} registers each built-in one; make your
 * own with {@link defineDeltaMethod}.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { DeltaMethods, dareMethod, deltaPlugin } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin()] });
 * console.log(runtime.describe(DeltaMethods, dareMethod.name)?.summary === dareMethod.summary); // true
 * ```
 */
export interface DeltaMethodDefinition {
  /** The name configs and `--method` use. */
  readonly name: string;
  /** One line on what it does. */
  readonly summary: string;
  /** Its options. */
  readonly options: z.ZodObject;
  /** Builds the method from parsed options. */
  create(options: Readonly<Record<string, unknown>>): DeltaMethod;
}

/**
 * Types a {@link DeltaMethodDefinition}: `create` receives the options as its schema parses them.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { definePlugin } from '@sparse/core';
 * import { DeltaMethods, defineDeltaMethod, fixedRuleMethod } from '@sparse/delta';
 *
 * const halfQ = defineDeltaMethod({
 *   name: 'half-q',
 *   summary: 'random drops, kept deltas times 2/(2 − p)',
 *   options: z.object({}),
 *   create: () => ({ ...fixedRuleMethod('half-q', { method: 'random', rescale: 'dare' }), plan: async (rate: number) => ({ rule: { method: 'random', rescale: { q: 1 - rate / 2 } }, evaluations: 0 }) }),
 * });
 * export default () => definePlugin('my-delta', (registry) => registry.provide(DeltaMethods, halfQ.name, halfQ.create, { options: halfQ.options, summary: halfQ.summary }));
 * ```
 */
export function defineDeltaMethod<S extends z.ZodObject>(definition: {
  readonly name: string;
  readonly summary: string;
  readonly options: S;
  create(options: z.output<S>): DeltaMethod;
}): DeltaMethodDefinition {
  return Object.freeze({
    name: definition.name,
    summary: definition.summary,
    options: definition.options,
    create: (options: Readonly<Record<string, unknown>>) => definition.create(options as z.output<S>),
  });
}
