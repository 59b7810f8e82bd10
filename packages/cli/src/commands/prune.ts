import type { CliCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { parsePruneArgs } from '../prune/parse-prune-args.js';
import { runPrune } from '../prune/run-prune.js';
import { formatSparsityTable } from '../prune/sparsity-table.js';

const USAGE =
  'sparse prune --in W.safetensors --out P.safetensors --sparsity S [--scope layerwise|global] [--scorer magnitude|random] [--pattern unstructured|N:M] [--include REGEX]… [--exclude REGEX]… [--masks M.safetensors] [--seed N] [--mode pytorch|exact|…] [--backend NAME]';

const HELP = `Usage: ${USAGE}

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
  --scorer SCORER    magnitude (default): prune the smallest |w|; random: seeded random scores.
  --pattern P        unstructured (default), or N:M: keep N of every M consecutive weights along
                     the input dimension (the last axis of [out, in]; axis 1 of [out, in, kh, kw]).
  --include REGEX    Only prune tensors whose name matches (repeatable; unanchored).
  --exclude REGEX    Never prune tensors whose name matches (repeatable).
  --masks FILE       Also write the masks of the pruned tensors (U8, 1 = kept, same shapes).
  --seed N           Seed of the random scorer (default 0).
  --mode MODE        How S becomes the number of weights to prune, of n: pytorch (default):
                     round(S·n), halves to even, as torch.nn.utils.prune; exact: floor(S·n),
                     the library's default; tfmot, open-lth-layerwise, open-lth-global,
                     google-lth, percentile, synflow: those code bases' threshold rules.
  --backend NAME     TensorFlow.js backend (default wasm; SPARSE_BACKEND is honoured).
  -h, --help         Show this help.

Tensors of rank < 2 (biases, norms) and non-float tensors are never pruned. Ties in the scores are
broken by flat index (lower index pruned first; across tensors, file order).

Exit codes: 0 done; 2 the command line is wrong (flag, value, path); 1 an input file is malformed
or a write failed. Nothing is written unless everything is valid.

Example:
  sparse prune --in model.safetensors --out pruned.safetensors --sparsity 0.9 --scope global \\
    --exclude 'embed' --masks masks.safetensors
`;

/**
 * `sparse prune`: prunes a safetensors checkpoint in PyTorch layout and prints a per-tensor
 * sparsity table (see its `--help`).
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
  summary: 'Prune a safetensors checkpoint (magnitude or random; layerwise or global; N:M).',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(HELP);
      return 0;
    }
    const options = await parsePruneArgs(argv, io.cwd);
    const result = await runPrune(options, io);
    io.stdout(formatSparsityTable(result.rows));
    io.stdout(`wrote ${options.output}${options.masks === undefined ? '' : ` and ${options.masks}`} (backend: ${result.backend})\n`);
    return 0;
  },
};
