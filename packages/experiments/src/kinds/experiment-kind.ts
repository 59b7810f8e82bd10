import type { z } from 'zod';
import { defineImplementationKind, type ImplementationRefs, type SparseRuntime } from '@sparse/core';
import type { ProgressStream } from '../progress/progress-bar.js';
import type { ResolvedPluginSpec } from '../plugins/plugin-spec.js';

/**
 * What an experiment kind's `check` and `run` receive besides the config: the runtime every name
 * resolves through, the plugins (as module specifiers, for worker threads to load the same ones),
 * and where to write.
 *
 * @example
 * ```ts
 * import type { ExperimentContext } from '@sparse/experiments';
 *
 * function describe(context: ExperimentContext): string {
 *   return `${context.runtime.backend}, runs in ${context.runsRoot}`;
 * }
 * ```
 */
export interface ExperimentContext {
  /** The runtime built from the config's plugins (and the command's): names resolve here. */
  readonly runtime: SparseRuntime;
  /** The same plugins as loadable module specifiers, for worker threads ({@link createRuntimeFromSpecs}). */
  readonly plugins: readonly ResolvedPluginSpec[];
  /** The config file, when the config came from one (relative data paths are tried against its folder). */
  readonly configPath?: string;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /** The absolute folder holding run directories (`<runsRoot>/<name>-<config hash>`). */
  readonly runsRoot: string;
  /** Receives the lines meant for the terminal (run directory, results table, report path). */
  readonly log: (text: string) => void;
  /** Where progress bars go (default `process.stderr`). */
  readonly progress?: ProgressStream;
  /** Cancels the run; it stays resumable. */
  readonly signal?: AbortSignal;
  /** Modules each worker thread imports first (tests use it to load TypeScript sources). */
  readonly preload?: readonly (string | URL)[];
}

/**
 * What a finished experiment run reports back to `sparse run`.
 *
 * @example
 * ```ts
 * import type { ExperimentOutcome } from '@sparse/experiments';
 *
 * const outcome: ExperimentOutcome = { runPath: '.runs/x-abc', reportPath: '.runs/x-abc/report.html', table: '…', resumed: false };
 * ```
 */
export interface ExperimentOutcome {
  /** The run directory. */
  readonly runPath: string;
  /** The HTML report in it. */
  readonly reportPath: string;
  /** The results page in Markdown, when the kind writes one. */
  readonly markdownPath?: string;
  /** The results table as printed. */
  readonly table: string;
  /** Whether the run directory held an earlier (interrupted or finished) run of this config. */
  readonly resumed: boolean;
}

/**
 * An experiment kind: a family's runnable experiment, named in a config by `"kind"`. Its config
 * schema is built from the runtime's name tables (`refs.of(Scorers)`), so a config that names a
 * plugin's implementation is checked in full, options included, before any work.
 *
 * @typeParam C - the validated config.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import type { ExperimentKind } from '@sparse/experiments';
 *
 * const echo: ExperimentKind<{ name: string }> = {
 *   name: 'echo',
 *   summary: 'prints its name',
 *   schema: () => z.object({ name: z.string() }),
 *   run: async (config, context) => {
 *     context.log(config.name);
 *     return { runPath: context.runsRoot, reportPath: '', table: config.name, resumed: false };
 *   },
 * };
 * ```
 */
export interface ExperimentKind<C = unknown> {
  /** The `"kind"` a config names it by. */
  readonly name: string;
  /** One line on what it runs, for help and listings. */
  readonly summary: string;
  /**
   * The schema of the kind's own fields (`kind`, `plugins`, `backend` and `$schema` are added by
   * the runner); build fields that name implementations with `refs.of(Kind)`.
   */
  schema(refs: ImplementationRefs): z.ZodObject;
  /**
   * Checks what a schema cannot (data present, sizes within memory, engine fits the model), before
   * anything is written; throws a `SparseError` naming the field.
   */
  check?(config: C, context: ExperimentContext): Promise<void> | void;
  /** Runs (or resumes) the experiment: run directory, progress, results table, reports. */
  run(config: C, context: ExperimentContext): Promise<ExperimentOutcome>;
}

/**
 * The experiment kinds, resolved by the `"kind"` of a config (`lth`, `group-envelope`,
 * `activation`, `delta`, or a plugin's own).
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { ExperimentKinds } from '@sparse/experiments';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(runtime.names(ExperimentKinds)); // [] until a family plugin is loaded
 * ```
 */
export const ExperimentKinds = defineImplementationKind<ExperimentKind>('experiment kind', '@sparse/experiments/ExperimentKind');
