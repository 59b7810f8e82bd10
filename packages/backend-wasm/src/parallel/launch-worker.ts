import type { Worker as NodeWorker, WorkerOptions } from 'node:worker_threads';
import { SparseError, tsxEsmApiUrl } from '@sparse/core';
import type { TrainerWorkerData } from './trainer-worker.js';

/**
 * A started worker thread of a dense trainer (internal to `parallel/`): a Node worker thread or a
 * browser's module Web Worker, seen the same way by the trainer.
 */
export interface TrainerThread {
  /** Resolves once the thread has bound the shared memory and waits for commands; rejects if it could not start. */
  readonly ready: Promise<void>;
  /** Calls `listener` with the error if the thread fails after it started. */
  onFailure(listener: (error: unknown) => void): void;
  /** Stops the thread. */
  terminate(): Promise<void>;
}

/** Starts one worker thread of a dense trainer; made by {@link trainerThreadLauncher}. */
export type TrainerThreadLauncher = (data: TrainerWorkerData) => TrainerThread;

/** Node's `worker_threads` as far as the trainer uses it. */
export interface NodeWorkerBuiltins {
  readonly Worker: new (filename: string | URL, options?: WorkerOptions) => NodeWorker;
}

/** Node's worker threads, reached through `process.getBuiltinModule` so that browser bundles import nothing from Node; `undefined` outside Node. */
function nodeWorkerBuiltins(): NodeWorkerBuiltins | undefined {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string' || typeof process.getBuiltinModule !== 'function') return undefined;
  return { Worker: process.getBuiltinModule('node:worker_threads').Worker };
}

/** What decides how threads start (read from the running environment; tests pass their own). */
export interface ThreadEnvironment {
  /** Node's worker threads, `undefined` outside Node. */
  readonly node: NodeWorkerBuiltins | undefined;
  /** The global scope's `crossOriginIsolated`, `document` and `Worker` (absent: not a browser). */
  readonly web: { readonly crossOriginIsolated?: boolean; readonly document?: unknown; readonly Worker?: unknown };
  /** Whether `SharedArrayBuffer` exists. */
  readonly sharedMemory: boolean;
}

function currentEnvironment(): ThreadEnvironment {
  return { node: nodeWorkerBuiltins(), web: globalThis as ThreadEnvironment['web'], sharedMemory: typeof SharedArrayBuffer !== 'undefined' };
}

/**
 * How this environment starts a dense trainer's worker threads: Node worker threads in Node,
 * module Web Workers in a cross-origin isolated browser context that may block (a worker: the
 * threads meet with `Atomics.wait`, which a page's main thread may not call). Called before any
 * memory is allocated or thread started.
 *
 * @throws SparseError `E_BACKEND_UNAVAILABLE` saying why threads cannot run here and to use `threads: 1`.
 */
export function trainerThreadLauncher(environment: ThreadEnvironment = currentEnvironment()): TrainerThreadLauncher {
  const { node, web } = environment;
  if (node !== undefined) return (data) => nodeThread(node, data);
  if (typeof web.Worker !== 'function') {
    throw new SparseError('E_BACKEND_UNAVAILABLE', 'threads > 1 needs Node.js worker threads (Node 20.16 or later) or a browser\'s Web Workers, and this environment has neither; use threads: 1.');
  }
  if (web.crossOriginIsolated !== true || !environment.sharedMemory) {
    throw new SparseError(
      'E_BACKEND_UNAVAILABLE',
      'threads > 1 in a browser needs shared memory, which only a cross-origin isolated page has (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); this page is not; use threads: 1.',
    );
  }
  if (web.document !== undefined) {
    throw new SparseError('E_BACKEND_UNAVAILABLE', 'threads > 1 in a browser must run in a Web Worker: the threads wait for each other with Atomics.wait, which a page\'s main thread may not call; create the trainer in a worker or use threads: 1.');
  }
  return webThread;
}

/**
 * A Node worker thread on `trainer-worker`. From the built package (`dist/`, JavaScript) it runs
 * `trainer-worker.js` directly. From the TypeScript sources (the repository's tests and benchmarks)
 * it first installs tsx and the workspace's source resolution (`scripts/workspace-source-hooks.mjs`,
 * the worker-thread counterpart of vitest's aliases), then imports `trainer-worker.ts`.
 */
function nodeThread(builtins: NodeWorkerBuiltins, workerData: TrainerWorkerData): TrainerThread {
  const here = import.meta.url;
  const fromSources = here.endsWith('.ts');
  const entry = new URL(`./trainer-worker.${fromSources ? 'ts' : 'js'}`, here);
  // The worker inherits Node's options, but --input-type (of a parent started with -e) is refused for a file.
  const execArgv = process.execArgv.filter((option) => !option.startsWith('--input-type'));
  let worker: NodeWorker;
  if (!fromSources) {
    worker = new builtins.Worker(entry, { workerData, execArgv });
  } else {
    const hooks = new URL('../../../../scripts/workspace-source-hooks.mjs', here).href;
    const tsx = tsxEsmApiUrl(here);
    const boot = `(async () => {
      (await import(${JSON.stringify(tsx)})).register();
      (await import('node:module')).register(${JSON.stringify(hooks)});
      await import(${JSON.stringify(entry.href)});
    })().catch((error) => { setImmediate(() => { throw error; }); });`;
    worker = new builtins.Worker(boot, { eval: true, workerData, execArgv });
  }
  const failures: ((error: unknown) => void)[] = [];
  let started = false;
  // One listener from the start: an 'error' event nobody listens to would throw in this thread.
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('error', (error) => {
      if (!started) reject(error);
      else for (const listener of failures) listener(error);
    });
    worker.once('message', () => {
      started = true;
      // A trainer that is never disposed must not keep the process alive.
      worker.unref();
      resolve();
    });
  });
  return {
    ready,
    onFailure: (listener) => void failures.push(listener),
    terminate: async () => void (await worker.terminate()),
  };
}

/** An error event's message, or what is known of it (a module that fails to load gives a bare `Event`). */
function webErrorMessage(event: Event): Error {
  const { message } = event as Partial<ErrorEvent>;
  return new Error(typeof message === 'string' && message !== '' ? message : `the Web Worker reported an '${event.type}' event without a message (its module may have failed to load)`);
}

/**
 * A module Web Worker on `trainer-worker.js`, given the shared memory and control array by
 * `postMessage` (they are shared, not copied). The `new Worker(new URL('./trainer-worker.js',
 * import.meta.url), { type: 'module' })` expression is written out whole because that is the form
 * bundlers (Vite, webpack, Parcel, esbuild plugins) recognise: they bundle the worker's module
 * graph as its own entry and rewrite the URL. Unbundled, the URL is the built `dist/parallel/trainer-worker.js`
 * beside this module; from the TypeScript sources a bundler maps `.js` to the `.ts` file, as for any import.
 */
function webThread(data: TrainerWorkerData): TrainerThread {
  const worker = new Worker(new URL('./trainer-worker.js', import.meta.url), { type: 'module', name: `sparse-dense-trainer-${data.index}` });
  const failures: ((error: unknown) => void)[] = [];
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const error = webErrorMessage(event);
      if (!started) reject(error);
      else for (const listener of failures) listener(error);
    });
    worker.addEventListener('messageerror', (event) => reject(webErrorMessage(event)));
    worker.addEventListener(
      'message',
      () => {
        started = true;
        resolve();
      },
      { once: true },
    );
  });
  worker.postMessage(data);
  return {
    ready,
    onFailure: (listener) => void failures.push(listener),
    terminate: async () => worker.terminate(),
  };
}
