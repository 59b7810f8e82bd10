import { Container } from 'inversify';
import type { BackendProvider } from './contracts/backend-provider.js';
import { cpuBackend } from './backends/cpu-backend.js';
import { registerGradients } from './backends/register-gradients.js';
import { sparseToolkit } from './toolkit-plugin.js';
import { selectBackend, type BackendAttempt, type BackendRequestSource } from './backends/select-backend.js';
import { SparseError } from './errors.js';
import type { Token } from './token.js';
import { CoreTokens } from './runtime/core-tokens.js';
import type { CatalogEntry } from './runtime/catalog-entry.js';
import type { ImplementationFactory, ImplementationKind } from './runtime/implementation-kind.js';
import type { SparsePlugin } from './runtime/plugin.js';
import { refName, refOptions, type ImplementationRef } from './runtime/implementation-ref.js';
import { configErrorFromIssues, optionIssuesFromZod } from './runtime/options-issues.js';

/**
 * Options of {@link createRuntime}.
 *
 * @example
 * ```ts
 * import type { RuntimeOptions } from '@sparse/core';
 *
 * const options: RuntimeOptions = { backend: 'auto', plugins: [], onWarning: console.warn };
 * ```
 */
export interface RuntimeOptions {
  /**
   * The backend to use: a name (`wasm`, `tensorflow`, `cpu`, or one a plugin adds) or `auto`.
   * When absent, the `SPARSE_BACKEND` environment variable decides, then `auto`: the
   * highest-priority backend that initialises.
   */
  readonly backend?: string;
  /** The plugins to load; a second plugin with an id already loaded is ignored. */
  readonly plugins?: readonly SparsePlugin[];
  /**
   * Whether to load core's own scorers, pruners and schedules (`sparseToolkit()`) by name.
   * Defaults to `true`; `false` gives a runtime with only what `plugins` provide.
   */
  readonly toolkit?: boolean;
  /** Where `SPARSE_BACKEND` is read from; defaults to `process.env` in Node. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Receives warnings (ignored duplicate plugins, backends skipped by `auto`). */
  readonly onWarning?: (message: string) => void;
}

/**
 * A loaded, frozen set of plugins with an active backend. Resolve implementations by name with
 * {@link SparseRuntime.create}; nothing can be bound after creation.
 *
 * @example
 * ```ts
 * import { createRuntime, Scorers } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.backend, runtime.names(Scorers));
 * ```
 */
export interface SparseRuntime {
  /** The active TensorFlow.js backend. */
  readonly backend: string;
  /** How the backend was chosen, and what was tried. */
  readonly backendSource: BackendRequestSource;
  /** Every backend tried, in order, with the reason of each failure. */
  readonly backendAttempts: readonly BackendAttempt[];
  /** The ids of the loaded plugins, in load order. */
  readonly pluginIds: readonly string[];
  /** Every named implementation, with the plugin that provided it. */
  readonly catalog: readonly CatalogEntry[];
  /**
   * Builds the implementation registered as `name`, passing it `options` (checked against its
   * declared schema first, defaults filled in).
   *
   * @throws SparseError `E_NOT_FOUND` for an unknown name, `E_CONFIG` for invalid options.
   */
  create<T>(kind: ImplementationKind<T>, name: string, options?: Readonly<Record<string, unknown>>): T;
  /**
   * Builds the implementation a config names (`"snip"` or `{ "name": "random", "seed": 3 }`); errors
   * name `field` (default: the kind).
   */
  resolve<T>(kind: ImplementationKind<T>, ref: ImplementationRef, field?: string): T;
  /** The catalog entry of a registered implementation (its plugin, options schema, summary). */
  describe<T>(kind: ImplementationKind<T>, name: string): CatalogEntry | undefined;
  /** Whether an implementation named `name` is registered. */
  has<T>(kind: ImplementationKind<T>, name: string): boolean;
  /** The registered names of a kind, sorted. */
  names<T>(kind: ImplementationKind<T>): readonly string[];
  /** Resolves a plain token a plugin bound once (not a named implementation). */
  get<T>(token: Token<T>): T;
  /** Resolves every value bound to a multi-bound token, in load order (empty when none). */
  getAll<T>(token: Token<T>): readonly T[];
}

