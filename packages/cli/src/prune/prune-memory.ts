import { totalmem } from 'node:os';
import { SparseError } from '@sparse/core';
import type { TensorPlan } from './plan.js';

/**
 * Bytes per pruned weight while `sparse prune` works: its float32 value (4), its score (4), the
 * selection's scratch key (4) and its mask byte (1).
 */
const BYTES_PER_WEIGHT = 13;
/** Bytes per pruned weight when the masks are selected by streaming (`streamMagnitudeMasks`): its mask byte, plus one tensor at a time. */
const STREAMED_BYTES_PER_WEIGHT = 1;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Refuses, before any tensor is read, a prune whose tensors do not fit in this machine's memory:
 * selecting on the backend (`selection: 'backend'`) holds every tensor it prunes at once (as
 * float32, with its scores and mask, about 13 bytes per weight); streaming the magnitude
 * selection (`'streaming'`, `streamMagnitudeMasks`) holds one byte per weight (the masks) plus
 * the largest tensor. A checkpoint larger than memory used to end with Node's out-of-memory crash. Throws `E_ARGUMENT` (exit code 2: narrow the command with
 * `--include`/`--exclude`) naming the weights, the memory needed and the way out.
 *
 * @example
 * ```ts
 * import { checkPruneMemory } from '@sparse/cli';
 *
 * checkPruneMemory([], 'w.safetensors'); // nothing to prune: fits
 * ```
 */
export function checkPruneMemory(
  plans: readonly TensorPlan[],
  input: string,
  machineBytes: number = totalmem(),
  selection: 'backend' | 'streaming' = 'backend',
): void {
  const pruned = plans.filter((plan) => plan.prune);
  const weights = pruned.reduce((sum, plan) => sum + plan.info.elementCount, 0);
  const perWeight = selection === 'streaming' ? STREAMED_BYTES_PER_WEIGHT : BYTES_PER_WEIGHT;
  // Streaming holds one tensor at a time: its bytes, its float32 magnitudes and its mask.
  const largest = selection === 'streaming' ? Math.max(0, ...pruned.map((plan) => plan.info.byteLength + 5 * plan.info.elementCount)) : 0;
  const needed = weights * perWeight + largest;
  if (needed > machineBytes) {
    const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
    throw new SparseError(
      'E_ARGUMENT',
      `--in ${shown}: the ${pruned.length} tensor(s) to prune hold ${weights} weights; pruning them ${selection === 'streaming' ? 'by streaming' : 'at once'} needs about ${gib(needed)} (${perWeight} byte${perWeight === 1 ? '' : 's'} per weight${largest > 0 ? ', plus the largest tensor' : ''}), more than this machine's ${gib(machineBytes)}. Prune fewer tensors per run with --include/--exclude.`,
      { field: '--in', received: weights, allowed: `at most ${Math.floor((machineBytes - largest) / perWeight)} weights` },
    );
  }
}
