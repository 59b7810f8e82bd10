import { isAbsolute, resolve } from 'node:path';
import { loadLthConfig, runLthExperiment } from '@sparse/lth';
import type { CliCommand } from '../command.js';
import { EXIT_USAGE } from '../command.js';
import type { CliIo } from '../io.js';

const USAGE = 'sparse run CONFIG [--runs DIR]';

const HELP = `Usage: ${USAGE}

Runs the experiment described by CONFIG (a .json file, or a .js/.ts module with a default export),
for example examples/lth/lenet-fashion-mnist-quick.json. Every field is checked before training
starts; an invalid one is reported with its name and the allowed values.

The run lives in DIR/<name>-<config hash> (default DIR: .runs in the working directory):
config.json, metrics.jsonl, masks per level, checkpoints, results.json, summary.json and
report.html. Running the same config again resumes an interrupted run from its last checkpoint
(the result is bit-identical to an uninterrupted run) or reprints a finished one.

Options:
  --runs DIR     The folder holding run directories (default .runs).
  -h, --help     Show this help.

Experiments: lottery tickets (@sparse/lth): iterative magnitude pruning with the ticket, random
re-initialisation, random pruning and one-shot branches; replicates run in parallel workers.
A relative dataset.dir is resolved against the working directory, then the config's folder.

Exit codes: 0 done; 2 the command line or the config is wrong; 1 anything else.
`;

function parseArgs(argv: readonly string[]): { config: string; runs: string } | { help: true } | { error: string } {
  let config: string | undefined;
  let runs = '.runs';
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--runs') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) return { error: '--runs needs a folder' };
      runs = value;
      i += 1;
    } else if (arg.startsWith('-')) return { error: `unknown option ${arg}; allowed: --runs, --help` };
    else if (config === undefined) config = arg;
    else return { error: `unexpected argument ${JSON.stringify(arg)}; give one CONFIG` };
  }
  return config === undefined ? { error: 'missing CONFIG (e.g. examples/lth/lenet-fashion-mnist-quick.json)' } : { config, runs };
}

/**
 * `sparse run CONFIG`: runs an experiment config (today: lottery tickets, `@sparse/lth`) with a
 * progress bar, prints the results table and writes the HTML report (see its `--help`).
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
  summary: 'Run an experiment config (lottery tickets): progress, results table, HTML report.',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseArgs(argv);
    if ('help' in args) {
      io.stdout(HELP);
      return 0;
    }
    if ('error' in args) {
      io.stderr(`sparse run: ${args.error}.\nUsage: ${USAGE}\n`);
      return EXIT_USAGE;
    }
    const path = isAbsolute(args.config) ? args.config : resolve(io.cwd, args.config);
    const config = await loadLthConfig(path);
    await runLthExperiment({
      config,
      configPath: path,
      cwd: io.cwd,
      runsRoot: args.runs,
      log: (text) => io.stdout(text),
      progress: { write: (chunk: string) => io.stderr(chunk), isTTY: process.stderr.isTTY === true, columns: process.stderr.columns ?? 100 },
    });
    return 0;
  },
};
