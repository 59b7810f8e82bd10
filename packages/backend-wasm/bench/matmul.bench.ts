/**
 * Stock vs fast wasm matrix-product kernels on the dense-layer shapes of LeNet-300-100, and one
 * full training step (forward, gradients, Adam update). Run: pnpm --filter @sparse/backend-wasm bench
 *
 * Each figure is the median of alternating stock/fast rounds after warm-up; the ratio is
 * stock time / fast time (above 1: the fast kernels are faster).
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { wasmBackendProvider } from '../src/index.js';
import { LENET_300_100, lenetLoss, lenetVariables } from './lenet.js';
import { stockVsFast, type StockVsFast } from './timing.js';

const BATCHES = [60, 512] as const;

await wasmBackendProvider.activate();
const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
console.log(
  `tfjs-core ${tf.version_core}, backend ${tf.getBackend()} (SIMD ${simd ? 'on' : 'off'}, ${getThreadsCount()} thread), ` +
    `Node ${process.versions.node}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`,
);

printProducts();
printTrainingSteps();

function printProducts(): void {
  const rows: string[][] = [];
  for (const batch of BATCHES) {
    for (let layer = 0; layer + 1 < LENET_300_100.length; layer++) {
      const inputs = LENET_300_100[layer] ?? 0;
      const units = LENET_300_100[layer + 1] ?? 0;
      const [x, w, dy] = [tf.randomNormal([batch, inputs], 0, 1, 'float32', 1), tf.randomNormal([inputs, units], 0, 1, 'float32', 2), tf.randomNormal([batch, units], 0, 1, 'float32', 3)];
      const products: [string, string, () => tf.Tensor][] = [
        ['y  = x·W', `[${batch},${inputs}]·[${inputs},${units}]`, () => tf.matMul(x, w)],
        ['dW = xᵀ·dy', `matMul(x, dy, true, false)`, () => tf.matMul(x, dy, true, false)],
        ['dx = dy·Wᵀ', `matMul(dy, W, false, true)`, () => tf.matMul(dy, w, false, true)],
      ];
      for (const [name, call, product] of products) {
        const rounds = batch * inputs * units > 5e6 ? 9 : 21;
        const timing = stockVsFast(() => product().dispose(), { warmup: 3, rounds });
        rows.push([String(batch), `${inputs}→${units}`, name, call, ...figures(timing, (ms) => ms.toFixed(3))]);
      }
      tf.dispose([x, w, dy]);
    }
  }
  printTable('Dense-layer products (ms per call, median)', ['batch', 'layer', 'product', 'call', 'stock ms', 'fast ms', 'ratio'], rows);
}

function printTrainingSteps(): void {
  const rows: string[][] = [];
  for (const batch of BATCHES) {
    const variables = lenetVariables(7);
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomNormal([batch, 784], 0, 1, 'float32', 11) as tf.Tensor2D;
    const labels = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 13) as tf.Tensor1D, 10), 'float32') as tf.Tensor2D);
    const step = (): void => {
      const cost = optimizer.minimize(() => lenetLoss(variables, x, labels), true, variables);
      cost?.dataSync();
      cost?.dispose();
    };
    const timing = stockVsFast(step, { warmup: 3, rounds: batch > 100 ? 9 : 21 });
    const perSecond = (ms: number): number => (batch * 1000) / ms;
    rows.push([String(batch), timing.stockMs.toFixed(2), timing.fastMs.toFixed(2), perSecond(timing.stockMs).toFixed(0), perSecond(timing.fastMs).toFixed(0), `${(timing.stockMs / timing.fastMs).toFixed(2)}x`]);
    optimizer.dispose();
    tf.dispose([...variables, x, labels]);
  }
  printTable(
    'LeNet-300-100 training step (forward, gradients, Adam), median',
    ['batch', 'stock ms', 'fast ms', 'stock samples/s', 'fast samples/s', 'ratio'],
    rows,
  );
}

function figures(timing: StockVsFast, format: (ms: number) => string): string[] {
  return [format(timing.stockMs), format(timing.fastMs), `${(timing.stockMs / timing.fastMs).toFixed(2)}x`];
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column < 4 && header.length > 6 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log(`\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}
