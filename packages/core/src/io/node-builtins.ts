import { SparseError } from '../errors.js';

import type * as FsPromisesModule from 'node:fs/promises';
import type * as PathModule from 'node:path';
import type * as WorkerThreadsModule from 'node:worker_threads';

/**
 * The Node built-ins core's file functions use, loaded through `process.getBuiltinModule`
 * (Node 20.16+), which bundlers leave alone: a browser bundle of `@sparse/core` imports nothing
 * from Node, and only calling a file function there fails, with a clear error.
 *
 * @param purpose - what needs the file system, for the error message (`read model.safetensors`).
 *
 * @example
 * ```ts
 * import { nodeFileSystem } from '@sparse/core';
 *
 * const { fs, path } = nodeFileSystem('list a folder');
 * console.log(await fs.readdir(path.resolve('.')));
 * ```
 */
export function nodeFileSystem(purpose: string): { readonly fs: typeof FsPromisesModule; readonly path: typeof PathModule; readonly threadId: number } {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') {
    throw new SparseError(
      'E_IO',
      `Cannot ${purpose}: file access needs Node.js 20.16 or later; in a browser, pass bytes (e.g. deserializeSafetensors) instead of paths.`,
    );
  }
  const workers: typeof WorkerThreadsModule = process.getBuiltinModule('node:worker_threads');
  return {
    fs: process.getBuiltinModule('node:fs/promises'),
    path: process.getBuiltinModule('node:path'),
    threadId: workers.threadId,
  };
}
