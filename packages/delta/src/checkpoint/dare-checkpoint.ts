import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { echoValue, SparseError, buildSafetensorsHeader, writeAll, writeFileAtomic, type SafetensorsTensorInfo } from '@sparse/core';
import { isExcluded } from '../options/exclude.js';
import { resolveDeltaPruneOptions, type DeltaPruneOptions, type ResolvedDeltaPruneOptions } from '../options/delta-prune-options.js';
import { absDeltaInto, applyInto, assertLittleEndian, isDeltaDtype, DELTA_DTYPE_SIZES } from '../kernel/float-kernels.js';
import { createScratch, planDeltaPruning, type TensorDecision } from '../kernel/plan.js';
import { DEFAULT_CHUNK_ELEMENTS, type DeltaTensorSource } from '../kernel/tensor-source.js';
import { buildDeltaReport, type DeltaPruneReport, type DeltaTensorReport } from '../report/delta-report.js';
import { findMismatches, listProblems } from '../tensors/compare.js';
import { PairReader } from './pair-reader.js';
import { openRawSafetensors, readExactly, type RawSafetensors } from './raw-file.js';

/**
 * The metadata key `dareCheckpoint` adds to the output's `__metadata__` (beside the fine-tuned
 * file's own entries): a JSON record of how the file was made (method, rate, rescale, scope,
 * seed, exclude patterns), so the randomness can be replayed.
 *
 * @example
 * ```ts
 * import { openSafetensors } from '@sparse/core';
 * import { DARE_METADATA_KEY } from '@sparse/delta';
 *
 * const file = await openSafetensors('pruned.safetensors');
 * console.log(JSON.parse(file.header.metadata[DARE_METADATA_KEY] ?? '{}'));
 * await file.close();
 * ```
 */
export const DARE_METADATA_KEY = 'sparse.dare';

/**
 * Options of {@link dareCheckpoint}: the three files, the pruning options, and the chunk size.
 *
 * @example
 * ```ts
 * import type { DareCheckpointOptions } from '@sparse/delta';
 *
 * const options: DareCheckpointOptions = {
 *   base: 'base.safetensors', finetuned: 'tuned.safetensors', output: 'dare.safetensors',
 *   rate: 0.9, seed: 0,
 * };
 * ```
 */
export interface DareCheckpointOptions extends DeltaPruneOptions {
  /** The pretrained checkpoint (safetensors). */
  readonly base: string;
  /** The fine-tuned checkpoint: the output has its tensors, order, dtypes and metadata. */
  readonly finetuned: string;
  /** Where to write `base + δ̃` (atomically: nothing appears there unless everything succeeded). */
  readonly output: string;
  /** Entries per chunk (memory is about 6 chunks of 8 bytes per entry); default 2^20. */
  readonly chunkElements?: number;
}

/**
 * What {@link dareCheckpoint} did: the report (one line per tensor) and the file written.
 *
 * @example
 * ```ts
 * import { dareCheckpoint, formatDeltaReport } from '@sparse/delta';
 *
 * const result = await dareCheckpoint({ base: 'b.safetensors', finetuned: 'f.safetensors', output: 'o.safetensors', rate: 0.9 });
 * console.log(formatDeltaReport(result.report), result.bytesWritten);
 * ```
 */
export interface DareCheckpointResult {
  readonly report: DeltaPruneReport;
  readonly output: string;
  readonly bytesWritten: number;
}

async function checkOutput(output: string, inputs: readonly string[]): Promise<void> {
  const folder = dirname(output);
  const info = await stat(folder).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new SparseError('E_ARGUMENT', `Cannot write ${output}: the folder ${folder} does not exist.`, { field: 'output', received: output });
  }
  const target = await stat(output).catch(() => undefined);
  if (target?.isDirectory() === true) throw new SparseError('E_ARGUMENT', `output ${output} is a directory; give a file name.`, { field: 'output', received: output });
  for (const input of inputs) {
    const other = await stat(input).catch(() => undefined);
    if (target !== undefined && other !== undefined && other.ino === target.ino && other.dev === target.dev) {
      throw new SparseError('E_ARGUMENT', `output ${output} is the same file as the input ${input}; write to a different file.`, { field: 'output', received: output });
    }
  }
}

