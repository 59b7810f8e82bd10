import type { SafetensorsTensorInfo } from '@sparse/core';
import type { DeltaChunk, DeltaTensorSource } from '../kernel/tensor-source.js';
import { DELTA_DTYPE_SIZES, type DeltaDtype } from '../kernel/float-kernels.js';
import { readExactly, type RawSafetensors } from './raw-file.js';

interface Slot {
  readonly base: Uint8Array;
  readonly finetuned: Uint8Array;
}

/**
 * Reads the same tensor from a base and a fine-tuned file in chunks, double-buffered: while one
 * chunk is processed the next is read (internal). One scan at a time; the memory is four
 * buffers of `chunkElements × 8` bytes, whatever the model size.
 */
export class PairReader {
  private readonly slots: readonly [Slot, Slot];

  constructor(
    private readonly base: RawSafetensors,
    private readonly finetuned: RawSafetensors,
    private readonly chunkElements: number,
  ) {
    const bytes = chunkElements * 8;
    this.slots = [
      { base: new Uint8Array(bytes), finetuned: new Uint8Array(bytes) },
      { base: new Uint8Array(bytes), finetuned: new Uint8Array(bytes) },
    ];
  }

  /** A source over one tensor, described by its header entries in both files (same dtype and shape). */
  source(baseInfo: SafetensorsTensorInfo, tunedInfo: SafetensorsTensorInfo, dtype: DeltaDtype): DeltaTensorSource {
    const size = DELTA_DTYPE_SIZES[dtype];
    const { name, elementCount } = tunedInfo;
    const baseStart = this.base.header.dataStart + baseInfo.dataOffsets[0];
    const tunedStart = this.finetuned.header.dataStart + tunedInfo.dataOffsets[0];
    const { chunkElements, slots, base, finetuned } = this;
    const read = (slot: Slot, offset: number, n: number): Promise<unknown> =>
      Promise.all([
        readExactly(base.handle, slot.base, n * size, baseStart + offset * size, base.path),
        readExactly(finetuned.handle, slot.finetuned, n * size, tunedStart + offset * size, finetuned.path),
      ]);
    return {
      name,
      dtype,
      elementCount,
      async *chunks(): AsyncGenerator<DeltaChunk> {
        const count = Math.ceil(elementCount / chunkElements);
        if (count === 0) return;
        let pending: Promise<unknown> | undefined = read(slots[0], 0, Math.min(chunkElements, elementCount));
        try {
          for (let c = 0; c < count; c++) {
            await pending;
            pending = undefined;
            const offset = c * chunkElements;
            const n = Math.min(chunkElements, elementCount - offset);
            if (c + 1 < count) {
              const nextOffset = offset + chunkElements;
              pending = read(slots[(c + 1) % 2] as Slot, nextOffset, Math.min(chunkElements, elementCount - nextOffset));
            }
            const slot = slots[c % 2] as Slot;
            yield { base: slot.base.subarray(0, n * size), finetuned: slot.finetuned.subarray(0, n * size), n, offset };
          }
        } finally {
          if (pending !== undefined) await pending.catch(() => undefined);
        }
      },
    };
  }
}
