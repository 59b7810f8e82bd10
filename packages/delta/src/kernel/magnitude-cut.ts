/**
 * Exact-count selection of the smallest |δ| by a two-level radix histogram over float32 keys, in
 * as many streaming passes as needed and O(65536) memory (internal module).
 *
 * Key of an entry: the bits of `fround(|δ|)` plus one, NaN mapped to 0 (dropped first). Keys order
 * entries like their magnitudes.
 */

const BUCKETS = 65536;
const MAX_FINITE_BITS = 0x7f800000;

/** The key of the `i`-th entry of a float32 |δ| chunk's bits. */
export function keyAt(bits: Uint32Array, i: number): number {
  const b = bits[i] as number;
  return b > MAX_FINITE_BITS ? 0 : b + 1;
}

/** Where a selection cuts: every key below `key` is dropped, plus the first `ties` equal to it. */
export interface Cut {
  readonly key: number;
  readonly ties: number;
}

/** A cut dropping nothing. */
export const DROP_NONE: Cut = Object.freeze({ key: 0, ties: 0 });
/** A cut dropping everything. */
export const DROP_ALL: Cut = Object.freeze({ key: 2 ** 32, ties: 0 });

/** Finds the cut that drops exactly `target` entries, fed key chunks in two passes. */
export class RadixSelect {
  private readonly high = new Float64Array(BUCKETS);
  private readonly low = new Float64Array(BUCKETS);
  private bucket = -1;
  private need = 0;

  constructor(private readonly target: number) {}

  /** Pass 1: counts keys by their high 16 bits. */
  addHigh(bits: Uint32Array, n: number): void {
    const high = this.high;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      const k = b > MAX_FINITE_BITS ? 0 : b + 1;
      high[k >>> 16] = (high[k >>> 16] as number) + 1;
    }
  }

  /** Ends pass 1: the bucket holding the cut. Returns the number of keys in buckets below it. */
  endHigh(): number {
    let below = 0;
    for (let h = 0; h < BUCKETS; h++) {
      const count = this.high[h] as number;
      if (below + count >= this.target) {
        this.bucket = h;
        this.need = this.target - below;
        return below;
      }
      below += count;
    }
    throw new Error(`RadixSelect: asked for ${this.target} keys, saw ${below}.`);
  }

  /** The high bucket chosen by {@link RadixSelect.endHigh}. */
  get highBucket(): number {
    return this.bucket;
  }

  /** Pass 2: counts the keys of the chosen high bucket by their low 16 bits; returns how many it saw. */
  addLow(bits: Uint32Array, n: number): number {
    const low = this.low;
    const bucket = this.bucket;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      const k = b > MAX_FINITE_BITS ? 0 : b + 1;
      if (k >>> 16 === bucket) {
        low[k & 0xffff] = (low[k & 0xffff] as number) + 1;
        seen++;
      }
    }
    return seen;
  }

  /** Ends pass 2: the cut key and how many entries equal to it are dropped. */
  endLow(): Cut {
    let below = 0;
    for (let l = 0; l < BUCKETS; l++) {
      const count = this.low[l] as number;
      if (below + count >= this.need) return { key: this.bucket * BUCKETS + l, ties: this.need - below };
      below += count;
    }
    throw new Error('RadixSelect: the second pass saw fewer keys than the first.');
  }
}

/** Counts the keys equal to `key` in a chunk. */
export function countEqual(bits: Uint32Array, n: number, key: number): number {
  let equal = 0;
  for (let i = 0; i < n; i++) if (keyAt(bits, i) === key) equal++;
  return equal;
}

/** Drop flags from a cut, consumed chunk by chunk in flat order (ties: lowest index first). */
export class CutDrops {
  private tiesLeft: number;

  constructor(private readonly cut: Cut) {
    this.tiesLeft = cut.ties;
  }

  /** Writes the drop flags of the next `n` entries from their |δ| bits; returns how many are dropped. */
  fill(flags: Uint8Array, n: number, bits: Uint32Array): number {
    const key = this.cut.key;
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      const k = b > MAX_FINITE_BITS ? 0 : b + 1;
      let drop = k < key ? 1 : 0;
      if (k === key && this.tiesLeft > 0) {
        this.tiesLeft--;
        drop = 1;
      }
      flags[i] = drop;
      dropped += drop;
    }
    return dropped;
  }
}
