import { echoValue } from '@sparse/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import type { CliIo } from '../io.js';

/** What a command's argument parser returns before the arguments themselves: a request for help, or the usage error. */
export type HelpOrUsageError = { readonly help: true } | { readonly error: string };

/**
 * The first answer of a command whose arguments asked for `--help` (its help, exit 0) or were
 * wrong (one line naming the problem and the synopsis, {@link EXIT_USAGE}).
 *
 * @example
 * ```ts
 * const args = parseArgs(argv);
 * if ('help' in args || 'error' in args) return answerHelpOrUsageError(runCommand, args, io);
 * ```
 */
export function answerHelpOrUsageError(command: Pick<CliCommand, 'name' | 'usage' | 'help'>, args: HelpOrUsageError, io: CliIo): number {
  if ('help' in args) {
    io.stdout(command.help);
    return 0;
  }
  io.stderr(`sparse ${command.name}: ${args.error}.\nUsage: ${command.usage}\n`);
  return EXIT_USAGE;
}

/**
 * {@link EXIT_USAGE} after one line saying that the input file `path` (what the command calls
 * `role`, e.g. "config file") does not exist, or `undefined` when it does.
 *
 * @example
 * ```ts
 * const missing = answerMissingFile(runCommand, 'config file', args.config, io);
 * if (missing !== undefined) return missing;
 * ```
 */
export function answerMissingFile(command: Pick<CliCommand, 'name' | 'usage'>, role: string, path: string, io: CliIo): number | undefined {
  const absolute = resolve(io.cwd, path);
  if (existsSync(absolute)) return undefined;
  io.stderr(`sparse ${command.name}: the ${role} ${echoValue(path)} does not exist (looked at ${absolute}).\nUsage: ${command.usage}\n`);
  return EXIT_USAGE;
}
