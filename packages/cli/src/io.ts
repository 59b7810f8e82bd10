/**
 * Where a command reads its environment and writes its output. The real process uses
 * {@link nodeIo}; tests pass their own to capture output and run commands in-process.
 *
 * @example
 * ```ts
 * import { main, type CliIo } from '@sparse/cli';
 *
 * const out: string[] = [];
 * const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, cwd: process.cwd() };
 * const code = await main(['--version'], io);
 * ```
 */
export interface CliIo {
  /** Writes text to standard output (the text carries its own newlines). */
  stdout(text: string): void;
  /** Writes text to standard error. */
  stderr(text: string): void;
  /** Environment variables (`SPARSE_BACKEND`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
}

/**
 * The {@link CliIo} of the running process: `process.stdout`, `process.stderr`, `process.env`,
 * `process.cwd()`.
 *
 * @example
 * ```ts
 * import { main, nodeIo } from '@sparse/cli';
 *
 * process.exitCode = await main(process.argv.slice(2), nodeIo());
 * ```
 */
export function nodeIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}
