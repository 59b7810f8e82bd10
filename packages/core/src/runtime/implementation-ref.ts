import { z } from 'zod';
import type { CatalogEntry } from './catalog-entry.js';
import type { ImplementationKind } from './implementation-kind.js';
import { echoValue } from './options-issues.js';

/**
 * How a config names an implementation: its name alone (`"snip"`), or its name with options
 * (`{ "name": "power-magnitude", "power": 3 }`).
 *
 * @example
 * ```ts
 * import type { ImplementationRef } from '@sparse/core';
 *
 * const plain: ImplementationRef = 'magnitude';
 * const withOptions: ImplementationRef = { name: 'random', seed: 3 };
 * ```
 */
export type ImplementationRef = string | ({ readonly name: string } & Readonly<Record<string, unknown>>);

/**
 * The name an {@link ImplementationRef} refers to.
 *
 * @example
 * ```ts
 * import { refName } from '@sparse/core';
 *
 * console.log(refName({ name: 'random', seed: 3 })); // random
 * ```
 */
export function refName(ref: ImplementationRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}

/**
 * The options an {@link ImplementationRef} gives (every key but `name`; none for a plain name).
 *
 * @example
 * ```ts
 * import { refOptions } from '@sparse/core';
 *
 * console.log(refOptions({ name: 'random', seed: 3 })); // { seed: 3 }
 * ```
 */
export function refOptions(ref: ImplementationRef): Readonly<Record<string, unknown>> {
  if (typeof ref === 'string') return {};
  const { name: _name, ...options } = ref;
  return options;
}

/**
 * The part of a runtime a reference schema reads: its catalog (a `SparseRuntime` is one).
 *
 * @example
 * ```ts
 * import type { CatalogSource } from '@sparse/core';
 *
 * const empty: CatalogSource = { catalog: [] };
 * ```
 */
export interface CatalogSource {
  readonly catalog: readonly CatalogEntry[];
}

const MAX_LISTED = 40;

function listNames(names: readonly string[]): string {
  return names.length === 0 ? '(none: add the plugin that provides it)' : names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, …` : names.join(', ');
}

/**
 * The zod schema of a config field that names an implementation of `kind`: it accepts a
 * registered name or `{ name, ...options }`, checks the options against the implementation's own
 * schema, and reports an unknown name with the registered ones. Its JSON Schema lists every
 * registered name and its options, so editors complete and check configs.
 *
 * @param source - a runtime (its catalog says what is registered).
 * @param kind - the implementation kind, e.g. {@link Scorers}.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { Scorers, createRuntime, implementationRefSchema } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * const config = z.object({ scorer: implementationRefSchema(runtime, Scorers).default('magnitude') });
 * console.log(config.safeParse({ scorer: 'nope' }).success); // false: not a registered scorer
 * ```
 */
export function implementationRefSchema<T>(source: CatalogSource, kind: ImplementationKind<T>): z.ZodType<ImplementationRef> {
  const entries = source.catalog.filter((entry) => entry.kind === kind.kind).sort((a, b) => a.name.localeCompare(b.name));
  const names = entries.map((entry) => entry.name);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const base = z.union([z.string(), z.looseObject({ name: z.string() })]) as z.ZodType<ImplementationRef>;
  return base
    .superRefine((ref, context) => {
      const name = refName(ref);
      const entry = byName.get(name);
      if (entry === undefined) {
        context.addIssue({
          code: 'custom',
          message: `unknown ${kind.kind} ${echoValue(name)}; registered: ${listNames(names)}`,
          path: typeof ref === 'string' ? [] : ['name'],
          params: { allowed: names },
        });
        return;
      }
      if (entry.options === undefined) {
        const extra = Object.keys(refOptions(ref));
        if (extra.length > 0) {
          context.addIssue({ code: 'custom', message: `the ${kind.kind} '${name}' takes no options`, path: [extra[0] as string] });
        }
        return;
      }
      const parsed = entry.options.strict().safeParse(refOptions(ref));
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          if (issue.code === 'unrecognized_keys') {
            const allowed = Object.keys(entry.options.shape);
            for (const key of issue.keys.slice(0, 20)) {
              context.addIssue({
                code: 'custom',
                message: `unknown option of the ${kind.kind} '${name}'; allowed: ${allowed.length === 0 ? '(none)' : allowed.join(', ')}`,
                path: [key],
                params: { allowed },
              });
            }
          } else {
            context.addIssue({ ...issue, path: issue.path } as never);
          }
        }
      }
    })
    .meta({ anyOf: refJsonSchemas(entries) });
}

function refJsonSchemas(entries: readonly CatalogEntry[]): unknown[] {
  const plain = entries.filter((entry) => entry.options === undefined || entry.options.safeParse({}).success).map((entry) => entry.name);
  const objects = entries.map((entry) => {
    const shape = { name: z.literal(entry.name), ...(entry.options?.shape ?? {}) };
    const schema = z.toJSONSchema(z.strictObject(shape), { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
    delete schema['$schema'];
    return entry.summary === undefined ? schema : { description: entry.summary, ...schema };
  });
  return [...(plain.length === 0 ? [] : [{ type: 'string', enum: plain }]), ...objects];
}

/**
 * Reference schemas for every kind, built from one runtime: what an experiment kind's config
 * schema is made from (`refs.of(Scorers)`).
 *
 * @example
 * ```ts
 * import { Scorers, createRuntime, implementationRefs } from '@sparse/core';
 *
 * const refs = implementationRefs(await createRuntime({ backend: 'cpu' }));
 * const scorer = refs.of(Scorers);
 * console.log(scorer.safeParse('magnitude').success); // true
 * ```
 */
export interface ImplementationRefs {
  /** The schema of a field naming an implementation of `kind`. */
  of<T>(kind: ImplementationKind<T>): z.ZodType<ImplementationRef>;
  /** The names registered for `kind`, sorted. */
  names<T>(kind: ImplementationKind<T>): readonly string[];
}

/**
 * Builds {@link ImplementationRefs} from a runtime's catalog.
 *
 * @example
 * ```ts
 * import { Schedules, createRuntime, implementationRefs } from '@sparse/core';
 *
 * const refs = implementationRefs(await createRuntime({ backend: 'cpu' }));
 * console.log(refs.names(Schedules));
 * ```
 */
export function implementationRefs(source: CatalogSource): ImplementationRefs {
  return Object.freeze({
    of: <T>(kind: ImplementationKind<T>) => implementationRefSchema(source, kind),
    names: <T>(kind: ImplementationKind<T>) =>
      source.catalog.filter((entry) => entry.kind === kind.kind).map((entry) => entry.name).sort(),
  });
}
