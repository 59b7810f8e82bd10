import { totalmem } from 'node:os';
import { SparseError } from '@sparse/core';
import type { TensorPlan } from './plan.js';

/**
 * Bytes per pruned weight while `sparse prune` works: its float32 value (4), its score (4), the
 * selection's scratch key (4) and its mask byte (1).
 */
const BYTES_PER_WEIGHT = 13;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Refuses, before any tensor is read, a prune whose tensors do not fit in this machine's memory:
 * `sparse prune` holds every tensor it prunes at once (as float32, with its scores and mask,
 * about 13 bytes per weight), so a checkpoint larger than memory used to end with Node's
 * out-of-memory crash. Throws `E_ARGUMENT` (exit code 2: narrow the command with
 * `--include`/`--exclude`) naming the weights, the memory needed and the way out.
 *
 * @example
 * ```ts
 * import { checkPruneMemory } from '@sparse/cli';
 *
 * checkPruneMemory([], 'w.safetensors'); // nothing to prune: fits
 * ```
 */
export function checkPruneMemory(plans: readonly TensorPlan[], input: string, machineBytes: number = totalmem()): void {
  const pruned = plans.filter((plan) => plan.prune);
  const weights = pruned.reduce((sum, plan) => sum + plan.info.elementCount, 0);
  const needed = weights * BYTES_PER_WEIGHT;
  if (needed > machineBytes) {
    const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
    throw new SparseError(
      'E_ARGUMENT',
      `--in ${shown}: the ${pruned.length} tensor(s) to prune hold ${weights} weights; pruning them at once needs about ${gib(needed)} (${BYTES_PER_WEIGHT} bytes per weight), more than this machine's ${gib(machineBytes)}. Prune fewer tensors per run with --include/--exclude.`,
      { field: '--in', received: weights, allowed: `at most ${Math.floor(machineBytes / BYTES_PER_WEIGHT)} weights` },
    );
  }
}
