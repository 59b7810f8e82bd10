import { resolve } from 'node:path';
import { SparseError, isSparseError } from '@sparse/core';
import {
  configHash,
  prepareExperiment,
  runDirectoryName,
  type BuiltInPlugin,
  type ExperimentContext,
  type PluginSpec,
  type PreparedExperiment,
} from '@sparse/experiments';
import { describeRun, expandSweep, type ExpandedRun } from './expand.js';
import { sweepReportSchema, type LoadedSweep, type SweepReportSpec } from './sweep-config.js';

/**
 * One run of a sweep, checked in full: its run directory name (`<name>-<config hash>`, the one
 * `sparse run` would use), its validated config and what runs it.
 *
 * @example
 * ```ts
 * import type { PreparedRun } from '@sparse/sweep';
 *
 * declare const run: PreparedRun;
 * console.log(run.id, run.prepared.kind.name);
 * ```
 */
export interface PreparedRun extends ExpandedRun {
  /** The run directory's name, `<name>-<12 hex digits of the config hash>`. */
  readonly id: string;
  /** The grid values and seed as a label (`scorer=random seed=1`). */
  readonly label: string;
  /** The validated config (defaults filled in). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Runtime, kind and plugins of the run. */
  readonly prepared: PreparedExperiment;
}

/**
 * A sweep whose every run passed the checks: ready to run locally or to enqueue.
 *
 * @example
 * ```ts
 * import type { PreparedSweep } from '@sparse/sweep';
 *
 * declare const sweep: PreparedSweep;
 * console.log(sweep.id, sweep.runs.length);
 * ```
 */
export interface PreparedSweep {
  /** The sweep file and its base config. */
  readonly loaded: LoadedSweep;
  /** The sweep's folder name under the runs root: `<name>.sweep-<hash>`. */
  readonly id: string;
  /** The runs, in sweep order. */
  readonly runs: readonly PreparedRun[];
  /** What the sweep report shows. */
  readonly report: SweepReportSpec;
  /** The folder holding run directories (absolute). */
  readonly runsRoot: string;
  /** The working directory. */
  readonly cwd: string;
}

/**
 * Options of {@link prepareSweep}.
 *
 * @example
 * ```ts
 * import type { PrepareSweepOptions } from '@sparse/sweep';
 *
 * declare const loaded: PrepareSweepOptions['loaded'];
 * const options: PrepareSweepOptions = { loaded, cwd: process.cwd(), runsRoot: '.runs' };
 * ```
 */
export interface PrepareSweepOptions {
  /** The sweep as read by `loadSweepFile`. */
  readonly loaded: LoadedSweep;
  /** The working directory. */
  readonly cwd: string;
  /** The folder holding run directories (relative to `cwd`). */
  readonly runsRoot: string;
  /** Plugins every config gets (the command's backends and families). */
  readonly builtIns?: readonly BuiltInPlugin[];
  /** More plugins (`--plugin SPEC`). */
  readonly extraPlugins?: readonly PluginSpec[];
  /** Receives the runtimes' warnings (each distinct one once). */
  readonly onWarning?: (message: string) => void;
}

const LTH_REPORT: SweepReportSpec = {
  rows: 'summaries',
  where: { branch: 'ticket' },
  metrics: ['remaining', 'testAccuracyAtEarlyStop', 'earlyStopIteration'],
  x: 'remaining',
  y: 'testAccuracyAtEarlyStop',
  xScale: 'log',
};

function defaultReport(kind: string): SweepReportSpec {
  return kind === 'lth' ? LTH_REPORT : sweepReportSchema.parse({});
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Expands a sweep and checks every run in full before any work: each expanded config against its
 * kind (plugins loaded, implementation names and options included), then the kind's own checks.
 * All problems are reported at once, each with the run's grid values; two runs with the same
 * config are refused.
 *
 * @throws SparseError `E_CONFIG` (naming the runs and fields), `E_PLUGIN`.
 *
 * @example
 * ```ts
 * import { loadSweepFile, prepareSweep } from '@sparse/sweep';
 *
 * const loaded = await loadSweepFile('examples/sweeps/lth-rates-quick.json', process.cwd());
 * const sweep = await prepareSweep({ loaded, cwd: process.cwd(), runsRoot: '.runs' });
 * console.log(sweep.runs.map((run) => run.id));
 * ```
 */
export async function prepareSweep(options: PrepareSweepOptions): Promise<PreparedSweep> {
  const { loaded, cwd } = options;
  const runsRoot = resolve(cwd, options.runsRoot);
  const expanded = expandSweep(loaded.sweep, loaded.base);
  const warnings = new Set<string>();
  const problems: string[] = [];
  let firstError: SparseError | undefined;
  const runs: PreparedRun[] = [];
  const seen = new Map<string, string>();
  for (const run of expanded) {
    const label = describeRun(run);
    try {
      const prepared = await prepareExperiment({
        raw: run.raw,
        source: loaded.baseSource,
        cwd,
        ...(options.builtIns === undefined ? {} : { builtIns: options.builtIns }),
        ...(options.extraPlugins === undefined ? {} : { extraPlugins: options.extraPlugins }),
        onWarning: (text) => {
          if (warnings.has(text)) return;
          warnings.add(text);
          options.onWarning?.(text);
        },
      });
      const name = prepared.config['name'];
      if (typeof name !== 'string') throw new SparseError('E_CONFIG', 'name: the config needs a "name" (its run directory is <name>-<config hash>).', { field: 'name' });
      const id = runDirectoryName(name, prepared.config);
      const context: ExperimentContext = { runtime: prepared.runtime, plugins: prepared.plugins, configPath: loaded.baseSource, cwd, runsRoot, log: () => undefined };
      await prepared.kind.check?.(prepared.config, context);
      const twin = seen.get(id);
      if (twin !== undefined) throw new SparseError('E_CONFIG', `it is the same config as run ${twin} (run directory ${id}); remove the repeated grid value.`, { field: 'grid', received: label });
      seen.set(id, `${run.index + 1} (${label})`);
      runs.push({ ...run, id, label, config: prepared.config, prepared });
    } catch (error) {
      if (!isSparseError(error)) throw error;
      firstError ??= error;
      problems.push(`run ${run.index + 1} of ${expanded.length} (${label}): ${message(error).replace(/\n/g, '\n    ')}`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`and ${problems.length - shown.length} more runs`);
    const code = firstError?.code === 'E_PLUGIN' ? 'E_PLUGIN' : 'E_CONFIG';
    throw new SparseError(code, `The sweep ${loaded.sweep.name} has ${problems.length} invalid run${problems.length === 1 ? '' : 's'}; nothing was run:\n  ${shown.join('\n  ')}`, { field: firstError?.details.field ?? 'grid' }, { cause: firstError });
  }
  const kind = runs[0]?.prepared.kind.name ?? 'unknown';
  const report = loaded.sweep.report ?? defaultReport(kind);
  const id = `${loaded.sweep.name}.sweep-${configHash({ runs: runs.map((run) => run.id), report } as never).slice(0, 12)}`;
  return { loaded, id, runs, report, runsRoot, cwd };
}
