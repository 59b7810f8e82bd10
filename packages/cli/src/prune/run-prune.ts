import {
  SAFETENSORS_DTYPE_SIZES,
  decodeToFloat32,
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
import { canStreamMagnitude, magnitudeMasker } from './stream-magnitude.js';
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
 * the masks (by streaming the checkpoint a tensor at a time for the magnitude scorer with an
 * unstructured pattern in `pytorch` or `exact` mode, `magnitudeMasker`, each mask made as its
 * tensor is written; else on the backend, `selectMasks`; the same masks either way), then writes
 * the pruned weights (every tensor of the input, in its order, dtype and metadata kept; pruned
 * elements set to +0 in place, so kept weights are bit-identical) and, when asked, the masks (U8,
 * 1 = kept). All or nothing: both go to temporary files first and are
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
    const runtime = await createPruneRuntime(options, io, warn);
    const streaming = canStreamMagnitude(options, runtime);
    checkPruneMemory(plans, options.input, undefined, streaming ? 'streaming' : 'backend');
    const scorer = await resolvePruneScorer(runtime, options);
    if (options.sparsity === 1) warn('--sparsity 1 prunes every selected weight.');
    if (options.pattern.kind === 'n:m') {
      const { n, m } = options.pattern;
      for (const { info } of plans.filter((plan) => plan.prune && (plan.info.shape[1] ?? 1) % m !== 0)) {
        warn(`${info.name}: its input dimension ${info.shape[1] ?? 1} is not a multiple of ${m}; its last group of each row is shorter and keeps up to ${n}.`);
      }
    }

    // Streaming: the cuts now, each tensor's mask as the output is written (tensors in order).
    const masker = streaming ? await magnitudeMasker(file, plans.filter((plan) => plan.prune), { ...options, mode: options.mode as 'pytorch' | 'exact' }, warn) : undefined;
    let masks: ReadonlyMap<string, Uint8Array> = masker?.masks ?? new Map();
    if (masker === undefined) {
      const tensors: TensorToPrune[] = [];
      for (const { info } of plans.filter((plan) => plan.prune)) {
        tensors.push({ name: info.name, shape: info.shape, values: await file.readFloat32(info.name) });
      }
      masks = await selectMasks(tensors, options, { runtime, onWarning: warn, scorer });
      tensors.length = 0; // let the weights go before writing
    }

    const entries: SafetensorsEntry[] = plans.map(({ info, prune }) => ({
      name: info.name,
      dtype: info.dtype,
      shape: info.shape,
      data: async () => {
        const bytes = await file.readBytes(info.name);
        const kept = masker !== undefined && prune ? masker.mask(info.name, decodeToFloat32(info.dtype, bytes)) : masks.get(info.name);
        return kept === undefined ? bytes : zeroPrunedBytes(bytes, SAFETENSORS_DTYPE_SIZES[info.dtype], kept);
      },
    }));
    const binaryMasks = (): Map<string, BinaryMask> => {
      const binary = new Map<string, BinaryMask>();
      for (const { info } of plans) {
        const kept = masks.get(info.name);
        if (kept !== undefined) binary.set(info.name, { shape: info.shape, kept });
      }
      return binary;
    };
    const masksPath = options.masks;
    // The masks file after the weights: with streaming, the masks are made while the weights are written.
    await writeAllOrNothing([
      { path: options.output, write: (temporary) => writeSafetensors(temporary, entries, { metadata: file.header.metadata }) },
      ...(masksPath === undefined ? [] : [{ path: masksPath, write: (temporary: string) => writeMaskFile(temporary, binaryMasks(), 'u8') }]),
    ]);
    return { rows: sparsityRows(plans, masks), masks, backend: runtime.backend };
  } finally {
    await file.close();
  }
}
