/**
 * Throughput of batch creation: samples/s of createBatchLoader with `host` storage (assemble each
 * batch in JavaScript, upload it) against `device` storage (upload the set once, tf.gather each
 * batch), on the cpu backend and on wasm. Prints the ratio device / host per backend; no timing
 * assertion anywhere (CONTRIBUTING: performance is measured, not tested).
 *
 *   pnpm tsx packages/datasets/bench/batch-throughput.ts [--full DIR] [--epochs N]
 *
 * Default data: the bundled subset (6,000 images). --full loads the four official files from DIR
 * (e.g. /work/shared/datasets/fashion-mnist). Two columns per mode: "create" makes and disposes the
 * batches; "create+read" also reads one number computed from x back, so that lazy uploads are paid.
 *
 * wasm comes from @tensorflow/tfjs-backend-wasm as installed for @sparse/backend-wasm (this package
 * does not depend on it); it is skipped with a note when it cannot load.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { cpuBackendProvider } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, type BatchStorage, type ImageSet } from '../src/index.js';

const { values } = parseArgs({ options: { full: { type: 'string' }, epochs: { type: 'string', default: '3' } } });
const epochs = Number(values.epochs);
const data = await loadFashionMnist(values.full === undefined ? {} : { source: { dir: values.full } });
const set: ImageSet = data.train;

async function activateWasm(): Promise<string | undefined> {
  try {
    const require = createRequire(new URL('../../backend-wasm/package.json', import.meta.url));
    await import(pathToFileURL(require.resolve('@tensorflow/tfjs-backend-wasm')).href);
    return (await tf.setBackend('wasm')) ? undefined : 'setBackend returned false';
  } catch (error) {
    return (error as Error).message;
  }
}

function measure(storage: BatchStorage, batchSize: number, read: boolean): number {
  const loader = createBatchLoader(set, { batchSize, seed: 0, storage });
  const before = tf.memory().numTensors;
  // Warm-up epoch: kernels compiled, caches filled.
  for (const { x, y } of loader.epoch(0)) tf.dispose([x, y]);
  const start = performance.now();
  let samples = 0;
  for (let epoch = 1; epoch <= epochs; epoch += 1) {
    for (const { x, y } of loader.epoch(epoch)) {
      if (read) {
        const total = tf.sum(x);
        total.dataSync();
        total.dispose();
      }
      samples += x.shape[0];
      tf.dispose([x, y]);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  loader.dispose();
  if (tf.memory().numTensors > before) throw new Error(`leak: ${tf.memory().numTensors - before} tensors`);
  return samples / seconds;
}

const format = (rate: number): string => `${Math.round(rate).toLocaleString('en-US').padStart(12)}`;
console.log(`${set.count} images × ${epochs} epochs (+1 warm-up), Node ${process.version}`);
await cpuBackendProvider.activate();
for (const backend of ['cpu', 'wasm']) {
  if (backend === 'wasm') {
    const problem = await activateWasm();
    if (problem !== undefined) {
      console.log(`wasm: skipped (${problem})`);
      continue;
    }
  }
  console.log(`\nbackend ${tf.getBackend()}: samples/s`);
  console.log(`${'batch'.padEnd(6)}${'mode'.padEnd(8)}${'create'.padStart(12)}${'create+read'.padStart(14)}`);
  for (const batchSize of [60, 128, 1000]) {
    const rates: Record<BatchStorage, [number, number]> = { host: [0, 0], device: [0, 0] };
    for (const storage of ['host', 'device'] as const) {
      rates[storage] = [measure(storage, batchSize, false), measure(storage, batchSize, true)];
      console.log(`${String(batchSize).padEnd(6)}${storage.padEnd(8)}${format(rates[storage][0])}${format(rates[storage][1]).padStart(14)}`);
    }
    console.log(`${''.padEnd(6)}${'ratio'.padEnd(8)}${(rates.device[0] / rates.host[0]).toFixed(2).padStart(12)}${(rates.device[1] / rates.host[1]).toFixed(2).padStart(14)}  (device / host)`);
  }
}
