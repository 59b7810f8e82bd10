/**
 * Reusable work buffers of the drop-and-grow step (internal): a mask update of LeNet-300-100 would
 * otherwise allocate (and zero, and later collect) several megabytes of typed arrays per update.
 * Single-threaded: a caller takes the buffers with {@link takeScratch} and gives them back with
 * {@link releaseScratch}; a nested call (a `dropCount` callback that itself drops and grows) gets
 * fresh buffers instead of sharing them.
 */
export interface Scratch {
  /** Flat indices (candidates, kept entries, …). */
  indices: Uint32Array;
  /** A second list of flat indices. */
  indices2: Uint32Array;
  /** Float32 scores, one per entry of `indices`. */
  scores: Float32Array;
  /** A copy of the scores for the quickselect, which reorders it. */
  work: Float32Array;
  /** The virtual Fisher–Yates' displaced values and their stamps (`stamp[p] === generation`). */
  displaced: Uint32Array;
  stamps: Uint32Array;
  generation: number;
}

let shared: Scratch | null = null;
let busy = false;

function fresh(): Scratch {
  return { indices: new Uint32Array(0), indices2: new Uint32Array(0), scores: new Float32Array(0), work: new Float32Array(0), displaced: new Uint32Array(0), stamps: new Uint32Array(0), generation: 0 };
}

/** The shared buffers (or fresh ones for a nested call); give them back with {@link releaseScratch}. */
export function takeScratch(): Scratch {
  if (busy) return fresh();
  busy = true;
  shared ??= fresh();
  return shared;
}

/** Gives back the buffers of {@link takeScratch}. */
export function releaseScratch(scratch: Scratch): void {
  if (scratch === shared) busy = false;
}

/** `buffer` if it holds at least `size` elements, else a larger one (contents not kept). */
export function atLeast<T extends Uint32Array | Float32Array>(buffer: T, size: number, make: (size: number) => T): T {
  return buffer.length >= size ? buffer : make(Math.max(size, Math.ceil(buffer.length * 1.5)));
}
