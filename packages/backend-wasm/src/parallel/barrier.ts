import { SparseError } from '@sparse/core';

/** Slots of the control array shared by the participants (threads) of a dense trainer. */
export const CONTROL = {
  /** Barrier: participants arrived in the current generation. */
  arrivals: 0,
  /** Barrier: generation, bumped by the last arrival. */
  generation: 1,
  /** Command sequence number, bumped by the main thread for each command. */
  sequence: 2,
  /** The current command ({@link COMMAND}). */
  command: 3,
  /** Non-zero once any participant failed; waiting participants then give up. */
  failed: 4,
  /** Rows of the batch of the current step (a dense trainer's last batch of an epoch may be short). */
  rows: 5,
  /** Number of slots. */
  length: 6,
} as const;

/** Commands the main thread gives the workers: a training step, a gradients-only pass (no update), or exit. */
export const COMMAND = { step: 1, gradients: 2, exit: 3 } as const;

/**
 * Checks of the shared word before a waiting participant sleeps (`Atomics.wait`): about 2 ms of
 * spinning. Phases of a step last tens to hundreds of microseconds, the main thread takes a few
 * hundred between steps (the next batch), and waking a sleeping thread costs about as much; with
 * 20,000 checks (~0.2 ms) a 2-thread LeNet step measured 1.76–2.44 ms (median of 12 rounds, three
 * runs), with 200,000 1.66–1.72 ms.
 */
export const SPINS_BEFORE_SLEEP = 200_000;

/** A participant that waits this long at a barrier gives up: the others cannot be making progress. */
export const BARRIER_TIMEOUT_MS = 120_000;

/**
 * Waits until all `parties` participants have arrived. Throws instead of waiting for ever when a
 * participant has failed (`control[CONTROL.failed]` set) or after {@link BARRIER_TIMEOUT_MS}.
 */
export function barrier(control: Int32Array, parties: number): void {
  const generation = Atomics.load(control, CONTROL.generation);
  if (Atomics.add(control, CONTROL.arrivals, 1) === parties - 1) {
    Atomics.store(control, CONTROL.arrivals, 0);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    return;
  }
  for (let spin = 0; spin < SPINS_BEFORE_SLEEP; spin++) {
    if (Atomics.load(control, CONTROL.generation) !== generation) return;
  }
  const started = Date.now();
  while (Atomics.load(control, CONTROL.generation) === generation) {
    if (Date.now() - started > BARRIER_TIMEOUT_MS) {
      markFailed(control);
      throw new SparseError('E_INTERNAL', `The threads of the dense trainer stopped meeting (a participant waited ${BARRIER_TIMEOUT_MS / 1000} s at a barrier); the trainer cannot continue.`);
    }
    if (Atomics.load(control, CONTROL.failed) !== 0) {
      throw new SparseError('E_INTERNAL', 'A worker thread of the dense trainer failed; the trainer cannot continue (its error was reported on the worker).');
    }
    Atomics.wait(control, CONTROL.generation, generation, 50);
  }
}

/** Marks the group failed and wakes every waiting participant. */
export function markFailed(control: Int32Array): void {
  Atomics.store(control, CONTROL.failed, 1);
  Atomics.notify(control, CONTROL.generation);
  Atomics.notify(control, CONTROL.sequence);
}
