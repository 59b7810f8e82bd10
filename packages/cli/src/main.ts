import { isSparseError } from '@sparse/core';
import { EXIT_FAILURE, EXIT_USAGE, type CliCommand } from './command.js';
import { builtinCommands } from './commands/index.js';
import { exitCodeOf } from './exit-code.js';
import { nodeIo, type CliIo } from './io.js';
import { cliVersion } from './version.js';

/**
 * The text of `sparse --help` for a list of commands.
 *
 * @example
 * ```ts
 * import { builtinCommands, rootHelp } from '@sparse/cli';
 *
 * console.log(rootHelp(builtinCommands));
 * ```
 */
export function rootHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: sparse <command> [options]',
    '',
    'Neural-network sparsity on TensorFlow.js: prune safetensors checkpoints and more.',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     Show this help, or a command\'s help: sparse <command> --help',
    '  -v, --version  Print the version',
    '',
  ].join('\n');
}

/**
 * Runs the `sparse` command line in-process and returns its exit code (0 success, 2 usage error,
 * 1 other failure). Errors are printed to `io.stderr`, never thrown.
 *
 * @param argv - the arguments after `sparse`, e.g. `['prune', '--in', 'w.safetensors', …]`.
 * @param io - where output goes and the environment comes from (default: this process).
 * @param commands - the subcommands (default: {@link builtinCommands}).
 *
 * @example
 * ```ts
 * import { main } from '@sparse/cli';
 *
 * const code = await main(['prune', '--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5']);
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = nodeIo(), commands: readonly CliCommand[] = builtinCommands): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    // `sparse help <command>` is `sparse <command> --help`, whose text may depend on what is loaded (prune lists the registered scorers).
    if (topic !== undefined && commands.some((candidate) => candidate.name === topic)) return main([topic, '--help'], io, commands);
    io.stdout(rootHelp(commands));
    return first === undefined ? EXIT_USAGE : 0;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${cliVersion()}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (command === undefined) {
    io.stderr(
      `sparse: unknown command '${first}'; available: ${commands.map((c) => c.name).join(', ')}. Run 'sparse --help' for usage.\n`,
    );
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const code = exitCodeOf(error);
    const message = isSparseError(error) || error instanceof Error ? error.message : String(error);
    io.stderr(`sparse ${command.name}: ${message}\n`);
    if (code === EXIT_USAGE) io.stderr(`Usage: ${command.usage}\nRun 'sparse ${command.name} --help' for details.\n`);
    else if (!isSparseError(error) && error instanceof Error && error.stack !== undefined) io.stderr(`${error.stack}\n`);
    return code === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILURE;
  }
}
