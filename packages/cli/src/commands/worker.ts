import { echoValue } from '@sparse/core';
import { resolve } from 'node:path';
import { parseQueueUrl, startSweepWorker } from '@sparse/sweep';
import type { CliCommand } from '../command.js';
import { EXIT_USAGE } from '../command.js';
import type { CliIo } from '../io.js';
import { echoArgument } from '../args/echo-argument.js';
import { parseCommandArgs } from '../args/command-args.js';
import { builtInPlugins } from '../plugins/built-in-plugins.js';

const USAGE = 'sparse worker --queue redis://HOST:PORT/N [--name NAME] [--scratch DIR] [--lock-ms MS] [--plugin SPEC]...';

const HELP = `Usage: ${USAGE}

Takes the units of sweeps ('sparse sweep SWEEP.json --queue URL', from any machine) from the BullMQ
queue in Redis and runs them, one at a time, until stopped (Ctrl-C or SIGTERM: it finishes the
unit in hand first). Each unit is one run of a sweep; it runs in DIR/runs/<run directory>, then
its files go back to the coordinator through Redis in 1 MiB chunks and the local copy is
deleted. Start as many workers as you like, on as many machines: each needs this checkout's
version of @sparse, the data the configs name and the plugins they load.

If a worker dies mid-unit, its unit goes back to the queue once its lock expires (--lock-ms) and
another worker runs it (a worker on the same machine with the same --scratch resumes it from its
last checkpoint).

Options:
  --queue URL     redis://HOST:PORT/N (required).
  --name NAME     The name progress lines give this worker (default <host>-<pid>).
  --scratch DIR   Where units run (default <tmp>/sparse-worker).
  --lock-ms MS    A unit's lock, renewed while it runs; a dead worker's unit is taken back after
                  about this long (default 30000).
  --plugin SPEC   Load a plugin first (package name or path). Repeatable.
  -h, --help      Show this help.

Exit codes: 0 stopped by a signal; 2 the command line is wrong; 1 anything else.
`;

/**
 * `sparse worker --queue URL`: runs sweep units from a BullMQ queue until stopped (see its `--help`).
 *
 * @example
 * ```ts
 * import { workerCommand, nodeIo } from '@sparse/cli';
 *
 * const code = await workerCommand.run(['--queue', 'redis://127.0.0.1:6379/0'], nodeIo());
 * ```
 */
export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'Run sweep units from a Redis queue (sparse sweep --queue) until stopped.',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(argv, { queue: {}, name: {}, scratch: {}, 'lock-ms': {}, plugin: { repeatable: true } });
    if ('error' in parsed) {
      io.stderr(`sparse worker: ${parsed.error}.\nUsage: ${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const fail = (text: string): number => {
      io.stderr(`sparse worker: ${text}.\nUsage: ${USAGE}\n`);
      return EXIT_USAGE;
    };
    if (parsed.positionals.length > 0) return fail(`unexpected argument ${echoArgument(parsed.positionals[0] ?? '')}`);
    const queue = parsed.values['queue']?.[0];
    if (queue === undefined) return fail('missing --queue redis://HOST:PORT/N');
    const lockText = parsed.values['lock-ms']?.[0];
    const lockMs = lockText === undefined ? undefined : Number(lockText);
    if (lockMs !== undefined && (!Number.isInteger(lockMs) || lockMs < 1000 || lockMs > 3_600_000)) return fail(`--lock-ms ${echoValue(lockText)} is not a whole number from 1000 to 3600000`);
    const name = parsed.values['name']?.[0];
    const scratch = parsed.values['scratch']?.[0];
    const address = parseQueueUrl(queue);
    const worker = startSweepWorker({
      address,
      builtIns: builtInPlugins(),
      extraPlugins: parsed.values['plugin'] ?? [],
      log: (text) => io.stdout(text),
      ...(name === undefined ? {} : { name }),
      ...(scratch === undefined ? {} : { scratch: resolve(io.cwd, scratch) }),
      ...(lockMs === undefined ? {} : { lockMs }),
    });
    io.stdout(`${worker.name}: waiting for units on ${address.host}:${address.port}/${address.db}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stdout(`${worker.name}: stopping after the unit in hand\n`);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await worker.close();
    return 0;
  },
};
