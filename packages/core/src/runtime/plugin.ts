import { echoValue } from './options-issues.js';
import { ContainerModule, type ContainerModuleLoadOptions } from 'inversify';
import type { BackendProvider } from '../contracts/backend-provider.js';
import { SparseError } from '../errors.js';
import { CoreTokens } from './core-tokens.js';
import type { ImplementationDetails, ImplementationFactory, ImplementationKind } from './implementation-kind.js';
import { z } from 'zod';

/**
 * A plugin: an id and an inversify `ContainerModule` that binds its implementations. Plugins
 * are made by functions that take one options object, so the same plugin can be configured
 * differently in two runtimes. A runtime loads each id once.
 *
 * @example
 * ```ts
 * import { ContainerModule } from 'inversify';
 * import type { SparsePlugin } from '@sparse/core';
 *
 * export const emptyPlugin = (_options: Record<string, never> = {}): SparsePlugin => ({
 *   id: '@my-org/empty',
 *   module: new ContainerModule(() => {}),
 * });
 * ```
 */
export interface SparsePlugin {
  /** Globally unique id, by convention the npm package name (plus `/feature` if it has several). */
  readonly id: string;
  /** The bindings the plugin contributes. */
  readonly module: ContainerModule;
}

/**
 * The registration helpers {@link definePlugin} hands to its callback, plus inversify's own
 * load options for anything else a plugin needs to bind.
 *
 * @example
 * ```ts
 * import { definePlugin, Scorers, type PluginRegistry } from '@sparse/core';
 *
 * const register = (registry: PluginRegistry): void => {
 *   registry.provide(Scorers, 'zero', () => ({ name: 'zero', requiresData: false, score: () => new Map() }));
 * };
 * const plugin = definePlugin('@my-org/zero', register);
 * ```
 */
export interface PluginRegistry {
  /**
   * Registers a named implementation of a kind (see {@link provideImplementation}); `details.options`
   * is its options' zod schema, checked before the factory runs.
   */
  provide<T>(kind: ImplementationKind<T>, name: string, factory: ImplementationFactory<T>, details?: ImplementationDetails): void;
  /** Registers a backend provider. */
  backend(provider: BackendProvider): void;
  /** inversify's load options, for bindings beyond named implementations. */
  readonly container: ContainerModuleLoadOptions;
}

const IMPLEMENTATION_NAME = /^[a-z0-9][a-z0-9._:-]*$/;

/**
 * Binds a named implementation inside a `ContainerModule`, and records it in the runtime's
 * catalog so listings and "not found" errors can name it.
 *
 * @param bind - the `bind` of the module's load options.
 * @param kind - which family it belongs to, e.g. {@link Scorers}.
 * @param name - lowercase name used in configs (`my-scorer`).
 * @param factory - builds the implementation from its options.
 * @param details - its options' zod schema (checked before the factory runs) and a one-line summary.
 *
 * @example
 * ```ts
 * import { ContainerModule } from 'inversify';
 * import { provideImplementation, Schedules } from '@sparse/core';
 *
 * const module = new ContainerModule(({ bind }) => {
 *   provideImplementation(bind, Schedules, 'never', () => ({
 *     name: 'never',
 *     sparsityAt: () => 0,
 *     isUpdateStep: () => false,
 *   }));
 * });
 * ```
 */
export function provideImplementation<T>(
  bind: ContainerModuleLoadOptions['bind'],
  kind: ImplementationKind<T>,
  name: string,
  factory: ImplementationFactory<T>,
  details: ImplementationDetails = {},
): void {
  if (!IMPLEMENTATION_NAME.test(name)) {
    throw new SparseError(
      'E_PLUGIN',
      `A ${kind.kind} name must be lowercase letters, digits, '.', '_', ':' or '-', starting with a letter or digit; got ${echoValue(name)}.`,
      { field: 'name', received: name, allowed: IMPLEMENTATION_NAME.source },
    );
  }
  if (typeof factory !== 'function') {
    throw new SparseError('E_PLUGIN', `The ${kind.kind} '${name}' must be registered with a factory function.`, {
      field: 'factory',
    });
  }
  if (details.options !== undefined && !(details.options instanceof z.ZodObject)) {
    throw new SparseError('E_PLUGIN', `The ${kind.kind} '${name}' must declare its options as a zod object (z.object({...})).`, {
      field: 'options',
    });
  }
  bind(kind.token).toConstantValue(factory).whenNamed(name);
  bind(CoreTokens.Catalog).toConstantValue({
    kind: kind.kind,
    name,
    ...(details.options === undefined ? {} : { options: details.options }),
    ...(details.summary === undefined ? {} : { summary: details.summary }),
  });
}

/**
 * Builds a {@link SparsePlugin} from an id and a registration callback, the shortest way to
 * write one.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { definePlugin, Scorers } from '@sparse/core';
 *
 * export const squaredMagnitude = (options: { power?: number } = {}) =>
 *   definePlugin('@my-org/squared-magnitude', (registry) => {
 *     registry.provide(Scorers, 'squared-magnitude', () => ({
 *       name: 'squared-magnitude',
 *       requiresData: false,
 *       score: ({ parameters }) =>
 *         new Map(parameters.map((p) => [p.name, tf.pow(tf.abs(p.variable), options.power ?? 2)])),
 *     }));
 *   });
 * ```
 */
export function definePlugin(id: string, register: (registry: PluginRegistry) => void): SparsePlugin {
  return Object.freeze({
    id,
    module: new ContainerModule((container) => {
      register({
        container,
        provide: (kind, name, factory, details) => provideImplementation(container.bind, kind, name, factory, details),
        backend: (provider) => {
          container.bind(CoreTokens.Backend).toConstantValue(provider);
        },
      });
    }),
  });
}
