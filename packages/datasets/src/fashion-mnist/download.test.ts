import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../io/sha256.js';
import { fetchVerified } from './download.js';

/**
 * A fetch that behaves as a browser's global one about `this`: called as a method of any other
 * object it throws "Illegal invocation" (a TypeError) instead of fetching.
 */
function browserLikeFetch(body: Uint8Array): typeof fetch {
  return function (this: unknown, input: RequestInfo | URL) {
    if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch' on 'WorkerGlobalScope': Illegal invocation");
    return Promise.resolve(new Response(body.slice().buffer, { status: 200, headers: { 'x-url': String(input) } }));
  } as typeof fetch;
}

describe('fetchVerified', () => {
  it("calls the fetch it is given as a plain function, so a browser's global fetch works unbound", async () => {
    const body = new TextEncoder().encode('four files of Fashion-MNIST');
    const bytes = await fetchVerified({ url: 'https://example.invalid/data/file.gz', sha256: await sha256Hex(body), cachePath: undefined, fetch: browserLikeFetch(body) });
    expect(Buffer.from(bytes).equals(Buffer.from(body))).toBe(true);
  });

  it('reports a failed download as E_IO naming the URL', async () => {
    const failing = (() => Promise.reject(new TypeError('network down'))) as typeof fetch;
    await expect(fetchVerified({ url: 'https://example.invalid/x.gz', sha256: undefined, cachePath: undefined, fetch: failing })).rejects.toMatchObject({
      code: 'E_IO',
      message: expect.stringContaining('Cannot download https://example.invalid/x.gz: network down'),
    });
  });
});
