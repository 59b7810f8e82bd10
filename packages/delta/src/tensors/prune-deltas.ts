import { SparseError } from '@sparse/core';
import { isExcluded } from '../options/exclude.js';
import { resolveDeltaPruneOptions, type DeltaPruneOptions, type ResolvedDeltaPruneOptions } from '../options/delta-prune-options.js';
import { absDeltaInto, applyInto } from '../kernel/float-kernels.js';
import { createScratch, planDeltaPruning } from '../kernel/plan.js';
import { DEFAULT_CHUNK_ELEMENTS, type DeltaChunk, type DeltaTensorSource } from '../kernel/tensor-source.js';
import { buildDeltaReport, type DeltaPruneReport, type DeltaTensorReport } from '../report/delta-report.js';
import { findMismatches, listProblems } from './compare.js';

/**
 * Named float32 tensors in memory, flat (row-major): the parameters of a model, a delta, a
 * pruned model.
 *
 * @example
 * ```ts
 * import type { NamedArrays } from '@sparse/delta';
 *
 * const weights: NamedArrays = new Map([['fc1/kernel', new Float32Array(784 * 256)]]);
 * ```
 */
export type NamedArrays = ReadonlyMap<string, Float32Array>;

/**
 * What {@link pruneDeltas} and {@link sparsifyDeltas} return: the tensors (new arrays, in the
 * order of the fine-tuned map) and a report of what was done to each.
 *
 * @example
 * ```ts
 * import { pruneDeltas, type DeltaPruneResult } from '@sparse/delta';
 *
 * const result: DeltaPruneResult = await pruneDeltas(new Map(), new Map(), { rate: 0.9 });
 * console.log(result.tensors.size, result.report.realizedRate);
 * ```
 */
export interface DeltaPruneResult {
  readonly tensors: Map<string, Float32Array>;
  readonly report: DeltaPruneReport;
}