function metadataOf(finetuned: RawSafetensors, options: ResolvedDeltaPruneOptions, base: string): Record<string, string> {
  const record = {
    method: options.method,
    rate: options.rate,
    rescale: options.rescale.description,
    ...(options.method === 'magnitude' ? { scope: options.scope } : { seed: options.seed, seedPurpose: 'dare' }),
    exclude: options.exclude.map((pattern) => pattern.source),
    base: basename(base),
    finetuned: basename(finetuned.path),
  };
  return { ...finetuned.header.metadata, [DARE_METADATA_KEY]: JSON.stringify(record) };
}

/** Where tensors are written: positions in the temporary file `writeFileAtomic` renames into place. */
interface PositionalOutput {
  write(bytes: Uint8Array, position: number): Promise<void>;
}

async function copyTensor(file: RawSafetensors, info: SafetensorsTensorInfo, output: PositionalOutput, position: number, buffer: Uint8Array): Promise<void> {
  const start = file.header.dataStart + info.dataOffsets[0];
  for (let done = 0; done < info.byteLength; done += buffer.byteLength) {
    const length = Math.min(buffer.byteLength, info.byteLength - done);
    await readExactly(file.handle, buffer, length, start + done, file.path);
    await output.write(buffer.subarray(0, length), position + done);
  }
}

async function writePruned(
  source: DeltaTensorSource,
  decision: TensorDecision,
  scratch: ReturnType<typeof createScratch>,
  outputs: readonly [Uint8Array, Uint8Array],
  output: PositionalOutput,
  position: number,
): Promise<number> {
  const size = DELTA_DTYPE_SIZES[source.dtype];
  const dropper = decision.createDropper();
  let dropped = 0;
  let pending: Promise<void> | undefined;
  let slot = 0;
  for await (const chunk of source.chunks()) {
    if (decision.needsAbsDelta) absDeltaInto(source.dtype, chunk.base, chunk.finetuned, chunk.n, scratch.absDelta);
    dropped += dropper.fill(scratch.flags, chunk.n, scratch.absDelta);
    const out = outputs[slot] as Uint8Array;
    slot = 1 - slot;
    applyInto(source.dtype, chunk.base, chunk.finetuned, chunk.n, scratch.flags, decision.scale, out);
    if (pending !== undefined) await pending;
    pending = output.write(out.subarray(0, chunk.n * size), position + chunk.offset * size);
  }
  if (pending !== undefined) await pending;
  return dropped;
}

/**
 * Prunes the delta of a fine-tuned safetensors checkpoint against its base and writes
 * `base + δ̃` for every tensor of the fine-tuned file, streaming: tensors are read and written
 * in chunks, so memory stays bounded by a few chunks (about 50 MB by default), whatever the
 * size of the model or of its largest tensor.
 *
 * - The output has the fine-tuned file's tensors, order, shapes, dtypes (F32, F16, BF16, F64) and
 *   metadata (plus {@link DARE_METADATA_KEY}). F16/BF16 values are rounded to nearest-even.
 * - Tensors matching `exclude` (classification heads by default) and tensors whose dtype holds no
 *   float delta (integers, BOOL, F8) are copied byte for byte from the fine-tuned file.
 * - Random drops of tensor `name` come from `Random(deriveSeed(seed, 'dare', name))`: the output
 *   does not depend on the order tensors are stored in, and equals {@link pruneDeltas} on the
 *   same values.
 * - Everything is validated before anything is written: options (`E_CONFIG`), both files'
 *   headers (`E_IO`, `E_FORMAT` for truncated or malformed files), that every non-excluded tensor
 *   has the same name, shape and dtype in both (`E_FORMAT`, listing every mismatch), and the output
 *   path (`E_ARGUMENT`). The output is written to a temporary file renamed at the end; on any
 *   error it is removed and `output` is left untouched.
 *
 * @example
 * ```ts
 * import { dareCheckpoint, formatDeltaReport } from '@sparse/delta';
 *
 * const { report } = await dareCheckpoint({
 *   base: 'llama-base.safetensors',
 *   finetuned: 'llama-sft.safetensors',
 *   output: 'llama-sft-dare90.safetensors',
 *   rate: 0.9,
 *   seed: 42,
 * });
 * process.stdout.write(formatDeltaReport(report));
 * ```
 */
