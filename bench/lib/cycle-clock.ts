/**
 * The core's clock as a WebAssembly kernel sees it: a chain of dependent `i32.add` (latency one
 * cycle on x86-64, so one add per cycle), timed. Run next to a throughput kernel, it turns that
 * kernel's operations per second into operations per cycle, which on a VM whose clock moves with
 * the host's load (here 2.7 to 3.6 GHz between runs) compares better than GFLOP/s.
 */
import { encodeModule, I32, op } from './wasm-encode.js';

/** Dependent adds per loop iteration. */
export const ADDS_PER_ITERATION = 64;

/**
 * `(iterations, y) → x` with `x ← x + y` repeated {@link ADDS_PER_ITERATION} times per
 * iteration (`iterations ≥ 1`): returns `iterations · 64 · y` (mod 2³²), so nothing is dead code.
 * TurboFan keeps the chain (it does not reassociate adds of a non-constant), checked on V8 11.3
 * with `--print-wasm-code`: 64 `addl` in a row.
 *
 * @example
 * ```ts
 * const chain = dependentAddChain();
 * chain(1000, 1); // 64000
 * ```
 */
export function dependentAddChain(): (iterations: number, y: number) => number {
  const [ITERATIONS, Y, X] = [0, 1, 2];
  const body: number[] = [];
  for (let i = 0; i < ADDS_PER_ITERATION; i++) body.push(...op.localGet(X), ...op.localGet(Y), ...op.i32Add, ...op.localSet(X));
  body.push(...op.localGet(ITERATIONS), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(ITERATIONS), ...op.brIf(0));
  const code = [...op.loop(body), ...op.localGet(X)];
  const module = new WebAssembly.Module(encodeModule([{ exportName: 'chain', params: [I32, I32], results: [I32], locals: [[1, I32]], code }]));
  return (new WebAssembly.Instance(module).exports as { chain: (iterations: number, y: number) => number }).chain;
}
