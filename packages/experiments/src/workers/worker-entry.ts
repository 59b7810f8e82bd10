/**
 * Runs inside each worker thread started by `runInWorkers`: loads the job module, then runs jobs
 * as the main thread sends them, forwarding progress, results and errors. Not part of the API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, type FromWorker, type ToWorker, type WorkerBoot } from './protocol.js';

const port = parentPort;
const boot = (workerData as { boot: WorkerBoot }).boot;

function post(message: FromWorker): void {
  port?.postMessage(message);
}

type Job = (payload: unknown, context: unknown) => unknown;

async function load(): Promise<Job> {
  const module = (await import(boot.module)) as Record<string, unknown>;
  const job = module[boot.exportName];
  if (typeof job !== 'function') {
    const exported = Object.keys(module).filter((key) => typeof module[key] === 'function');
    throw new Error(`${boot.module} has no exported function "${boot.exportName}"; its exported functions: ${exported.length === 0 ? 'none' : exported.join(', ')}.`);
  }
  return job as Job;
}

if (port !== null) {
  const loading = load();
  loading.catch((error: unknown) => post({ type: 'fatal', error: serializeError(error) }));
  let controller: AbortController | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') {
      controller?.abort(new Error('The job was cancelled.'));
      return;
    }
    const { index, payload } = message;
    const current = new AbortController();
    controller = current;
    const context = Object.freeze({
      index,
      signal: current.signal,
      progress: (done: number, total: number) => post({ type: 'progress', index, done, total }),
      send: (data: unknown) => post({ type: 'message', index, data }),
    });
    loading
      .then(async (job) => {
        // Cancelled while the module was still loading: do not start.
        current.signal.throwIfAborted();
        const value = await job(payload, context);
        try {
          post({ type: 'result', index, value });
        } catch (error) {
          throw new Error(`the job's result cannot be sent to the main thread (${error instanceof Error ? error.message : String(error)}); return plain data.`, { cause: error });
        }
      })
      .catch((error: unknown) => post({ type: 'error', index, error: serializeError(error) }))
      .finally(() => {
        if (controller === current) controller = undefined;
      });
  });
}
