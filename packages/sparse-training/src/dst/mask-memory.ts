/**
 * The masks the drop-and-grow step returned lately, remembered with their active entries (internal).
 * A mask update's input mask is, most of the time, exactly the mask the previous update of that
 * layer returned (the engine installed it and reads it back): when its bytes are equal to a
 * remembered copy (a native `memcmp`, Node's `Buffer.compare`), the step takes the remembered
 * ascending list of active entries instead of its pass over the whole mask, whose checks the copy
 * passed when it was made. Nothing else is taken from memory, so a result never depends on it;
 * without Node's `Buffer` (a browser) nothing is remembered.
 */

interface Remembered {
  /** A private copy of a returned mask (holds only 0 and 1). */
  copy: Float32Array;
  /** Its active entries, ascending, in `active[0..count)`. */
  active: Uint32Array;
  count: number;
  used: number;
}

interface BufferLike {
  compare(a: Uint8Array, b: Uint8Array): number;
}

const nodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
/** At most this many masks, and this many entries in all (64 MiB of copies). */
const MAX_MASKS = 16;
const MAX_ENTRIES = 1 << 24;
const memory: Remembered[] = [];
let clock = 0;

const bytesOf = (values: Float32Array | Uint32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** The remembered mask bit for bit equal to `mask`, if any. */
export function recallMask(mask: Float32Array): Remembered | undefined {
  if (nodeBuffer === undefined || mask.length === 0) return undefined;
  let bytes: Uint8Array | undefined;
  for (const entry of memory) {
    if (entry.copy.length !== mask.length) continue;
    bytes ??= bytesOf(mask);
    if (nodeBuffer.compare(bytes, bytesOf(entry.copy)) === 0) {
      entry.used = ++clock;
      return entry;
    }
  }
  return undefined;
}

/**
 * Remembers `mask` (copied) with its active entries `active[0..count)`, ascending, in place of the
 * least recently used mask of the same length when full (reusing its buffers), else of the least
 * recently used one.
 */
export function rememberMask(mask: Float32Array, active: Uint32Array, count: number): void {
  if (nodeBuffer === undefined || mask.length === 0 || mask.length > MAX_ENTRIES) return;
  let total = mask.length;
  for (const other of memory) total += other.copy.length;
  let reused: Remembered | undefined;
  while (memory.length > 0 && (memory.length >= MAX_MASKS || total > MAX_ENTRIES)) {
    // The least recently used mask, of the same length if there is one (its buffers are then reused).
    let oldest = reused === undefined ? leastRecentlyUsed(mask.length) : -1;
    if (oldest < 0) oldest = leastRecentlyUsed(-1);
    const [evicted] = memory.splice(oldest, 1) as [Remembered];
    total -= evicted.copy.length;
    if (evicted.copy.length === mask.length) reused = evicted;
  }
  const entry = reused ?? { copy: new Float32Array(mask.length), active: new Uint32Array(0), count: 0, used: 0 };
  memory.push(entry);
  entry.copy.set(mask);
  if (entry.active.length < count) entry.active = new Uint32Array(Math.max(count, Math.ceil(entry.active.length * 1.25)));
  entry.active.set(active.subarray(0, count));
  entry.count = count;
  entry.used = ++clock;
}

/** The index in `memory` of the least recently used mask of `length` entries (any length for −1), or −1. */
function leastRecentlyUsed(length: number): number {
  let oldest = -1;
  for (let e = 0; e < memory.length; e++) {
    const entry = memory[e] as Remembered;
    if (length >= 0 && entry.copy.length !== length) continue;
    if (oldest < 0 || entry.used < (memory[oldest] as Remembered).used) oldest = e;
  }
  return oldest;
}
