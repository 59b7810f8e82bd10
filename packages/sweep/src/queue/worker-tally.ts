/**
 * Units done, running and failed per worker, as one progress line.
 *
 * @example
 * ```ts
 * import { WorkerTally } from '@sparse/sweep';
 *
 * const tally = new WorkerTally();
 * tally.finished('host-1', 'done');
 * console.log(tally.line(new Map([['u2', 'host-2']]), { done: 1, failed: 0, total: 3 }));
 * // 1/3 done, 1 running, 0 failed | host-1: 1 done, 0 running, 0 failed | host-2: 0 done, 1 running, 0 failed
 * ```
 */
export class WorkerTally {
  readonly #done = new Map<string, number>();
  readonly #failed = new Map<string, number>();

  /** Counts a unit a worker finished or failed for good. */
  finished(worker: string, how: 'done' | 'failed'): void {
    const counts = how === 'done' ? this.#done : this.#failed;
    counts.set(worker, (counts.get(worker) ?? 0) + 1);
  }

  /** The progress line, given which worker runs which unit now. */
  line(running: ReadonlyMap<string, string>, totals: { readonly done: number; readonly failed: number; readonly total: number }): string {
    const busy = new Map<string, number>();
    for (const worker of running.values()) busy.set(worker, (busy.get(worker) ?? 0) + 1);
    const workers = [...new Set([...this.#done.keys(), ...this.#failed.keys(), ...busy.keys()])].sort();
    const parts = workers.map((worker) => `${worker}: ${this.#done.get(worker) ?? 0} done, ${busy.get(worker) ?? 0} running, ${this.#failed.get(worker) ?? 0} failed`);
    return [`${totals.done}/${totals.total} done, ${running.size} running, ${totals.failed} failed`, ...parts].join(' | ');
  }
}
