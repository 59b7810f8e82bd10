import type { CliIo } from './io.js';

/**
 * One subcommand of `sparse` (`prune`, later `run`, `report`, `dare`, `bench`). Each lives in its
 * own file under `src/commands/` and is listed in `builtinCommands`.
 *
 * `run` returns the exit code: 0 on success, {@link EXIT_USAGE} for a usage error, {@link EXIT_FAILURE}
 * otherwise. It may also throw: `main` prints a `SparseError`'s message and maps its code
 * (see `exitCodeOf`).
 *
 * @example
 * ```ts
 * import { main, builtinCommands, type CliCommand } from '@sparse/cli';
 *
 * const hello: CliCommand = {
 *   name: 'hello',
 *   summary: 'Print a greeting.',
 *   usage: 'sparse hello',
 *   help: 'Usage: sparse hello\n\nPrints a greeting.\n',
 *   run: async (_argv, io) => (io.stdout('hello\n'), 0),
 * };
 * await main(['hello'], undefined, [...builtinCommands, hello]);
 * ```
 */
export interface CliCommand {
  /** The word after `sparse`. */
  readonly name: string;
  /** One line for `sparse --help`. */
  readonly summary: string;
  /** The synopsis line. */
  readonly usage: string;
  /** The full text of `sparse <name> --help`. */
  readonly help: string;
  /** Runs the command with the arguments after its name. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/**
 * Exit code of a usage error: an unknown or malformed flag, an invalid value, a missing
 * required flag, an unusable output path.
 *
 * @example
 * ```ts
 * import { EXIT_USAGE } from '@sparse/cli';
 *
 * console.log(EXIT_USAGE); // 2
 * ```
 */
export const EXIT_USAGE = 2;

/**
 * Exit code of any other failure: an unreadable or malformed input file, a failed write.
 *
 * @example
 * ```ts
 * import { EXIT_FAILURE } from '@sparse/cli';
 *
 * console.log(EXIT_FAILURE); // 1
 * ```
 */
export const EXIT_FAILURE = 1;
