import { Random, SparseError } from '@sparse/core';

/**
 * A uniform random sample of rows (tokens) of fixed width, of at most `capacity` rows, by
 * reservoir sampling (Vitter's algorithm R with a seeded `Random` of `@sparse/core`): while fewer rows than the
 * capacity were offered it keeps every row; after that each offered row replaces a random kept row
 * with probability `capacity / seen`. Each kept row remembers the batch it came from.
 *
 * @example
 * ```ts
 * import { RowReservoir } from '@sparse/activation';
 *
 * const reservoir = new RowReservoir({ width: 4, capacity: 1000, seed: 7 });
 * reservoir.add(new Float32Array(4 * 10), 0); // ten rows of batch 0
 * console.log(reservoir.size, reservoir.seen); // 10 10
 * ```
 */
export class RowReservoir {
  /** Values per row. */
  readonly width: number;
  /** Most rows kept. */
  readonly capacity: number;
  private data: Float32Array;
  private batchOf: Int32Array;
  private kept = 0;
  private offered = 0;
  private readonly random: Random;

  /**
   * @throws SparseError `E_ARGUMENT` unless `width` and `capacity` are positive integers.
   */
  constructor(options: { readonly width: number; readonly capacity: number; readonly seed: number }) {
    const { width, capacity, seed } = options;
    for (const [field, value] of [['width', width], ['capacity', capacity]] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new SparseError('E_ARGUMENT', `${field} must be a positive integer, got ${String(value)}.`, { field, received: value });
      }
    }
    this.width = width;
    this.capacity = capacity;
    this.random = new Random(seed);
    const initial = Math.min(capacity, 1024);
    this.data = new Float32Array(initial * width);
    this.batchOf = new Int32Array(initial);
  }

  /** Rows kept. */
  get size(): number {
    return this.kept;
  }

  /** Rows offered so far. */
  get seen(): number {
    return this.offered;
  }

  /** Whether some offered rows were left out (the sample is then random). */
  get sampled(): boolean {
    return this.offered > this.kept;
  }

  /** Offers the rows of `values` (row-major, `width` per row), all from batch `batch`. */
  add(values: Float32Array, batch: number): void {
    const width = this.width;
    const rows = Math.floor(values.length / width);
    for (let r = 0; r < rows; r += 1) {
      this.offered += 1;
      let slot: number;
      if (this.kept < this.capacity) {
        slot = this.kept;
        this.kept += 1;
        this.grow(this.kept);
      } else {
        slot = this.random.nextInt(this.offered);
        if (slot >= this.capacity) continue;
      }
      this.data.set(values.subarray(r * width, (r + 1) * width), slot * width);
      this.batchOf[slot] = batch;
    }
  }

  /** The kept rows, row-major (`size × width` values; a view, do not modify). */
  rows(): Float32Array {
    return this.data.subarray(0, this.kept * this.width);
  }

  /** The batch of each kept row (a view, do not modify). */
  batches(): Int32Array {
    return this.batchOf.subarray(0, this.kept);
  }

  private grow(rows: number): void {
    if (rows <= this.batchOf.length) return;
    const next = Math.min(this.capacity, Math.max(rows, this.batchOf.length * 2));
    const data = new Float32Array(next * this.width);
    data.set(this.data);
    const batchOf = new Int32Array(next);
    batchOf.set(this.batchOf);
    this.data = data;
    this.batchOf = batchOf;
  }
}
