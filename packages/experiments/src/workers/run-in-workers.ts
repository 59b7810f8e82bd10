import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { echoValue, SparseError, isSparseErrorCode, tsxEsmApiUrl } from '@sparse/core';
import { BOOTSTRAP, type FromWorker, type SerializedError, type ToWorker, type WorkerBoot } from './protocol.js';

/**
 * What a job function receives besides its payload, inside the worker.
 *
 * @example
 * ```ts
 * import type { WorkerJobContext } from '@sparse/experiments';
 *
 * export async function replicate(seed: number, ctx: WorkerJobContext): Promise<number> {
 *   for (let step = 1; step <= 100; step += 1) {
 *     ctx.signal.throwIfAborted();
 *     ctx.progress(step, 100);
 *   }
 *   return seed;
 * }
 * ```
 */
export interface WorkerJobContext {
  /** The job's position in `payloads`. */
  readonly index: number;
  /** Aborted when the pool is cancelled or another job failed. */
  readonly signal: AbortSignal;
  /** Reports progress (forwarded to `onProgress` in the main thread). */
  progress(done: number, total: number): void;
  /** Sends any structured-clonable data to `onMessage` in the main thread. */
  send(data: unknown): void;
}

/**
 * The shape of a function a worker can run: exported by name from a module, called with a
 * structured-clonable payload, returning (a promise of) a structured-clonable result.
 *
 * @example
 * ```ts
 * import type { WorkerJobFunction } from '@sparse/experiments';
 *
 * export const square: WorkerJobFunction<number, number> = (value) => value * value;
 * ```
 */
export type WorkerJobFunction<P, R> = (payload: P, context: WorkerJobContext) => R | Promise<R>;

/**
 * A progress event from {@link runInWorkers}.
 *
 * @example
 * ```ts
 * import type { WorkerProgress } from '@sparse/experiments';
 *
 * const onProgress = (event: WorkerProgress) => console.log(event.name, event.kind, event.done, event.total);
 * ```
 */
export interface WorkerProgress {
  readonly index: number;
  readonly name: string;
  readonly kind: 'started' | 'progress' | 'completed';
  readonly done: number;
  readonly total: number;
}

/**
 * Options of {@link runInWorkers}.
 *
 * @example
 * ```ts
 * import type { RunInWorkersOptions } from '@sparse/experiments';
 *
 * const options: RunInWorkersOptions<number> = {
 *   module: new URL('./replicate.js', import.meta.url),
 *   exportName: 'replicate',
 *   payloads: [0, 1, 2, 3],
 *   concurrency: 2,
 * };
 * ```
 */
export interface RunInWorkersOptions<P> {
  /** The module holding the job function: a path or a `file:` URL (`.js`, or `.ts` with tsx installed). */
  readonly module: string | URL;
  /** The exported function to call; default `'default'`. */
  readonly exportName?: string;
  /** One job per payload (structured-clonable). */
  readonly payloads: readonly P[];
  /** A name per job for messages (default `job <index>`). */
  readonly jobName?: (payload: P, index: number) => string;
  /** At most this many workers at once; default `os.availableParallelism()`. */
  readonly concurrency?: number;
  /** Cancels the remaining jobs; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: WorkerProgress) => void;
  readonly onMessage?: (event: { readonly index: number; readonly name: string; readonly data: unknown }) => void;
  /** Modules each worker imports before the job module (e.g. to register loader hooks). */
  readonly preload?: readonly (string | URL)[];
  /** Extra Node.js options for the workers. */
  readonly execArgv?: readonly string[];
  /** How long a cancelled job may take to stop before its worker is terminated; default 2000 ms. */
  readonly cancelGraceMs?: number;
}

const TYPESCRIPT = /\.(ts|mts|cts)$/;

function toUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return module.startsWith('file:') ? module : pathToFileURL(resolve(module)).href;
}

function revive(error: SerializedError): Error {
  const revived = new Error(error.message);
  revived.name = error.name;
  if (error.stack !== undefined) revived.stack = error.stack;
  if (error.code !== undefined) Object.assign(revived, { code: error.code });
  return revived;
}

/** The file URL of tsx's ESM API, for workers that load TypeScript (see `tsxEsmApiUrl` of `@sparse/core`). */
function tsxApiUrl(): string {
  try {
    return tsxEsmApiUrl(import.meta.url);
  } catch (error) {
    throw new SparseError('E_NOT_FOUND', 'Running TypeScript modules in worker threads needs tsx 4; install it (`pnpm add -D tsx`) or point `module` at compiled JavaScript.', { field: 'module', allowed: ['.js', '.mjs'] }, { cause: error });
  }
}

