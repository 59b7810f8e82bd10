/**
 * Entry of a TypeScript worker of bench/parallel-training.ts in a worker thread: installs tsx and
 * the workspace resolution hooks (register.mjs) in this thread, then loads the worker module named
 * by `workerData.module` (a file of this folder; default parallel-worker.ts).
 */
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./hooks.mjs', import.meta.url);
await import(`./${workerData?.module ?? 'parallel-worker.ts'}`);