/**
 * Loads plugins (deduplicated by id), checks that no two provide the same name, activates the
 * backend and returns a frozen {@link SparseRuntime}.
 *
 * Backend choice: the `backend` option, else `SPARSE_BACKEND`, else `auto`. A named backend
 * that cannot load fails with a `SparseError` (`E_BACKEND_UNAVAILABLE`) that says why and how
 * to fix it; `auto` moves on to the next backend by priority and ends at `cpu`.
 *
 * It also registers TensorFlow.js's gradient functions (see {@link registerGradients}), which
 * `@tensorflow/tfjs-core` alone does not, so training works in plain Node.
 *
 * TensorFlow.js keeps one active backend per process, so the last runtime created decides it.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { wasmBackend } from '@sparse/backend-wasm';
 *
 * const runtime = await createRuntime({ backend: 'auto', plugins: [wasmBackend()] });
 * console.log(runtime.backend); // 'wasm'
 * ```
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<SparseRuntime> {
  const warn = options.onWarning ?? ((message: string) => console.warn(`[@sparse/core] ${message}`));
  const builtIn = options.toolkit === false ? [cpuBackend()] : [cpuBackend(), sparseToolkit()];
  const plugins = deduplicatePlugins([...builtIn, ...(options.plugins ?? [])], builtIn.length, warn);
  const container = new Container();
  const catalog: CatalogEntry[] = [];
  for (const plugin of plugins) {
    await container.loadAsync(plugin.module);
    const entries = container.isBound(CoreTokens.Catalog) ? container.getAll<CatalogEntry>(CoreTokens.Catalog) : [];
    for (const entry of entries.slice(catalog.length)) {
      const clash = catalog.find((known) => known.kind === entry.kind && known.name === entry.name);
      if (clash !== undefined) {
        throw new SparseError(
          'E_PLUGIN',
          `Plugins '${clash.pluginId ?? '?'}' and '${plugin.id}' both provide a ${entry.kind} named '${entry.name}'; remove one or rename it.`,
          { field: 'plugins', received: [clash.pluginId, plugin.id] },
        );
      }
      catalog.push(Object.freeze({ ...entry, pluginId: plugin.id }));
    }
  }

  const providers = container.isBound(CoreTokens.Backend) ? container.getAll<BackendProvider>(CoreTokens.Backend) : [];
  const { requested, source } = backendRequest(options);
  const selection = await selectBackend(uniqueProviders(providers), requested, source);
  for (const attempt of selection.attempts) {
    if (!attempt.ok) warn(`Backend '${attempt.name}' skipped: ${attempt.reason ?? 'failed'}`);
  }
  await registerGradients();

  function build<T>(kind: ImplementationKind<T>, name: string, options: Readonly<Record<string, unknown>>, field: string): T {
    const schema = catalog.find((entry) => entry.kind === kind.kind && entry.name === name)?.options;
    let parsed = options;
    if (schema === undefined) {
      const extra = Object.keys(options);
      if (extra.length > 0) {
        throw new SparseError('E_CONFIG', `${field}.${extra[0] as string}: the ${kind.kind} '${name}' takes no options; allowed: (none).`, {
          field: `${field}.${extra[0] as string}`,
          received: extra[0],
          allowed: [],
        });
      }
    } else {
      const result = schema.strict().safeParse(options);
      if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, options, field.split('.'), schema));
      parsed = result.data;
    }
    const factory: ImplementationFactory<T> = container.get<ImplementationFactory<T>>(kind.token, { name });
    return factory(parsed);
  }

  const runtime: SparseRuntime = {
    backend: selection.name,
    backendSource: selection.source,
    backendAttempts: Object.freeze([...selection.attempts]),
    pluginIds: Object.freeze(plugins.map((plugin) => plugin.id)),
    catalog: Object.freeze(catalog),
    create<T>(kind: ImplementationKind<T>, name: string, implementationOptions: Readonly<Record<string, unknown>> = {}): T {
      if (!runtime.has(kind, name)) {
        const allowed = runtime.names(kind);
        throw new SparseError(
          'E_NOT_FOUND',
          `Unknown ${kind.kind} '${name}'; registered: ${allowed.length > 0 ? allowed.join(', ') : '(none: add the plugin that provides it)'}.`,
          { field: kind.kind, received: name, allowed },
        );
      }
      return build(kind, name, implementationOptions, kind.kind);
    },
    resolve<T>(kind: ImplementationKind<T>, ref: ImplementationRef, field: string = kind.kind): T {
      const name = refName(ref);
      if (!runtime.has(kind, name)) {
        const allowed = runtime.names(kind);
        const shown = name.length > 80 ? `${name.slice(0, 80)}… (${name.length} characters)` : name;
        throw new SparseError(
          'E_CONFIG',
          `${field}: unknown ${kind.kind} '${shown}'; registered: ${allowed.length > 0 ? allowed.join(', ') : '(none: add the plugin that provides it)'}.`,
          { field, received: name, allowed },
        );
      }
      return build(kind, name, refOptions(ref), field);
    },
    describe<T>(kind: ImplementationKind<T>, name: string): CatalogEntry | undefined {
      return catalog.find((entry) => entry.kind === kind.kind && entry.name === name);
    },
    has<T>(kind: ImplementationKind<T>, name: string): boolean {
      return catalog.some((entry) => entry.kind === kind.kind && entry.name === name);
    },
    names<T>(kind: ImplementationKind<T>): readonly string[] {
      return catalog.filter((entry) => entry.kind === kind.kind).map((entry) => entry.name).sort();
    },
    get<T>(token: Token<T>): T {
      if (!container.isBound(token)) {
        throw new SparseError('E_NOT_FOUND', `Nothing is bound to ${String(token)}; add the plugin that provides it.`, {
          field: 'token',
          received: String(token),
        });
      }
      return container.get<T>(token);
    },
    getAll<T>(token: Token<T>): readonly T[] {
      return container.isBound(token) ? container.getAll<T>(token) : [];
    },
  };
  return Object.freeze(runtime);
}

function deduplicatePlugins(plugins: readonly SparsePlugin[], offset: number, warn: (message: string) => void): SparsePlugin[] {
  const byId = new Map<string, SparsePlugin>();
  for (const [index, plugin] of plugins.entries()) {
    if (typeof plugin !== 'object' || plugin === null || typeof plugin.id !== 'string' || plugin.id === '' || plugin.module === undefined) {
      throw new SparseError(
        'E_PLUGIN',
        `plugins[${index - offset}] is not a plugin: expected { id: string, module: ContainerModule }, as returned by a plugin function such as wasmBackend().`,
        { field: `plugins[${index - offset}]` },
      );
    }
    if (byId.has(plugin.id)) {
      if (byId.get(plugin.id) !== plugin) warn(`Plugin '${plugin.id}' was given twice; the first one is used.`);
      continue;
    }
    byId.set(plugin.id, plugin);
  }
  return [...byId.values()];
}

function uniqueProviders(providers: readonly BackendProvider[]): BackendProvider[] {
  const byName = new Map<string, BackendProvider>();
  for (const provider of providers) if (!byName.has(provider.name)) byName.set(provider.name, provider);
  return [...byName.values()];
}

function backendRequest(options: RuntimeOptions): { requested: string; source: BackendRequestSource } {
  if (options.backend !== undefined && options.backend !== '') return { requested: options.backend, source: 'option' };
  const env = options.env ?? (typeof process === 'undefined' ? {} : process.env);
  const fromEnv = env['SPARSE_BACKEND'];
  if (fromEnv !== undefined && fromEnv !== '') return { requested: fromEnv, source: 'environment' };
  return { requested: 'auto', source: 'auto' };
}
