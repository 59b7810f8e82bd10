import { SparseError } from '@sparse/core';
import { fileExists, readFileBytes, writeFileAtomic } from '../io/node-files.js';
import { sha256Hex } from '../io/sha256.js';
import { verifySha256 } from './checksum.js';

/** What {@link fetchVerified} needs to get one file. */
export interface FetchVerifiedRequest {
  readonly url: string;
  /** Expected SHA-256, or undefined to skip verification. */
  readonly sha256: string | undefined;
  /** Where to cache the file (Node), or undefined for no cache. */
  readonly cachePath: string | undefined;
  /** Called as a plain function, never as a method of this object: a browser's global `fetch` refuses any `this` but the global one. */
  readonly fetch: typeof fetch;
}

/**
 * Returns a file's bytes from the cache when it is there and intact, else downloads it, verifies it
 * and only then caches it (atomically). A file that fails verification is never cached.
 */
export async function fetchVerified(request: FetchVerifiedRequest): Promise<Uint8Array> {
  const { url, sha256, cachePath } = request;
  if (cachePath !== undefined && (await fileExists(cachePath))) {
    const cached = await readFileBytes(cachePath);
    // A cached file that no longer verifies is downloaded again (and replaced).
    if (sha256 === undefined || (await sha256Hex(cached)) === sha256.toLowerCase()) return cached;
  }
  // Detached: `request.fetch(url)` would call it with `this` = request, and a browser's global
  // fetch throws "Illegal invocation" for that.
  const fetchFile = request.fetch;
  let response: Response;
  try {
    response = await fetchFile(url);
  } catch (error) {
    throw new SparseError('E_IO', `Cannot download ${url}: ${(error as Error).message}.`, { received: url }, { cause: error });
  }
  if (!response.ok) {
    throw new SparseError('E_IO', `Cannot download ${url}: the server answered HTTP ${response.status} ${response.statusText}.`, {
      received: response.status,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new SparseError('E_IO', `The download of ${url} broke off: ${(error as Error).message}.`, { received: url }, { cause: error });
  }
  if (sha256 !== undefined) {
    await verifySha256(bytes, sha256, url, cachePath === undefined ? '' : ' Nothing was cached.');
  }
  if (cachePath !== undefined) await writeFileAtomic(cachePath, bytes);
  return bytes;
}
