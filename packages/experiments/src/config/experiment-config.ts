import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import {
  SparseError,
  configErrorFromIssues,
  createRuntime,
  implementationRefs,
  isSparseError,
  optionIssuesFromZod,
  type SparsePlugin,
  type SparseRuntime,
} from '@sparse/core';
import { ExperimentKinds, type ExperimentKind } from '../kinds/experiment-kind.js';
import { loadPlugin } from '../plugins/load-plugin.js';
import { checkConfigDepth } from './json-depth.js';
import { pluginSpecsSchema, resolvePluginSpec, type PluginSpec, type ResolvedPluginSpec } from '../plugins/plugin-spec.js';

/**
 * A plugin a command loads for every config, with the spec worker threads load it by.
 *
 * @example
 * ```ts
 * import { wasmBackend } from '@sparse/backend-wasm';
 * import type { BuiltInPlugin } from '@sparse/experiments';
 *
 * const wasm: BuiltInPlugin = { plugin: wasmBackend(), spec: { specifier: '@sparse/backend-wasm', module: '@sparse/backend-wasm', exportName: 'default', options: {} } };
 * ```
 */
export interface BuiltInPlugin {
  /** The plugin, for this thread's runtime. */
  readonly plugin: SparsePlugin;
  /** How a worker thread imports the same plugin. */
  readonly spec: ResolvedPluginSpec;
}

/**
 * The fields every experiment config has, whatever its kind: `kind` (which experiment),
 * `plugins` (extra plugins to load first), `backend` (default `wasm`) and `$schema` (for editors,
 * ignored by the runner and by the config hash).
 *
 * @example
 * ```ts
 * import { experimentEnvelopeSchema } from '@sparse/experiments';
 *
 * console.log(experimentEnvelopeSchema.safeParse({ kind: 'lth', plugins: ['./p.js'] }).success); // true
 * ```
 */
export const experimentEnvelopeSchema = z.looseObject({
  $schema: z.string().max(4096).optional().meta({ description: 'The JSON Schema of this kind, for editors; ignored by the runner.' }),
  kind: z.string().min(1).max(200).meta({ description: 'The experiment kind: lth, group-envelope, activation, delta, or a plugin\'s own.' }),
  plugins: pluginSpecsSchema.optional(),
  backend: z.string().min(1).max(100).optional().meta({ description: 'The TensorFlow.js backend: wasm (default), tensorflow (tfjs-node), cpu, or auto.' }),
});

/**
 * A config checked in full against its kind, and everything needed to run it.
 *
 * @example
 * ```ts
 * import type { PreparedExperiment } from '@sparse/experiments';
 *
 * declare const prepared: PreparedExperiment;
 * console.log(prepared.kind.name, prepared.runtime.backend);
 * ```
 */
export interface PreparedExperiment {
  /** The runtime built from the built-in, config and command plugins. */
  readonly runtime: SparseRuntime;
  /** The experiment kind the config names. */
  readonly kind: ExperimentKind;
  /** The validated config (defaults filled in, `$schema` dropped). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Every plugin loaded, as specs worker threads can load. */
  readonly plugins: readonly ResolvedPluginSpec[];
}

/**
 * Options of {@link prepareExperiment}.
 *
 * @example
 * ```ts
 * import type { PrepareExperimentOptions } from '@sparse/experiments';
 *
 * const options: PrepareExperimentOptions = { raw: { kind: 'lth' }, cwd: process.cwd() };
 * ```
 */
export interface PrepareExperimentOptions {
  /** The config as read (JSON or a module's default export). */
  readonly raw: unknown;
  /** Its file: relative plugin paths are resolved against its folder; named in errors. */
  readonly source?: string;
  /** The working directory (for `extraPlugins` and when there is no source file). */
  readonly cwd: string;
  /** Plugins every config gets (a command's backends and families). */
  readonly builtIns?: readonly BuiltInPlugin[];
  /** More plugins named by the command (`--plugin SPEC`), resolved against `cwd`. */
  readonly extraPlugins?: readonly PluginSpec[];
  /** Receives warnings of the runtime. */
  readonly onWarning?: (message: string) => void;
}

function check<T>(schema: z.ZodType<T>, raw: unknown, source: string | undefined): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, raw, [], schema), source);
  return result.data;
}

