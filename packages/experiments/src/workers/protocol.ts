/** Messages between {@link runInWorkers} and its workers. Internal to this package. */

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** The `SparseError` code, when it was one. */
  readonly code?: string;
}

/** Sent by the main thread. */
export type ToWorker = { readonly type: 'run'; readonly index: number; readonly payload: unknown } | { readonly type: 'cancel' };

/** Sent by a worker. */
export type FromWorker =
  | { readonly type: 'progress'; readonly index: number; readonly done: number; readonly total: number }
  | { readonly type: 'message'; readonly index: number; readonly data: unknown }
  | { readonly type: 'result'; readonly index: number; readonly value: unknown }
  | { readonly type: 'error'; readonly index: number; readonly error: SerializedError }
  | { readonly type: 'fatal'; readonly error: SerializedError };

/** What the bootstrap finds in `workerData`. */
export interface WorkerBoot {
  /** File URL of tsx's ESM API, when TypeScript must be loadable. */
  readonly tsx: string | undefined;
  /** Module URLs imported before the entry (loader hooks). */
  readonly preload: readonly string[];
  /** URL of the worker entry module. */
  readonly entry: string;
  /** URL of the job module and the name of its export. */
  readonly module: string;
  readonly exportName: string;
}

/** Turns anything thrown into a {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * The bootstrap each worker evaluates (CommonJS): registers tsx when needed, imports the preload
 * modules, then the typed worker entry. Kept tiny because it cannot be TypeScript.
 */
export const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
const boot = workerData.boot;
(async () => {
  if (boot.tsx) (await import(boot.tsx)).register();
  for (const url of boot.preload) await import(url);
  await import(boot.entry);
})().catch((error) => {
  parentPort.postMessage({ type: 'fatal', error: { name: String((error && error.name) || 'Error'), message: String((error && error.message) || error), stack: String((error && error.stack) || '') } });
});
`;
