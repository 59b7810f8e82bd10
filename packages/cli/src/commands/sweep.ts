import { echoValue } from '@sparse/core';
import { loadSweepFile, parseQueueUrl, prepareSweep, runSweepLocally, runSweepOnQueue, type SweepOutcome } from '@sparse/sweep';
import type { CliCommand } from '../command.js';
import { EXIT_FAILURE } from '../command.js';
import type { CliIo } from '../io.js';
import { echoArgument } from '../args/echo-argument.js';
import { parseCommandArgs } from '../args/command-args.js';
import { builtInPlugins } from '../plugins/built-in-plugins.js';
import { answerHelpOrUsageError, answerMissingFile } from '../args/early-answer.js';

const USAGE = 'sparse sweep SWEEP.json [--runs DIR] [--parallel N] [--queue redis://HOST:PORT/N [--attempts N] [--backoff-ms MS]] [--plugin SPEC]...';

const HELP = `Usage: ${USAGE}

Runs a sweep: a base experiment config of any kind ("base": a path relative to the sweep file, or
the config itself), a "grid" of field paths to the values each takes (e.g. "rates.default":
[0.2, 0.5], "scorer": ["magnitude", "random"]) and "seeds" (each run gets one). Every combination
is one run, in the run directory sparse run would make for that config (DIR/<name>-<config hash>),
so a sweep resumes, and shares finished runs with single runs. Every expanded config is checked
in full (plugins, names, options) before anything runs. Examples: examples/sweeps/*.json.

Without --queue, runs go on this machine, --parallel at a time (each kind uses worker threads as
in sparse run). With --queue, each run is a unit on a BullMQ queue in Redis: start
'sparse worker --queue URL' on any number of machines; this command enqueues the units, waits,
assembles each finished unit's run directory from Redis, and prints units done / running /
failed per worker. Stop it at any time: running it again enqueues nothing twice and collects
what finished meanwhile. A unit is tried --attempts times; one that fails every time is reported
with its error and the rest go on.

The sweep report (HTML and Markdown, with a plot) goes to DIR/<sweep name>.sweep-<hash>/.

Options:
  --runs DIR        The folder holding run directories (default .runs).
  --parallel N      Runs at a time on this machine (default: available cores). Without --queue.
  --queue URL       redis://HOST:PORT/N: run the units on 'sparse worker' processes.
  --attempts N      Tries per unit with --queue (default 3).
  --backoff-ms MS   First retry delay with --queue, doubled each retry (default 2000).
  --plugin SPEC     Load a plugin first (package name or path). Repeatable. Workers need it too.
  -h, --help        Show this help.

Exit codes: 0 every run done; 2 the command line or the sweep is wrong (nothing ran);
1 a run failed (the others finished) or anything else.
`;

interface SweepArgs {
  readonly sweep: string;
  readonly runs: string;
  readonly plugins: readonly string[];
  readonly queue?: string;
  readonly parallel?: number;
  readonly attempts: number;
  readonly backoffMs: number;
}

function positiveInteger(text: string | undefined, flag: string, max: number): number | { error: string } | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) return { error: `${flag} ${echoValue(text)} is not a whole number from 1 to ${max}` };
  return value;
}

function parseArgs(argv: readonly string[]): SweepArgs | { help: true } | { error: string } {
  const parsed = parseCommandArgs(argv, { runs: {}, plugin: { repeatable: true }, queue: {}, parallel: {}, attempts: {}, 'backoff-ms': {} });
  if ('error' in parsed) return parsed;
  if (parsed.help) return { help: true };
  const [sweep, ...extra] = parsed.positionals;
  if (sweep === undefined) return { error: 'missing SWEEP.json (e.g. examples/sweeps/lth-rates-quick.json)' };
  if (extra.length > 0) return { error: `unexpected argument ${echoArgument(extra[0] ?? '')}; give one SWEEP.json` };
  const parallel = positiveInteger(parsed.values['parallel']?.[0], '--parallel', 256);
  const attempts = positiveInteger(parsed.values['attempts']?.[0], '--attempts', 100);
  const backoff = positiveInteger(parsed.values['backoff-ms']?.[0], '--backoff-ms', 3_600_000);
  for (const value of [parallel, attempts, backoff]) if (typeof value === 'object') return value;
  const queue = parsed.values['queue']?.[0];
  if (queue === undefined && (attempts !== undefined || backoff !== undefined)) return { error: '--attempts and --backoff-ms need --queue' };
  if (queue !== undefined && parallel !== undefined) return { error: '--parallel is for local sweeps; with --queue, start more workers instead' };
  return {
    sweep,
    runs: parsed.values['runs']?.[0] ?? '.runs',
    plugins: parsed.values['plugin'] ?? [],
    ...(queue === undefined ? {} : { queue }),
    ...(typeof parallel === 'number' ? { parallel } : {}),
    attempts: typeof attempts === 'number' ? attempts : 3,
    backoffMs: typeof backoff === 'number' ? backoff : 2000,
  };
}

function summary(outcome: SweepOutcome): string {
  const done = outcome.statuses.filter((run) => run.status === 'done').length;
  const failed = outcome.statuses.filter((run) => run.status === 'failed');
  const lines = [`\n${done} of ${outcome.statuses.length} runs done, ${failed.length} failed.`];
  for (const run of failed) lines.push(`  failed ${run.id}: ${run.error ?? 'unknown error'}`);
  lines.push(`Report: ${outcome.reportPath}`, `Results page: ${outcome.markdownPath}`, '');
  return lines.join('\n');
}

/**
 * `sparse sweep SWEEP.json`: a base config times grid axes and seeds, run on this machine or
 * through BullMQ on Redis (`--queue`), with a sweep report (see its `--help`).
 *
 * @example
 * ```ts
 * import { sweepCommand, nodeIo } from '@sparse/cli';
 *
 * const code = await sweepCommand.run(['examples/sweeps/lth-rates-quick.json'], nodeIo());
 * ```
 */
export const sweepCommand: CliCommand = {
  name: 'sweep',
  summary: 'Run a sweep (a base config × grid values × seeds) here, or on many machines with --queue redis://…',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseArgs(argv);
    if ('help' in args || 'error' in args) return answerHelpOrUsageError(sweepCommand, args, io);
    const missing = answerMissingFile(sweepCommand, 'sweep file', args.sweep, io);
    if (missing !== undefined) return missing;
    const address = args.queue === undefined ? undefined : parseQueueUrl(args.queue);
    const loaded = await loadSweepFile(args.sweep, io.cwd);
    const sweep = await prepareSweep({
      loaded,
      cwd: io.cwd,
      runsRoot: args.runs,
      builtIns: builtInPlugins(),
      extraPlugins: args.plugins,
      onWarning: (message) => io.stderr(`warning: ${message}\n`),
    });
    const log = (text: string): void => io.stdout(text);
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    try {
      const outcome = address === undefined
        ? await runSweepLocally(sweep, { log, signal: controller.signal, ...(args.parallel === undefined ? {} : { parallel: args.parallel }) })
        : (await runSweepOnQueue(sweep, { address, log, attempts: args.attempts, backoffMs: args.backoffMs, signal: controller.signal })).outcome;
      io.stdout(summary(outcome));
      return outcome.statuses.every((run) => run.status === 'done') ? 0 : EXIT_FAILURE;
    } finally {
      process.off('SIGINT', stop);
    }
  },
};
