import { runExperimentFile } from '@sparse/experiments';
import type { CliCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { echoArgument } from '../args/echo-argument.js';
import { parseCommandArgs } from '../args/command-args.js';
import { builtInPlugins } from '../plugins/built-in-plugins.js';
import { answerHelpOrUsageError, answerMissingFile } from '../args/early-answer.js';

const USAGE = 'sparse run CONFIG [--runs DIR] [--plugin SPEC]...';

const HELP = `Usage: ${USAGE}

Runs the experiment described by CONFIG (a .json file, or a .js/.ts module with a default export).
Its "kind" says which: lth (lottery tickets), group-envelope (k-level structured sparsity),
activation (CATS / CHESS / top-k thresholds), delta (DARE / DAREx delta pruning),
sparse-training (RigL, SET, static random, IMP, random search, N:M with gradient flow) or
pretrained-masks (Lottery Jackpots, essential sparsity), or a kind a plugin adds. Examples: examples/<kind>/*.json. Every field, the implementations it names and
their options are checked before anything is written; an invalid one is reported with its name,
the value and the allowed values.

The run lives in DIR/<name>-<config hash> (default DIR: .runs in the working directory):
config.json, metrics, checkpoints, results, report.html. Running the same config again resumes an
interrupted run from its last checkpoint (the result is bit-identical to an uninterrupted run)
or reprints a finished one.

Options:
  --runs DIR       The folder holding run directories (default .runs).
  --plugin SPEC    Load a plugin first: a package name or a path (relative to the working
                   directory) whose default export is a plugin factory. Repeatable. A config
                   names its own plugins in "plugins" (paths relative to the config's folder).
  -h, --help       Show this help.

Exit codes: 0 done; 2 the command line or the config is wrong; 1 anything else.
`;

interface RunArgs {
  readonly config: string;
  readonly runs: string;
  readonly plugins: readonly string[];
}

function parseArgs(argv: readonly string[]): RunArgs | { help: true } | { error: string } {
  const parsed = parseCommandArgs(argv, { runs: {}, plugin: { repeatable: true } });
  if ('error' in parsed) return parsed;
  if (parsed.help) return { help: true };
  const [config, ...extra] = parsed.positionals;
  if (config === undefined) return { error: 'missing CONFIG (e.g. examples/lth/lenet-fashion-mnist-quick.json)' };
  if (extra.length > 0) return { error: `unexpected argument ${echoArgument(extra[0] ?? '')}; give one CONFIG` };
  return { config, runs: parsed.values['runs']?.[0] ?? '.runs', plugins: parsed.values['plugin'] ?? [] };
}

/**
 * `sparse run CONFIG`: runs an experiment config of any registered kind with a progress bar,
 * prints the results table and writes the reports (see its `--help`).
 *
 * @example
 * ```ts
 * import { runCommand, nodeIo } from '@sparse/cli';
 *
 * const code = await runCommand.run(['examples/lth/lenet-fashion-mnist-quick.json'], nodeIo());
 * ```
 */
export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run an experiment config of any kind (lth, group-envelope, activation, delta, sparse-training, pretrained-masks): progress, results, reports.',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseArgs(argv);
    if ('help' in args || 'error' in args) return answerHelpOrUsageError(runCommand, args, io);
    const missing = answerMissingFile(runCommand, 'config file', args.config, io);
    if (missing !== undefined) return missing;
    await runExperimentFile({
      path: args.config,
      cwd: io.cwd,
      runsRoot: args.runs,
      builtIns: builtInPlugins(),
      extraPlugins: args.plugins,
      log: (text) => io.stdout(text),
      progress: { write: (chunk: string) => io.stderr(chunk), isTTY: process.stderr.isTTY === true, columns: process.stderr.columns ?? 100 },
    });
    return 0;
  },
};