interface Slot {
  readonly worker: Worker;
  job: number | undefined;
  exited: boolean;
  killTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Runs one job per payload in worker threads, at most `concurrency` at a time, and resolves with
 * the results in payload order. Each worker imports `module` once and calls its `exportName`
 * export (a {@link WorkerJobFunction}) for each job it is given. Progress and messages are
 * forwarded. When a job fails, the others are cancelled and the promise rejects with a
 * `SparseError` naming the job (`jobs[2] ("seed-2")`) and its error (kept as `cause`; the code
 * is kept when it was a `SparseError`, else `E_INTERNAL`). Cancelling through `signal` aborts the
 * jobs' signals, terminates workers that do not stop within `cancelGraceMs`, and rejects with the
 * signal's reason. The promise settles only after every worker has exited.
 *
 * TypeScript job modules (during development and tests) are loaded through tsx's API, which
 * each worker registers itself: `--import tsx` in a worker's `execArgv` is not applied by
 * Node.js 20.
 *
 * @example
 * ```ts
 * import { runInWorkers } from '@sparse/experiments';
 *
 * const results = await runInWorkers<number, { seed: number; accuracy: number }>({
 *   module: new URL('./replicate.js', import.meta.url),
 *   exportName: 'replicate',
 *   payloads: [0, 1, 2, 3],
 *   jobName: (seed) => `seed-${seed}`,
 *   onProgress: (event) => console.log(event.name, event.done, event.total),
 * });
 * ```
 */
export function runInWorkers<P, R>(options: RunInWorkersOptions<P>): Promise<R[]> {
  const { payloads, signal } = options;
  const exportName = options.exportName ?? 'default';
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return Promise.reject(new SparseError('E_ARGUMENT', `concurrency must be an integer >= 1, received ${String(concurrency)}.`, { field: 'concurrency', received: concurrency, allowed: '>= 1' }));
  }
  const moduleUrl = toUrl(options.module);
  if (moduleUrl.startsWith('file:') && !existsSync(fileURLToPath(moduleUrl))) {
    return Promise.reject(new SparseError('E_NOT_FOUND', `The worker module ${fileURLToPath(moduleUrl)} does not exist.`, { field: 'module', received: String(options.module) }));
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  if (payloads.length === 0) return Promise.resolve([]);
  const entry = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.ts' : './worker-entry.js', import.meta.url).href;
  let boot: WorkerBoot;
  try {
    boot = { tsx: TYPESCRIPT.test(entry) || TYPESCRIPT.test(moduleUrl) ? tsxApiUrl() : undefined, preload: (options.preload ?? []).map(toUrl), entry, module: moduleUrl, exportName };
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const names = payloads.map((payload, index) => options.jobName?.(payload, index) ?? `job ${index}`);
  const grace = options.cancelGraceMs ?? 2000;

  return new Promise<R[]>((resolvePromise, rejectPromise) => {
    const results: R[] = new Array<R>(payloads.length);
    const slots: Slot[] = [];
    let next = 0;
    let failure: { error: unknown } | undefined;

    const jobError = (index: number, cause: Error, prefix = 'failed'): SparseError => {
      const code = (cause as { code?: unknown }).code;
      const sparseCode = isSparseErrorCode(code) ? code : 'E_INTERNAL';
      return new SparseError(sparseCode, `Worker job jobs[${index}] (${echoValue(names[index])}) ${prefix}: ${cause.message}`, { field: `jobs[${index}]`, received: names[index] }, { cause });
    };

    const settleIfDone = (): void => {
      if (!slots.every((slot) => slot.exited)) return;
      signal?.removeEventListener('abort', onAbort);
      if (failure !== undefined) rejectPromise(failure.error);
      else resolvePromise(results);
    };

    const stop = (slot: Slot): void => {
      if (slot.exited) return;
      if (slot.job === undefined) {
        void slot.worker.terminate();
        return;
      }
      slot.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      slot.killTimer ??= setTimeout(() => void slot.worker.terminate(), grace);
    };

    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = { error };
      for (const slot of slots) stop(slot);
    };

    const dispatch = (slot: Slot): void => {
      slot.job = undefined;
      if (failure !== undefined || next >= payloads.length) {
        void slot.worker.terminate();
        return;
      }
      const index = next;
      next += 1;
      slot.job = index;
      options.onProgress?.({ index, name: names[index] ?? '', kind: 'started', done: 0, total: 1 });
      try {
        slot.worker.postMessage({ type: 'run', index, payload: payloads[index] } satisfies ToWorker);
      } catch (error) {
        fail(jobError(index, error instanceof Error ? error : new Error(String(error)), 'could not be sent to a worker (its payload must be structured-clonable)'));
        slot.job = undefined;
        void slot.worker.terminate();
      }
    };

    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    const count = Math.min(concurrency, payloads.length);
    for (let i = 0; i < count; i += 1) {
      const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { boot }, ...(options.execArgv === undefined ? {} : { execArgv: [...process.execArgv, ...options.execArgv] }) });
      const slot: Slot = { worker, job: undefined, exited: false, killTimer: undefined };
      slots.push(slot);
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'progress':
            options.onProgress?.({ index: message.index, name: names[message.index] ?? '', kind: 'progress', done: message.done, total: message.total });
            return;
          case 'message':
            options.onMessage?.({ index: message.index, name: names[message.index] ?? '', data: message.data });
            return;
          case 'result':
            if (slot.job !== message.index) return;
            results[message.index] = message.value as R;
            options.onProgress?.({ index: message.index, name: names[message.index] ?? '', kind: 'completed', done: 1, total: 1 });
            dispatch(slot);
            return;
          case 'error':
            if (slot.job !== message.index) return;
            slot.job = undefined;
            fail(jobError(message.index, revive(message.error)));
            void worker.terminate();
            return;
          case 'fatal': {
            const index = slot.job ?? next;
            fail(jobError(Math.min(index, payloads.length - 1), revive(message.error), 'could not start (the worker module failed to load)'));
            slot.job = undefined;
            void worker.terminate();
            return;
          }
        }
      });
      worker.on('error', (error) => {
        const index = slot.job;
        slot.job = undefined;
        fail(index === undefined ? error : jobError(index, error, 'crashed the worker'));
      });
      worker.on('exit', (code) => {
        slot.exited = true;
        if (slot.killTimer !== undefined) clearTimeout(slot.killTimer);
        if (slot.job !== undefined && failure === undefined) fail(jobError(slot.job, new Error(`the worker exited with code ${code} before the job finished`)));
        settleIfDone();
      });
      dispatch(slot);
    }
  });
}
