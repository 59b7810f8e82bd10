/**
 * A small deterministic random source (mulberry32) for fixtures and conformance inputs. Every
 * value drawn from it depends only on its seed, so a failing case replays exactly.
 */
export interface SeededRandom {
  /** A float in `[0, 1)`. */
  next(): number;
  /** A float in `[low, high)`, rounded to float32 so tensors hold exactly the same value. */
  uniform(low: number, high: number): number;
  /** An integer in `[low, high)`. */
  int(low: number, high: number): number;
  /** `count` float32-exact values in `[low, high)`. */
  floats(count: number, low: number, high: number): number[];
  /** `count` integers in `[low, high)`. */
  ints(count: number, low: number, high: number): number[];
}

/**
 * Creates a {@link SeededRandom} from a 32-bit seed. One seed per purpose (a case name, a tensor
 * name) comes from `deriveSeed(seed, purpose)` of `@sparse/core`, so adding a case never changes
 * the inputs of another.
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uniform = (low: number, high: number): number => Math.fround(low + (high - low) * next());
  const int = (low: number, high: number): number => low + Math.floor((high - low) * next());
  return {
    next,
    uniform,
    int,
    floats: (count, low, high) => Array.from({ length: count }, () => uniform(low, high)),
    ints: (count, low, high) => Array.from({ length: count }, () => int(low, high)),
  };
}
