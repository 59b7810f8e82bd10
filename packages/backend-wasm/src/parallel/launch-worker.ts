import type { Worker, WorkerOptions } from 'node:worker_threads';
import { SparseError, tsxEsmApiUrl } from '@sparse/core';

interface WorkerBuiltins {
  readonly Worker: new (filename: string | URL, options?: WorkerOptions) => Worker;
}

/** Node's worker threads, reached through `process.getBuiltinModule` so that browser bundles import nothing from Node. */
function workerBuiltins(): WorkerBuiltins {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') {
    throw new SparseError('E_BACKEND_UNAVAILABLE', 'The split trainer needs Node.js worker threads (Node 20.16 or later); it does not run in browsers.');
  }
  return {
    Worker: process.getBuiltinModule('node:worker_threads').Worker,
  };
}

/**
 * Starts a worker thread on the module `name` of this folder (internal module of `parallel/`).
 *
 * From the built package (`dist/`, JavaScript) the worker runs `name.js` directly. From the
 * TypeScript sources (the repository's tests and benchmarks) it first installs tsx and the
 * workspace's source resolution (`scripts/workspace-source-hooks.mjs`, the worker-thread
 * counterpart of vitest's aliases), then imports `name.ts`.
 */
export function launchWorker(name: string, workerData: unknown): Worker {
  const builtins = workerBuiltins();
  const here = import.meta.url;
  const fromSources = here.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, here);
  // The worker inherits Node's options, but --input-type (of a parent started with -e) is refused for a file.
  const execArgv = process.execArgv.filter((option) => !option.startsWith('--input-type'));
  if (!fromSources) return new builtins.Worker(entry, { workerData, execArgv });
  const hooks = new URL('../../../../scripts/workspace-source-hooks.mjs', here).href;
  const tsx = tsxEsmApiUrl(here);
  const boot = `(async () => {
    (await import(${JSON.stringify(tsx)})).register();
    (await import('node:module')).register(${JSON.stringify(hooks)});
    await import(${JSON.stringify(entry.href)});
  })().catch((error) => { setImmediate(() => { throw error; }); });`;
  return new builtins.Worker(boot, { eval: true, workerData, execArgv });
}
