/**
 * A reusable barrier for worker threads over a shared Int32Array of two slots
 * ([0] arrivals, [1] generation): the last of `parties` to arrive starts the next generation
 * and wakes the others.
 */
export function barrier(control: Int32Array, parties: number): void {
  const generation = Atomics.load(control, 1);
  if (Atomics.add(control, 0, 1) === parties - 1) {
    Atomics.store(control, 0, 0);
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  } else {
    while (Atomics.load(control, 1) === generation) Atomics.wait(control, 1, generation);
  }
}
