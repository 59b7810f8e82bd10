/**
 * The wasm backend in a real browser: bundles tests/browser/browser-entry.ts for the browser with
 * esbuild (the built packages, so their wasm binaries sit in dist/wasm beside the code, as a
 * bundler that copies `new URL(…, import.meta.url)` assets lays them out), serves it on
 * 127.0.0.1 and loads it in headless Chromium, which posts back what it computed.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
const wasmDist = join(repo, 'packages/backend-wasm/dist/wasm');
const built = existsSync(join(repo, 'packages/core/dist/index.js')) && existsSync(wasmDist);
const skipReason = chromium === undefined ? 'no Chromium on this machine (apt-get install chromium)' : !built ? 'packages are not built (pnpm build)' : '';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

describe('the wasm backend in a browser bundle', () => {
  it.skipIf(skipReason !== '')(`runs in headless Chromium${skipReason === '' ? '' : ` (skipped: ${skipReason})`}`, async () => {
    const site = mkdtempSync(join(tmpdir(), 'sparse-browser-'));
    try {
      await build({
        entryPoints: [join(repo, 'tests/browser/browser-entry.ts')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        outfile: join(site, 'app.js'),
        logLevel: 'error',
        // tests/ is no package: resolve as @sparse/backend-wasm itself does, from the built output.
        nodePaths: [join(repo, 'packages/backend-wasm/node_modules')],
        alias: { '@sparse/backend-wasm': join(repo, 'packages/backend-wasm/dist/index.js') },
      });
      cpSync(wasmDist, join(site, 'wasm'), { recursive: true });
      writeFileSync(join(site, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');

      let resolveResult: (value: Record<string, unknown>) => void = () => undefined;
      const result = new Promise<Record<string, unknown>>((resolve) => (resolveResult = resolve));
      const server = createServer((request, response) => {
        if (request.method === 'POST' && request.url === '/result') {
          let body = '';
          request.on('data', (chunk: Buffer) => (body += chunk.toString()));
          request.on('end', () => {
            response.end('ok');
            resolveResult(JSON.parse(body) as Record<string, unknown>);
          });
          return;
        }
        const file = join(site, (request.url ?? '/').split('?')[0] === '/' ? 'index.html' : (request.url ?? '').slice(1));
        if (!file.startsWith(site) || !existsSync(file)) {
          response.statusCode = 404;
          response.end();
          return;
        }
        response.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
        response.end(readFileSync(file));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const browser = spawn(
        chromium as string,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${join(site, 'profile')}`,
          `http://127.0.0.1:${port}/index.html`,
        ],
        { stdio: 'ignore', detached: true },
      );
      try {
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page posted no result within 60 s')), 60_000));
        const seen = await Promise.race([result, timeout]);
        expect(seen).toEqual({ backend: 'wasm', product: [6, 8, 8, 10], gradient: [2, -4] });
      } finally {
        // Chromium's helper processes share its process group: end them all before cleaning up.
        const exited = new Promise((resolve) => browser.once('exit', resolve));
        if (browser.pid !== undefined) process.kill(-browser.pid, 'SIGKILL');
        await exited;
        server.close();
      }
    } finally {
      try {
        rmSync(site, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch {
        // A straggling Chromium process may still write its profile; a leftover temp folder is harmless.
      }
    }
  });
});
