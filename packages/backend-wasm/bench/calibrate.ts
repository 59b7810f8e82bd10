/**
 * The data behind `prefersExplicitTranspose` (src/fast-kernels/explicit-transpose-policy.ts): for
 * each transposed form and a grid of sizes, the ratio stock time / explicit-route time (above 1:
 * the explicit transpose is faster). Run: pnpm --filter @sparse/backend-wasm bench:calibrate
 *
 * m = rows of the result, k = the contracted size, n = columns of the result.
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmBackendProvider } from '../src/index.js';
import { installFastKernelsWith } from '../src/fast-kernels/install-fast-kernels.js';
import { stockVsFast } from './timing.js';

const ROWS = [1, 2, 4, 8, 16, 64];
const INNER_AND_COLUMNS: [number, number][] = [[1, 784], [10, 10], [10, 100], [100, 10], [100, 100], [784, 1], [784, 10], [10, 784], [784, 300], [300, 784], [784, 784]];
const FORMS = [
  { name: 'matMul(a, b, true, false)', transposeA: true, transposeB: false },
  { name: 'matMul(a, b, false, true)', transposeA: false, transposeB: true },
  { name: 'matMul(a, b, true, true)', transposeA: true, transposeB: true },
];

/** A rule that always takes the explicit route, to compare it with stock everywhere. */
const alwaysExplicit = (g: { transposeA: boolean; transposeB: boolean }): boolean => g.transposeA || g.transposeB;
const installAlwaysExplicit = (): boolean => installFastKernelsWith(alwaysExplicit);

await wasmBackendProvider.activate();
for (const form of FORMS) {
  console.log(`\n${form.name}: stock ms / explicit-transpose ms`);
  console.log(['k', 'n', ...ROWS.map((m) => `m=${m}`)].map((cell) => cell.padStart(7)).join(''));
  for (const [k, n] of INNER_AND_COLUMNS) {
    const cells = ROWS.map((m) => {
      const a = tf.randomNormal(form.transposeA ? [k, m] : [m, k], 0, 1, 'float32', 1);
      const b = tf.randomNormal(form.transposeB ? [n, k] : [k, n], 0, 1, 'float32', 2);
      const timing = stockVsFast(() => tf.matMul(a, b, form.transposeA, form.transposeB).dispose(), { warmup: 3, rounds: 15 }, installAlwaysExplicit);
      tf.dispose([a, b]);
      return (timing.stockMs / timing.fastMs).toFixed(2);
    });
    console.log([String(k), String(n), ...cells].map((cell) => cell.padStart(7)).join(''));
  }
}