/**
 * The whole schema of a kind's configs: its own fields plus `kind`, `plugins`, `backend` and
 * `$schema`; unknown fields are rejected.
 *
 * @example
 * ```ts
 * import { createRuntime, implementationRefs } from '@sparse/core';
 * import { experimentConfigSchema, type ExperimentKind } from '@sparse/experiments';
 *
 * declare const kind: ExperimentKind;
 * const schema = experimentConfigSchema(kind, implementationRefs(await createRuntime({ backend: 'cpu' })));
 * ```
 */
export function experimentConfigSchema(kind: ExperimentKind, refs: Parameters<ExperimentKind['schema']>[0]): z.ZodObject {
  return kind
    .schema(refs)
    .extend({
      $schema: experimentEnvelopeSchema.shape.$schema,
      kind: z.literal(kind.name),
      plugins: pluginSpecsSchema.optional(),
      backend: z.string().min(1).max(100).default('wasm').meta({ description: 'The TensorFlow.js backend: wasm (default), tensorflow (tfjs-node), cpu, or auto.' }),
    })
    .strict();
}

/**
 * The JSON Schema (draft 2020-12) of a kind's configs, with every registered implementation name
 * and its options, for `"$schema"` in example configs and for editors.
 *
 * @example
 * ```ts
 * import { experimentJsonSchema, type PreparedExperiment } from '@sparse/experiments';
 *
 * declare const prepared: PreparedExperiment;
 * console.log(JSON.stringify(experimentJsonSchema(prepared.runtime, 'lth')).length > 0);
 * ```
 */
export function experimentJsonSchema(runtime: SparseRuntime, kindName: string): Record<string, unknown> {
  const kind = runtime.resolve(ExperimentKinds, kindName, 'kind');
  const schema = z.toJSONSchema(experimentConfigSchema(kind, implementationRefs(runtime)), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: `@sparse experiment config: ${kind.name}`, description: kind.summary };
}

/**
 * Checks a config in full before any work: the common fields, then the plugins it names (found,
 * imported, each a plugin), then the backend, then the kind and every field of it, implementation
 * names and their options included. Every problem is reported at once with its field, the value
 * and what is allowed.
 *
 * @throws SparseError `E_CONFIG` (a field), `E_PLUGIN` (a plugin that cannot load), or
 * `E_BACKEND_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { prepareExperiment, readConfigFile } from '@sparse/experiments';
 *
 * const path = 'examples/lth/lenet-fashion-mnist-quick.json';
 * const prepared = await prepareExperiment({ raw: await readConfigFile(path), source: path, cwd: process.cwd() });
 * ```
 */
export async function prepareExperiment(options: PrepareExperimentOptions): Promise<PreparedExperiment> {
  checkConfigDepth(options.raw, options.source);
  const envelope = check(experimentEnvelopeSchema, options.raw, options.source);
  const configDir = options.source === undefined ? options.cwd : dirname(resolve(options.cwd, options.source));
  const specs: { spec: ResolvedPluginSpec; field: string }[] = [
    ...((envelope.plugins ?? []) as readonly PluginSpec[]).map((spec, index) => ({ spec: resolvePluginSpec(spec, configDir, `plugins[${index}]`), field: `plugins[${index}]` })),
    ...(options.extraPlugins ?? []).map((spec) => ({ spec: resolvePluginSpec(spec, options.cwd, '--plugin'), field: `--plugin ${typeof spec === 'string' ? spec : spec.module}` })),
  ];
  const loaded: SparsePlugin[] = [];
  for (const { spec, field } of specs) loaded.push(await loadPlugin(spec, field));
  const builtIns = options.builtIns ?? [];
  let runtime: SparseRuntime;
  try {
    runtime = await createRuntime({
      backend: envelope.backend ?? 'wasm',
      plugins: [...builtIns.map((builtIn) => builtIn.plugin), ...loaded],
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
  } catch (error) {
    if (isSparseError(error, 'E_NOT_FOUND') && error.details.field === 'backend') {
      throw new SparseError('E_CONFIG', `backend: ${error.message}`, { ...error.details, field: 'backend' }, { cause: error });
    }
    throw error;
  }
  const kind = runtime.resolve(ExperimentKinds, envelope.kind, 'kind');
  const parsed = check(experimentConfigSchema(kind, implementationRefs(runtime)), options.raw, options.source) as Record<string, unknown>;
  const { $schema: _schema, ...config } = parsed;
  return { runtime, kind, config, plugins: [...builtIns.map((builtIn) => builtIn.spec), ...specs.map(({ spec }) => spec)] };
}
