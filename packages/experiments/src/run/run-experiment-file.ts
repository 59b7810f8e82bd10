import { resolve } from 'node:path';
import { readConfigFile } from '../config/load-config.js';
import { prepareExperiment, type BuiltInPlugin } from '../config/experiment-config.js';
import type { ExperimentContext, ExperimentOutcome } from '../kinds/experiment-kind.js';
import type { PluginSpec } from '../plugins/plugin-spec.js';
import type { ProgressStream } from '../progress/progress-bar.js';
import { currentLoad, describeThisMachine, recordRunTiming } from './run-timing.js';

/**
 * Options of {@link runExperimentFile}.
 *
 * @example
 * ```ts
 * import type { RunExperimentFileOptions } from '@sparse/experiments';
 *
 * const options: RunExperimentFileOptions = { path: 'examples/lth/lenet-fashion-mnist-quick.json', runsRoot: '.runs' };
 * ```
 */
export interface RunExperimentFileOptions {
  /** The config file (`.json`, or a module whose default export is the config). */
  readonly path: string;
  /** The folder holding run directories (default `.runs`, relative to `cwd`). */
  readonly runsRoot?: string;
  /** The working directory (default `process.cwd()`). */
  readonly cwd?: string;
  /** Plugins every config gets (the command's backends and families). */
  readonly builtIns?: readonly BuiltInPlugin[];
  /** More plugins named by the command (`--plugin SPEC`). */
  readonly extraPlugins?: readonly PluginSpec[];
  /** Receives the lines meant for the terminal. Default: `process.stdout`. */
  readonly log?: (text: string) => void;
  /** Where progress bars go. Default `process.stderr`. */
  readonly progress?: ProgressStream;
  /** Cancels the run (it stays resumable). */
  readonly signal?: AbortSignal;
  /** Modules each worker thread imports first (tests load TypeScript sources this way). */
  readonly preload?: readonly (string | URL)[];
}

/**
 * What `sparse run CONFIG` does, for any experiment kind: reads the config, loads the plugins it
 * and the command name, checks every field against the kind (before anything is written), runs
 * the kind's own checks, then runs or resumes it in its hash-named run directory.
 *
 * @throws SparseError `E_IO` (unreadable config), `E_CONFIG` (a field, naming it and the allowed
 * values), `E_PLUGIN` (a plugin that cannot load).
 *
 * A run that finishes appends its wall time, the load before and after, and the machine to
 * `timing.jsonl` in its run directory ({@link recordRunTiming}).
 *
 * @example
 * ```ts
 * import { runExperimentFile } from '@sparse/experiments';
 *
 * const outcome = await runExperimentFile({ path: 'my-experiment.json', runsRoot: '.runs' });
 * console.log(outcome.reportPath);
 * ```
 */
export async function runExperimentFile(options: RunExperimentFileOptions): Promise<ExperimentOutcome> {
  const startedAt = new Date();
  const loadBefore = currentLoad();
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, options.path);
  const raw = await readConfigFile(path);
  const log = options.log ?? ((text: string) => void process.stdout.write(text));
  const prepared = await prepareExperiment({
    raw,
    source: path,
    cwd,
    ...(options.builtIns === undefined ? {} : { builtIns: options.builtIns }),
    ...(options.extraPlugins === undefined ? {} : { extraPlugins: options.extraPlugins }),
    onWarning: (message) => log(`warning: ${message}\n`),
  });
  const context: ExperimentContext = {
    runtime: prepared.runtime,
    plugins: prepared.plugins,
    configPath: path,
    cwd,
    runsRoot: resolve(cwd, options.runsRoot ?? '.runs'),
    log,
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.preload === undefined ? {} : { preload: options.preload }),
  };
  await prepared.kind.check?.(prepared.config, context);
  const outcome = await prepared.kind.run(prepared.config, context);
  const finishedAt = new Date();
  await recordRunTiming(outcome.runPath, {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    resumed: outcome.resumed,
    loadBefore,
    loadAfter: currentLoad(),
    machine: describeThisMachine(),
  });
  return outcome;
}
