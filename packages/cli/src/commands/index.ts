import type { CliCommand } from '../command.js';
import { dareCommand } from './dare.js';
import { pruneCommand } from './prune.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { sweepCommand } from './sweep.js';
import { workerCommand } from './worker.js';

/**
 * The subcommands `sparse` knows, in the order `sparse --help` lists them. A new command is a
 * file in `src/commands/` exporting a {@link CliCommand}, added to this list.
 *
 * @example
 * ```ts
 * import { builtinCommands } from '@sparse/cli';
 *
 * console.log(builtinCommands.map((command) => command.name)); // ['prune', …]
 * ```
 */
export const builtinCommands: readonly CliCommand[] = Object.freeze([pruneCommand, runCommand, sweepCommand, workerCommand, dareCommand, schemaCommand]);
