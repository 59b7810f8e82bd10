/**
 * Entry of a dense trainer's worker thread (internal module of `parallel/`): binds its
 * {@link TrainerParticipant} to the shared memory, then runs its share of each step the main
 * thread commands, spinning briefly and then sleeping on the shared control array between them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { COMMAND, CONTROL, markFailed, SPINS_BEFORE_SLEEP } from './barrier.js';
import type { TrainerLayout } from './trainer-layout.js';
import { TrainerParticipant } from './trainer-participant.js';

/** What the main thread hands each worker. */
export interface TrainerWorkerData {
  readonly layout: TrainerLayout;
  readonly index: number;
  readonly learningRate: number;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
}

const data = workerData as TrainerWorkerData;
const control = new Int32Array(data.control);

/** Waits until the command sequence moves past `seen`; returns the new sequence. */
function nextCommand(seen: number): number {
  for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++) {
    const sequence = Atomics.load(control, CONTROL.sequence);
    if (sequence !== seen) return sequence;
  }
  for (;;) {
    Atomics.wait(control, CONTROL.sequence, seen);
    const sequence = Atomics.load(control, CONTROL.sequence);
    if (sequence !== seen || Atomics.load(control, CONTROL.failed) !== 0) return sequence;
  }
}

try {
  const participant = new TrainerParticipant(data.layout, data.index, data.memory, control, data.learningRate);
  // Read before announcing readiness: the main thread gives its first command only after that.
  let seen = Atomics.load(control, CONTROL.sequence);
  parentPort?.postMessage({ ready: true });
  for (;;) {
    seen = nextCommand(seen);
    if (Atomics.load(control, CONTROL.failed) !== 0) break;
    const command = Atomics.load(control, CONTROL.command);
    if (command === COMMAND.exit) break;
    if (command === COMMAND.step) participant.step();
  }
} catch (error) {
  markFailed(control);
  throw error;
}
