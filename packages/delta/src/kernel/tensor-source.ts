import type { DeltaDtype } from './float-kernels.js';

/** One chunk of a tensor's entries, as little-endian bytes (internal). */
export interface DeltaChunk {
  /** The base's bytes of the chunk; `null` when the base is zero (pruning a delta directly). */
  readonly base: Uint8Array | null;
  /** The fine-tuned model's bytes (or the delta's, when `base` is null). */
  readonly finetuned: Uint8Array;
  /** Entries in the chunk. */
  readonly n: number;
  /** Flat index of the chunk's first entry. */
  readonly offset: number;
}

/**
 * A tensor whose delta is pruned, read in chunks in flat order as many times as the method
 * needs (internal). A chunk's bytes are valid until the next chunk is requested.
 */
export interface DeltaTensorSource {
  readonly name: string;
  readonly dtype: DeltaDtype;
  readonly elementCount: number;
  chunks(): AsyncIterable<DeltaChunk>;
}

/** Default chunk size: 2^20 entries (4 MB of F32 per input). */
export const DEFAULT_CHUNK_ELEMENTS = 1 << 20;
