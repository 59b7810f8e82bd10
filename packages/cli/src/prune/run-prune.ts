import {
  SAFETENSORS_DTYPE_SIZES,
  openSafetensors,
  writeMaskFile,
  writeSafetensors,
  type BinaryMask,
  type SafetensorsEntry,
} from '@sparse/core';
import type { CliIo } from '../io.js';
import { planPrune, zeroPrunedBytes } from './plan.js';
import { checkPruneMemory } from './prune-memory.js';
import type { PruneOptions } from './prune-options.js';
import { createPruneRuntime } from './prune-runtime.js';
import { resolvePruneScorer } from './resolve-scorer.js';
import { selectMasks, type TensorToPrune } from './select-masks.js';
import { sparsityRows, type SparsityRow } from './sparsity-table.js';
import { writeAllOrNothing } from './staged-outputs.js';

/**
 * What a prune did: the table rows, the masks of the pruned tensors (1 = kept, PyTorch layout,
 * row-major) and the backend it ran on.
 *
 * @example
 * ```ts
 * import type { PruneResult } from '@sparse/cli';
 *
 * const result: PruneResult = { rows: [], masks: new Map(), backend: 'wasm' };
 * ```
 */
export interface PruneResult {
  readonly rows: readonly SparsityRow[];
  readonly masks: ReadonlyMap<string, Uint8Array>;
  readonly backend: string;
}

/**
 * Prunes a safetensors checkpoint in PyTorch layout as `sparse prune` does, after its arguments
 * were validated by `parsePruneArgs`: reads the header (validating it), plans which tensors to
 * prune, builds the runtime (built-in plugins plus `--plugin`s, on the chosen backend) and the
 * scorer through it (`resolvePruneScorer`: options checked, refused when it needs data), selects
 * the masks, then writes the pruned weights (every tensor of the input, in its order, dtype and
 * metadata kept; pruned elements set to +0 in place, so kept weights are bit-identical) and, when
 * asked, the masks (U8, 1 = kept). All or nothing: both go to temporary files first and are
 * renamed into place only when both were written, so a failed command leaves every existing file
 * byte-identical. Warnings go to `io.stderr`.
 *
 * @example
 * ```ts
 * import { nodeIo, parsePruneArgs, runPrune } from '@sparse/cli';
 *
 * const io = nodeIo();
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.5'], io.cwd);
 * const { rows } = await runPrune(options, io);
 * ```
 */
export async function runPrune(options: PruneOptions, io: CliIo): Promise<PruneResult> {
  const warn = (message: string) => io.stderr(`warning: ${message}\n`);
  const file = await openSafetensors(options.input);
  try {
    const plans = planPrune(file.header, options);
    checkPruneMemory(plans, options.input);
    const runtime = await createPruneRuntime(options, io, warn);
    const scorer = await resolvePruneScorer(runtime, options);
    if (options.sparsity === 1) warn('--sparsity 1 prunes every selected weight.');
    if (options.pattern.kind === 'n:m') {
      const { n, m } = options.pattern;
      for (const { info } of plans.filter((plan) => plan.prune && (plan.info.shape[1] ?? 1) % m !== 0)) {
        warn(`${info.name}: its input dimension ${info.shape[1] ?? 1} is not a multiple of ${m}; its last group of each row is shorter and keeps up to ${n}.`);
      }
    }

    const tensors: TensorToPrune[] = [];
    for (const { info } of plans.filter((plan) => plan.prune)) {
      tensors.push({ name: info.name, shape: info.shape, values: await file.readFloat32(info.name) });
    }
    const masks = await selectMasks(tensors, options, { runtime, onWarning: warn, scorer });
    tensors.length = 0; // let the weights go before writing

    const entries: SafetensorsEntry[] = plans.map(({ info }) => ({
      name: info.name,
      dtype: info.dtype,
      shape: info.shape,
      data: async () => {
        const bytes = await file.readBytes(info.name);
        const kept = masks.get(info.name);
        return kept === undefined ? bytes : zeroPrunedBytes(bytes, SAFETENSORS_DTYPE_SIZES[info.dtype], kept);
      },
    }));
    const binary = new Map<string, BinaryMask>();
    for (const { info } of plans) {
      const kept = masks.get(info.name);
      if (kept !== undefined) binary.set(info.name, { shape: info.shape, kept });
    }
    const masksPath = options.masks;
    await writeAllOrNothing([
      { path: options.output, write: (temporary) => writeSafetensors(temporary, entries, { metadata: file.header.metadata }) },
      ...(masksPath === undefined ? [] : [{ path: masksPath, write: (temporary: string) => writeMaskFile(temporary, binary, 'u8') }]),
    ]);
    return { rows: sparsityRows(plans, masks), masks, backend: runtime.backend };
  } finally {
    await file.close();
  }
}
