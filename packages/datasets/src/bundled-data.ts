import { SparseError } from '@sparse/core';
import { readFileBytes } from './io/node-files.js';

/**
 * The package's `data/` folder. This module sits directly in `src/` (tests) or `dist/` (published),
 * both one level below the package root, so one relative URL finds it from either.
 */
export const BUNDLED_DATA_URL: URL = new URL('../data/', import.meta.url);

/** Reads one file of the package's `data/` folder: from disk in Node, with fetch elsewhere. */
export async function readBundledFile(name: string): Promise<Uint8Array> {
  const url = new URL(name, BUNDLED_DATA_URL);
  if (url.protocol === 'file:') return readFileBytes(url);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new SparseError('E_IO', `Cannot fetch the bundled file ${url.href}: ${(error as Error).message}.`, { received: url.href }, { cause: error });
  }
  if (!response.ok) {
    throw new SparseError('E_IO', `Cannot fetch the bundled file ${url.href}: HTTP ${response.status} ${response.statusText}.`, { received: url.href });
  }
  return new Uint8Array(await response.arrayBuffer());
}