export async function dareCheckpoint(options: DareCheckpointOptions): Promise<DareCheckpointResult> {
  const resolved = resolveDeltaPruneOptions(options);
  for (const field of ['base', 'finetuned', 'output'] as const) {
    if (typeof options[field] !== 'string' || options[field] === '') {
      throw new SparseError('E_CONFIG', `${field} must be a file path; got ${echoValue(options[field])}.`, { field, received: options[field] });
    }
  }
  const chunkElements = options.chunkElements ?? DEFAULT_CHUNK_ELEMENTS;
  if (!Number.isSafeInteger(chunkElements) || chunkElements < 1 || chunkElements > 1 << 26) {
    throw new SparseError('E_CONFIG', `chunkElements must be an integer in [1, 2^26]; got ${String(chunkElements)}.`, { field: 'chunkElements', received: chunkElements, allowed: '[1, 2^26]' });
  }
  assertLittleEndian();
  const basePath = resolve(options.base);
  const tunedPath = resolve(options.finetuned);
  const outputPath = resolve(options.output);
  await checkOutput(outputPath, [basePath, tunedPath]);

  const base = await openRawSafetensors(basePath, 'base');
  let tuned: RawSafetensors | undefined;
  try {
    tuned = await openRawSafetensors(tunedPath, 'finetuned');
    const problems = findMismatches(base.header.tensors, tuned.header.tensors, resolved.exclude, { base: basePath, finetuned: tunedPath });
    if (problems.length > 0) {
      throw new SparseError('E_FORMAT', `The base and fine-tuned checkpoints do not match (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was written:\n${listProblems(problems)}`, {
        field: 'finetuned',
        received: problems,
      });
    }
    return await prune(base, tuned, resolved, outputPath, chunkElements);
  } finally {
    await base.handle.close();
    if (tuned !== undefined) await tuned.handle.close();
  }
}

async function prune(base: RawSafetensors, tuned: RawSafetensors, options: ResolvedDeltaPruneOptions, outputPath: string, chunkElements: number): Promise<DareCheckpointResult> {
  const baseInfos = new Map(base.header.tensors.map((info) => [info.name, info]));
  const reader = new PairReader(base, tuned, chunkElements);
  const sources = new Map<string, DeltaTensorSource>();
  const skipped = new Map<string, string>();
  for (const info of tuned.header.tensors) {
    const baseInfo = baseInfos.get(info.name);
    if (isExcluded(info.name, options.exclude)) skipped.set(info.name, 'matches exclude');
    else if (!isDeltaDtype(info.dtype)) skipped.set(info.name, `${info.dtype} holds no float delta`);
    else if (baseInfo !== undefined) sources.set(info.name, reader.source(baseInfo, info, info.dtype));
  }
  const scratch = createScratch(chunkElements);
  const decisions = await planDeltaPruning([...sources.values()], options, scratch);

  const { bytes: header, tensors: layout } = buildSafetensorsHeader(
    tuned.header.tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    metadataOf(tuned, options, base.path),
  );
  const rows: DeltaTensorReport[] = [];
  await writeFileAtomic(outputPath, async (handle) => {
    const output: PositionalOutput = { write: (bytes, position) => writeAll(handle, bytes, position) };
    await output.write(header, 0);
    const outputs = [new Uint8Array(chunkElements * 8), new Uint8Array(chunkElements * 8)] as const;
    for (const [index, info] of tuned.header.tensors.entries()) {
      const position = header.byteLength + (layout[index]?.dataOffsets[0] ?? 0);
      const source = sources.get(info.name);
      const decision = decisions.get(info.name);
      const row = { name: info.name, dtype: info.dtype, shape: info.shape, elementCount: info.elementCount };
      if (source === undefined || decision === undefined) {
        await copyTensor(tuned, info, output, position, outputs[0]);
        const reason = skipped.get(info.name) ?? 'kept';
        rows.push({ ...row, status: reason === 'matches exclude' ? 'excluded' : 'copied', dropped: 0, scale: 1, reason });
        continue;
      }
      const dropped = await writePruned(source, decision, scratch, outputs, output, position);
      rows.push({ ...row, status: 'pruned', dropped, scale: decision.scale });
    }
  });
  const bytesWritten = header.byteLength + tuned.header.tensors.reduce((sum, info) => sum + info.byteLength, 0);
  return { report: buildDeltaReport(options, rows), output: outputPath, bytesWritten };
}
