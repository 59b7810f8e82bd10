/**
 * Entry of a dense trainer's worker thread (internal module of `parallel/`): starts the wasm
 * backend with the fast kernels, builds its {@link SplitParticipant}, then serves the main
 * thread's commands, blocking on the shared control array between them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime } from '@sparse/core';
import { wasmBackend } from '../wasm-backend.js';
import { barrier, COMMAND, CONTROL, markFailed } from './barrier.js';
import type { SplitLayout } from './split-layout.js';
import { SplitParticipant, type SplitInitialValues } from './split-participant.js';

/** What the main thread hands each worker. */
export interface SplitWorkerData {
  readonly layout: SplitLayout;
  readonly index: number;
  readonly learningRate: number;
  readonly initial: SplitInitialValues;
  readonly control: ArrayBufferLike;
  readonly batch: ArrayBufferLike;
  readonly exchange: ArrayBufferLike;
  readonly gather: ArrayBufferLike;
}

const data = workerData as SplitWorkerData;
const control = new Int32Array(data.control);
try {
  await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
  const shared = { control, batch: new Float32Array(data.batch), exchange: new Float32Array(data.exchange), gather: new Float32Array(data.gather) };
  const participant = new SplitParticipant(data.layout, data.index, data.initial, data.learningRate, shared);
  const { batch, sizes } = data.layout;
  const inputs = sizes[0] as number;
  const classes = sizes[sizes.length - 1] as number;
  // Read before announcing readiness: the main thread gives its first command only after that.
  let seen = Atomics.load(control, CONTROL.sequence);
  parentPort?.postMessage({ ready: true });
  for (;;) {
    Atomics.wait(control, CONTROL.sequence, seen);
    const sequence = Atomics.load(control, CONTROL.sequence);
    if (sequence === seen) continue;
    seen = sequence;
    if (Atomics.load(control, CONTROL.failed) !== 0) break;
    const command = Atomics.load(control, CONTROL.command);
    if (command === COMMAND.exit) break;
    if (command === COMMAND.step) {
      const x = tf.tensor2d(shared.batch.subarray(0, batch * inputs), [batch, inputs]);
      const y = tf.tensor2d(shared.batch.subarray(batch * inputs, batch * (inputs + classes)), [batch, classes]);
      try {
        participant.step(x, y);
      } finally {
        tf.dispose([x, y]);
      }
    } else if (command === COMMAND.gather) {
      participant.writeBlocks();
      barrier(control, data.layout.participants);
    }
  }
  participant.dispose();
} catch (error) {
  markFailed(control);
  throw error;
}
