import { SparseError } from '../errors.js';

/**
 * The file URL of tsx's ESM API (`tsx/esm/api`, its `import` export), resolved from `from` (a file
 * path or URL; the caller's `import.meta.url`), for worker threads that must load TypeScript
 * sources: a worker registers it itself (`(await import(url)).register()`), because `--import tsx`
 * in a worker's `execArgv` is not applied by Node.js 20. The CommonJS build of the API cannot
 * register hooks from a worker and `createRequire` only resolves that one, so the path is read
 * from tsx's package.json. Node.js only (through `process.getBuiltinModule`, so browser bundles
 * import nothing from Node).
 *
 * @param from - where to resolve tsx from, usually `import.meta.url` of the module starting workers.
 * @returns a `file:` URL.
 * @throws SparseError `E_NOT_FOUND` when tsx is not installed there or has no ESM API export (tsx 4 has one).
 *
 * @example
 * ```ts
 * import { Worker } from 'node:worker_threads';
 * import { tsxEsmApiUrl } from '@sparse/core';
 *
 * const tsx = tsxEsmApiUrl(import.meta.url);
 * const entry = new URL('./job.ts', import.meta.url).href;
 * const boot = `(async () => { (await import(${JSON.stringify(tsx)})).register(); await import(${JSON.stringify(entry)}); })();`;
 * new Worker(boot, { eval: true });
 * ```
 */
export function tsxEsmApiUrl(from: string | URL): string {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') {
    throw new SparseError('E_NOT_FOUND', 'Locating tsx needs Node.js 20.16 or later.');
  }
  const { createRequire } = process.getBuiltinModule('node:module');
  const { readFileSync } = process.getBuiltinModule('node:fs');
  const { pathToFileURL } = process.getBuiltinModule('node:url');
  let manifestPath: string;
  let manifest: { exports?: Record<string, unknown> };
  try {
    manifestPath = createRequire(from).resolve('tsx/package.json');
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, unknown> };
  } catch (error) {
    throw new SparseError('E_NOT_FOUND', `tsx is not installed where ${String(from)} can resolve it; install tsx 4 (\`pnpm add -D tsx\`) to run TypeScript sources in worker threads.`, { field: 'tsx' }, { cause: error });
  }
  const entry = manifest.exports?.['./esm/api'] as { import?: { default?: string } | string } | undefined;
  const relative = typeof entry?.import === 'string' ? entry.import : entry?.import?.default;
  if (relative === undefined) {
    throw new SparseError('E_NOT_FOUND', `tsx at ${manifestPath} has no ESM export './esm/api'; install tsx 4 to run TypeScript sources in worker threads.`, { field: 'tsx', received: manifestPath });
  }
  return new URL(relative, pathToFileURL(manifestPath)).href;
}