function bytesOf(array: Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function memorySource(name: string, base: Float32Array | null, finetuned: Float32Array, chunkElements: number): DeltaTensorSource {
  const baseBytes = base === null ? null : bytesOf(base);
  const tunedBytes = bytesOf(finetuned);
  const elementCount = finetuned.length;
  return {
    name,
    dtype: 'F32',
    elementCount,
    async *chunks(): AsyncGenerator<DeltaChunk> {
      for (let offset = 0; offset < elementCount; offset += chunkElements) {
        const n = Math.min(chunkElements, elementCount - offset);
        yield {
          base: baseBytes === null ? null : baseBytes.subarray(4 * offset, 4 * (offset + n)),
          finetuned: tunedBytes.subarray(4 * offset, 4 * (offset + n)),
          n,
          offset,
        };
      }
    },
  };
}

async function run(base: NamedArrays | null, finetuned: NamedArrays, options: ResolvedDeltaPruneOptions): Promise<DeltaPruneResult> {
  let largest = 1;
  for (const array of finetuned.values()) largest = Math.max(largest, array.length);
  const chunkElements = Math.min(DEFAULT_CHUNK_ELEMENTS, largest);
  const sources = new Map<string, DeltaTensorSource>();
  for (const [name, tuned] of finetuned) {
    if (isExcluded(name, options.exclude)) continue;
    sources.set(name, memorySource(name, base === null ? null : (base.get(name) as Float32Array), tuned, chunkElements));
  }
  const scratch = createScratch(chunkElements);
  const decisions = await planDeltaPruning([...sources.values()], options, scratch);
  const tensors = new Map<string, Float32Array>();
  const rows: DeltaTensorReport[] = [];
  for (const [name, tuned] of finetuned) {
    const decision = decisions.get(name);
    const source = sources.get(name);
    if (decision === undefined || source === undefined) {
      tensors.set(name, tuned.slice());
      rows.push({ name, dtype: 'F32', shape: [tuned.length], elementCount: tuned.length, status: 'excluded', dropped: 0, scale: 1, reason: 'matches exclude' });
      continue;
    }
    const out = new Float32Array(tuned.length);
    const outBytes = bytesOf(out);
    const dropper = decision.createDropper();
    let dropped = 0;
    for await (const chunk of source.chunks()) {
      if (decision.needsAbsDelta) absDeltaInto('F32', chunk.base, chunk.finetuned, chunk.n, scratch.absDelta);
      dropped += dropper.fill(scratch.flags, chunk.n, scratch.absDelta);
      applyInto('F32', chunk.base, chunk.finetuned, chunk.n, scratch.flags, decision.scale, outBytes.subarray(4 * chunk.offset));
    }
    tensors.set(name, out);
    rows.push({ name, dtype: 'F32', shape: [tuned.length], elementCount: tuned.length, status: 'pruned', dropped, scale: decision.scale });
  }
  return { tensors, report: buildDeltaReport(options, rows) };
}

function checkArrays(label: string, arrays: NamedArrays): void {
  if (!(arrays instanceof Map)) {
    throw new SparseError('E_ARGUMENT', `${label} must be a Map from tensor name to Float32Array; got ${typeof arrays}.`, { field: label });
  }
  for (const [name, array] of arrays) {
    if (!(array instanceof Float32Array)) {
      throw new SparseError('E_ARGUMENT', `${label}.get('${name}') must be a Float32Array; got ${Object.prototype.toString.call(array)}.`, { field: `${label}.${name}` });
    }
  }
}

/**
 * Prunes the delta `δ = finetuned − base` of every tensor and returns `base + δ̃` (DARE,
 * DropOnly, DAREx-q, magnitude DPP, depending on `options`). Tensors matching `exclude`
 * (classification heads by default) are returned as fine-tuned, even when the base lacks them or
 * has another length. Same drops, per-tensor seeds and arithmetic as {@link dareCheckpoint} on
 * F32 files, so both give identical results.
 *
 * @param base - the pretrained parameters.
 * @param finetuned - the fine-tuned parameters (the output has the same names, in this order).
 * @param options - see {@link DeltaPruneOptions}.
 * @throws SparseError `E_CONFIG` for bad options, `E_ARGUMENT` when a non-excluded tensor is
 *   missing from one side or has another length (every problem listed) — before any work.
 *
 * @example
 * ```ts
 * import { pruneDeltas } from '@sparse/delta';
 *
 * const base = new Map([['fc1/kernel', new Float32Array(1000)]]);
 * const tuned = new Map([['fc1/kernel', new Float32Array(1000).fill(0.001)]]);
 * const { tensors, report } = await pruneDeltas(base, tuned, { rate: 0.9, seed: 7 });
 * // about 90% of entries are back to 0 (the base), the rest are 0.01 = 0.001 / (1 − 0.9)
 * console.log(report.realizedRate, tensors.get('fc1/kernel')?.[0]);
 * ```
 */
export async function pruneDeltas(base: NamedArrays, finetuned: NamedArrays, options: DeltaPruneOptions): Promise<DeltaPruneResult> {
  const resolved = resolveDeltaPruneOptions(options);
  checkArrays('base', base);
  checkArrays('finetuned', finetuned);
  const describe = (arrays: NamedArrays) => [...arrays].map(([name, array]) => ({ name, shape: [array.length], dtype: 'F32' }));
  const problems = findMismatches(describe(base), describe(finetuned), resolved.exclude);
  if (problems.length > 0) {
    throw new SparseError('E_ARGUMENT', `Base and fine-tuned tensors do not match (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${listProblems(problems)}`, {
      field: 'finetuned',
      received: problems,
    });
  }
  return run(base, finetuned, resolved);
}

/**
 * Prunes deltas given directly (`δ̃` from `δ`, as for merging): the same as {@link pruneDeltas}
 * with a zero base. Dropped entries become `+0`; excluded tensors are returned unchanged.
 *
 * @example
 * ```ts
 * import { sparsifyDeltas } from '@sparse/delta';
 *
 * const deltas = new Map([['w', Float32Array.from({ length: 8 }, (_, i) => i - 4)]]);
 * const { tensors } = await sparsifyDeltas(deltas, { rate: 0.5, method: 'magnitude' });
 * console.log(Array.from(tensors.get('w') ?? [])); // the 4 smallest |δ| set to 0
 * ```
 */
export async function sparsifyDeltas(deltas: NamedArrays, options: DeltaPruneOptions): Promise<DeltaPruneResult> {
  const resolved = resolveDeltaPruneOptions(options);
  checkArrays('deltas', deltas);
  return run(null, deltas, resolved);
}
