import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExperimentKinds, experimentJsonSchema, writeFileAtomic } from '@sparse/experiments';
import { SparseError } from '@sparse/core';
import type { CliCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args/command-args.js';
import { commandRuntime } from '../plugins/command-runtime.js';
import { answerHelpOrUsageError } from '../args/early-answer.js';

const USAGE = 'sparse schema [KIND...] [--out-dir DIR] [--plugin SPEC]...';

const HELP = `Usage: ${USAGE}

Prints the JSON Schema of an experiment kind's configs (every field, every registered
implementation name and its options), or writes one file per kind: DIR/<kind>.schema.json.
A config that names it in "$schema" is completed and checked by editors (VS Code, JetBrains).
Without KIND: every registered kind (the built-in ones and those of --plugin).

Options:
  --out-dir DIR    Write DIR/<kind>.schema.json for each kind instead of printing.
  --plugin SPEC    Load a plugin first (its kinds and implementations appear in the schemas).
  -h, --help       Show this help.

Exit codes: 0 done; 2 an unknown kind or a wrong option; 1 anything else.
`;

interface SchemaArgs {
  readonly kinds: readonly string[];
  readonly outDir?: string;
  readonly plugins: readonly string[];
}

function parseArgs(argv: readonly string[]): SchemaArgs | { help: true } | { error: string } {
  const parsed = parseCommandArgs(argv, { 'out-dir': {}, plugin: { repeatable: true } });
  if ('error' in parsed) return parsed;
  if (parsed.help) return { help: true };
  const outDir = parsed.values['out-dir']?.[0];
  return { kinds: parsed.positionals, plugins: parsed.values['plugin'] ?? [], ...(outDir === undefined ? {} : { outDir }) };
}

/**
 * `sparse schema`: the JSON Schema of each experiment kind's configs, printed or written to
 * `<kind>.schema.json` files (see its `--help`).
 *
 * @example
 * ```ts
 * import { nodeIo, schemaCommand } from '@sparse/cli';
 *
 * const code = await schemaCommand.run(['lth'], nodeIo());
 * ```
 */
export const schemaCommand: CliCommand = {
  name: 'schema',
  summary: "Print or write the JSON Schema of each experiment kind's configs (for editors).",
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseArgs(argv);
    if ('help' in args || 'error' in args) return answerHelpOrUsageError(schemaCommand, args, io);
    const runtime = await commandRuntime(args.plugins, io, { backend: 'cpu' });
    const kinds = args.kinds.length > 0 ? args.kinds : runtime.names(ExperimentKinds);
    const schemas = kinds.map((kind) => [kind, `${JSON.stringify(experimentJsonSchema(runtime, kind), null, 2)}\n`] as const);
    if (args.outDir === undefined) {
      for (const [, text] of schemas) io.stdout(text);
      return 0;
    }
    const dir = resolve(io.cwd, args.outDir);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      const shown = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text);
      throw new SparseError('E_IO', `--out-dir: cannot create the folder ${shown(dir)}: ${shown(reason)}.`, { field: '--out-dir', received: args.outDir }, { cause: error });
    }
    for (const [kind, text] of schemas) await writeFileAtomic(join(dir, `${kind}.schema.json`), text);
    io.stdout(`Wrote ${schemas.map(([kind]) => `${kind}.schema.json`).join(', ')} to ${dir} (${(await readdir(dir)).length} files there).\n`);
    return 0;
  },
};
