/**
 * Entry of a dense trainer's worker thread (internal module of `parallel/`): binds its
 * {@link TrainerParticipant} to the shared memory, then runs its share of each step the main
 * thread commands, spinning briefly and then sleeping on the shared control array between them.
 *
 * It runs as a Node worker thread (its data is `workerData`, its readiness a message on
 * `parentPort`) or as a browser's module Web Worker (its data is the first message it receives,
 * its readiness a message back). Node's module is reached through `process.getBuiltinModule`,
 * so a browser bundle of this file imports nothing from Node.
 */
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

/** Waits until the command sequence moves past `seen`; returns the new sequence. */
function nextCommand(control: Int32Array, seen: number): number {
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

/** Binds the participant, says it is ready, and runs commands until told to exit (or a participant failed). */
function serve(data: TrainerWorkerData, reply: (message: { ready: true }) => void): void {
  const control = new Int32Array(data.control);
  try {
    const participant = new TrainerParticipant(data.layout, data.index, data.memory, control, data.learningRate);
    // Read before announcing readiness: the main thread gives its first command only after that.
    let seen = Atomics.load(control, CONTROL.sequence);
    reply({ ready: true });
    for (;;) {
      seen = nextCommand(control, seen);
      if (Atomics.load(control, CONTROL.failed) !== 0) break;
      const command = Atomics.load(control, CONTROL.command);
      if (command === COMMAND.exit) break;
      if (command === COMMAND.step) participant.step();
      else if (command === COMMAND.gradients) participant.gradients();
    }
  } catch (error) {
    markFailed(control);
    throw error;
  }
}

/** A Web Worker's global scope, as far as this file uses it. */
interface WebWorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<TrainerWorkerData>) => void, options: { once: true }): void;
  postMessage(message: unknown): void;
}

const node = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:worker_threads') : undefined;
if (node !== undefined) {
  const { parentPort, workerData } = node;
  serve(workerData as TrainerWorkerData, (message) => parentPort?.postMessage(message));
} else {
  const scope = globalThis as unknown as WebWorkerScope;
  scope.addEventListener('message', (event) => serve(event.data, (message) => scope.postMessage(message)), { once: true });
}
