/**
 * A real npm registry for the release test: Verdaccio, started as its own process on a free port of
 * 127.0.0.1 with a config written here.
 *
 * - `@sparse/*` is served only from what is published to it (no uplink): nothing of ours is ever
 *   fetched from, or compared with, the public registry, where the scope may belong to someone else.
 * - Every other package (tfjs, zod, typescript, …) is proxied to registry.npmjs.org and cached in
 *   `node_modules/.cache/sparse-registry/storage`, so a second run downloads nothing new; the
 *   `@sparse` folder of that storage is emptied before each start, so every run publishes afresh.
 * - Publishing needs a user: one is added through the registry's own API (`npm adduser`'s request).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** A running registry: its URL, a token that may publish, and how to stop it. */
export interface LocalRegistry {
  readonly url: string;
  readonly token: string;
  /** `.npmrc` lines that point npm and pnpm at it with the token. */
  readonly npmrc: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function config(storage: string, htpasswd: string): string {
  return [
    `storage: ${JSON.stringify(storage)}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(htpasswd)}`,
    '    max_users: 10',
    'uplinks:',
    '  npmjs:',
    '    url: https://registry.npmjs.org/',
    '    timeout: 60s',
    '    maxage: 30m',
    'packages:',
    "  '@sparse/*':",
    '    access: $all',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    proxy: npmjs',
    'web:',
    '  enable: false',
    'server:',
    '  keepAliveTimeout: 60',
    'log: { type: stdout, format: pretty, level: error }',
    '',
  ].join('\n');
}

/** Starts Verdaccio, waits until it answers, and adds a publishing user. */
export async function startLocalRegistry(workDir: string): Promise<LocalRegistry> {
  const storage = join(repo, 'node_modules/.cache/sparse-registry/storage');
  rmSync(join(storage, '@sparse'), { recursive: true, force: true });
  mkdirSync(storage, { recursive: true });
  const configFile = join(workDir, 'verdaccio.yaml');
  writeFileSync(configFile, config(storage, join(workDir, 'htpasswd')));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = join(repo, 'node_modules/verdaccio/bin/verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output}`);
      const ready = await fetch(`${url}-/ping`).then((response) => response.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const user = `release-${process.pid}`;
    const response = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: 'release-test-only', type: 'user', roles: [], date: new Date().toISOString() }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || typeof body.token !== 'string') throw new Error(`adding a user to verdaccio failed: ${response.status} ${JSON.stringify(body)}`);
    const hostPath = url.replace(/^http:/, '');
    return { url, token: body.token, npmrc: `registry=${url}\n${hostPath}:_authToken=${body.token}\n`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
