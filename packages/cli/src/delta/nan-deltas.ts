import { open, type FileHandle } from 'node:fs/promises';
import { SAFETENSORS_DTYPE_SIZES, decodeToFloat32, openSafetensors, type SafetensorsHeader } from '@sparse/core';

/** Elements read at a time: memory stays at a few MB whatever the tensor size. */
const CHUNK_ELEMENTS = 1 << 20;
const FLOAT_DTYPES: readonly string[] = ['F16', 'BF16', 'F32', 'F64'];

async function readHeader(path: string): Promise<SafetensorsHeader> {
  const file = await openSafetensors(path);
  await file.close();
  return file.header;
}

async function readChunk(handle: FileHandle, buffer: Uint8Array, length: number, position: number): Promise<Uint8Array> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buffer.subarray(0, done);
}

/**
 * Counts the NaN deltas `F − B` of the named float tensors of two safetensors checkpoints (a NaN
 * in either, or infinities of the same sign in both), streaming in chunks of 2^20 elements.
 * `sparse dare` warns with it, as `sparse prune` warns about NaN scores. Tensors without a NaN
 * delta, not float, or missing from one file are left out of the result.
 *
 * @example
 * ```ts
 * import { countNaNDeltas } from '@sparse/cli';
 *
 * for (const [name, count] of await countNaNDeltas('base.safetensors', 'tuned.safetensors', ['fc1.weight'])) console.log(name, count);
 * ```
 */
export async function countNaNDeltas(base: string, finetuned: string, names: readonly string[]): Promise<Map<string, number>> {
  const [baseHeader, tunedHeader] = await Promise.all([readHeader(base), readHeader(finetuned)]);
  const baseInfo = new Map(baseHeader.tensors.map((info) => [info.name, info]));
  const wanted = new Set(names);
  const counts = new Map<string, number>();
  const [b, f] = await Promise.all([open(base, 'r'), open(finetuned, 'r')]);
  try {
    for (const info of tunedHeader.tensors) {
      const other = baseInfo.get(info.name);
      if (!wanted.has(info.name) || !FLOAT_DTYPES.includes(info.dtype) || other?.dtype !== info.dtype || other.byteLength !== info.byteLength) continue;
      const size = SAFETENSORS_DTYPE_SIZES[info.dtype];
      const length = Math.min(info.byteLength, CHUNK_ELEMENTS * size);
      const [bBuffer, fBuffer] = [new Uint8Array(length), new Uint8Array(length)];
      let count = 0;
      for (let done = 0; done < info.byteLength; done += length) {
        const size = Math.min(length, info.byteLength - done);
        const bValues = decodeToFloat32(info.dtype, (await readChunk(b, bBuffer, size, baseHeader.dataStart + other.dataOffsets[0] + done)).slice());
        const fValues = decodeToFloat32(info.dtype, (await readChunk(f, fBuffer, size, tunedHeader.dataStart + info.dataOffsets[0] + done)).slice());
        for (let i = 0; i < fValues.length; i += 1) if (Number.isNaN((fValues[i] ?? 0) - (bValues[i] ?? 0))) count += 1;
      }
      if (count > 0) counts.set(info.name, count);
    }
  } finally {
    await Promise.all([b.close(), f.close()]);
  }
  return counts;
}
