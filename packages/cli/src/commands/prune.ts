import type { CliCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { formatScorerListings, listScorers } from '../prune/checkpoint-scorers.js';
import { parsePruneArgs } from '../prune/parse-prune-args.js';
import { createPruneRuntime } from '../prune/prune-runtime.js';
import { pluginFlagValues } from '../plugins/command-runtime.js';
import { runPrune } from '../prune/run-prune.js';
import { formatSparsityTable } from '../prune/sparsity-table.js';

const USAGE =
  'sparse prune --in W.safetensors --out P.safetensors --sparsity S [--scope layerwise|global] [--scorer NAME] [--scorer-option KEY=VALUE]… [--plugin SPEC]… [--pattern unstructured|N:M] [--include REGEX]… [--exclude REGEX]… [--masks M.safetensors] [--seed N] [--mode pytorch|exact|…] [--backend NAME]';

/** The help text; `scorers` is the list of registered scorers, when a runtime was built to list them. */
function pruneHelp(scorers?: string): string {
  return `Usage: ${USAGE}

Prunes a safetensors checkpoint in PyTorch layout (Linear [out, in], Conv [out, in, kh, kw]) and
prints the sparsity of every tensor.

Required:
  --in FILE          The checkpoint to prune (safetensors).
  --out FILE         Where to write the pruned checkpoint: every tensor of --in, in its order and
                     dtype, with its metadata; pruned weights set to 0, the others bit-identical.
  --sparsity S       Fraction of weights to prune, in [0, 1]. Optional with --pattern N:M.

Options:
  --scope SCOPE      layerwise (default): prune S of every selected tensor;
                     global: prune S of all selected weights, ranked together.
  --scorer NAME      How weights are ranked (the lowest scores are pruned): magnitude (default):
                     |w|; random: seeded random scores; or any registered scorer that works on
                     the weights alone (listed below; --plugin adds more).
  --scorer-option KEY=VALUE
                     An option of the scorer (repeatable). VALUE is read as JSON when it parses
                     (3, true, "text", [1, 2]), else as text; checked against the options the
                     scorer declares.
  --plugin SPEC      Load a plugin first: a package name (resolved from the working directory)
                     or a path to a module, whose default export is a plugin factory; its
                     scorers can then be named by --scorer. Repeatable.
  --pattern P        unstructured (default), or N:M: keep N of every M consecutive weights along
                     the input dimension (the last axis of [out, in]; axis 1 of [out, in, kh, kw]).
  --include REGEX    Only prune tensors whose name matches (repeatable; unanchored).
  --exclude REGEX    Never prune tensors whose name matches (repeatable).
  --masks FILE       Also write the masks of the pruned tensors (U8, 1 = kept, same shapes).
  --seed N           The run seed (default 0): the random scorer's seed, and the seed every
                     scorer's input carries.
  --mode MODE        How S becomes the number of weights to prune, of n: pytorch (default):
                     round(S·n), halves to even, as torch.nn.utils.prune; exact: floor(S·n),
                     the library's default; tfmot, open-lth-layerwise, open-lth-global,
                     google-lth, percentile, synflow: those code bases' threshold rules.
  --backend NAME     TensorFlow.js backend (default wasm; SPARSE_BACKEND is honoured).
  -h, --help         Show this help.

Scorers registered by the loaded plugins (a --plugin adds its own; data-driven scorers need a
batch and a model, which a checkpoint does not have, and run inside experiments: sparse run):
${scorers ?? '  (listed by sparse prune --help)\n'}
Tensors of rank < 2 (biases, norms) and non-float tensors are never pruned. Ties in the scores are
broken by flat index (lower index pruned first; across tensors, file order). A NaN weight (so a NaN
score) ranks lowest, as -Infinity: it is pruned before any number, and a warning counts them.
torch.nn.utils.prune ranks NaN highest and keeps it; replace NaNs first where that matters.

Exit codes: 0 done; 2 the command line is wrong (flag, value, path, plugin, scorer or its
options); 1 an input file is malformed or a write failed. Nothing is written unless everything is
valid.

Examples:
  sparse prune --in model.safetensors --out pruned.safetensors --sparsity 0.9 --scope global \\
    --exclude 'embed' --masks masks.safetensors
  sparse prune --in model.safetensors --out pruned.safetensors --sparsity 0.5 \\
    --plugin @my-org/power-magnitude --scorer power-magnitude --scorer-option power=3
`;
}


/** The full help: {@link pruneHelp} with the scorers of the built-in plugins and the given `--plugin`s. */
async function helpWithScorers(argv: readonly string[], io: CliIo): Promise<string> {
  const runtime = await createPruneRuntime({ plugins: pluginFlagValues(argv), backend: 'cpu' }, io, (message) => io.stderr(`warning: ${message}\n`));
  return pruneHelp(formatScorerListings(await listScorers(runtime)));
}

/**
 * `sparse prune`: prunes a safetensors checkpoint in PyTorch layout with any registered scorer
 * that works on weights alone (core's, the built-in plugins', or a `--plugin`'s) and prints a
 * per-tensor sparsity table (see its `--help`, which lists the registered scorers).
 *
 * @example
 * ```ts
 * import { main, pruneCommand } from '@sparse/cli';
 *
 * await pruneCommand.run(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], {
 *   stdout: (t) => process.stdout.write(t),
 *   stderr: (t) => process.stderr.write(t),
 *   env: process.env,
 *   cwd: process.cwd(),
 * });
 * ```
 */
export const pruneCommand: CliCommand = {
  name: 'prune',
  summary: 'Prune a safetensors checkpoint with any registered scorer (magnitude, random, plugins); layerwise or global; N:M.',
  usage: USAGE,
  help: pruneHelp(),
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(await helpWithScorers(argv, io));
      return 0;
    }
    const options = await parsePruneArgs(argv, io.cwd);
    const result = await runPrune(options, io);
    io.stdout(formatSparsityTable(result.rows));
    io.stdout(`wrote ${options.output}${options.masks === undefined ? '' : ` and ${options.masks}`} (backend: ${result.backend})\n`);
    return 0;
  },
};
