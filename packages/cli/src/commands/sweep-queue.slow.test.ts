/**
 * `sparse sweep --queue` end to end with a real redis-server (second tier): the quick LTH sweep's
 * base with 2 scorers × 2 seeds (4 runs) on two `sparse worker` processes, one SIGKILLed in the middle of a unit, ends complete
 * and equal, file for file, to `sparse sweep` of the same file on this machine alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, redisServerBinary } from '../../../sweep/test/support/redis.js';
import { readTree, treeDifferences } from '../../../sweep/test/support/tree.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const aliases = pathToFileURL(join(root, 'packages/experiments/test/support/register-source-aliases.mjs')).href;
const bin = join(root, 'packages/cli/src/bin.ts');
const binary = redisServerBinary();

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function sparse(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', tsx, '--import', aliases, bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { process: child, output: () => output, exit };
}

let dir: string;
let redis: RedisServer | undefined;

describe.skipIf(binary === undefined)(binary === undefined ? 'sparse sweep --queue (skipped: redis-server is not installed; apt-get install redis-server)' : 'sparse sweep --queue with two sparse worker processes', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sparse-sweep-kill-'));
    redis = await RedisServer.start(binary ?? 'redis-server');
  });
  afterAll(async () => {
    await redis?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends complete and equal to the local sweep, file for file, when a worker is SIGKILLed mid-unit', async () => {
    const example = JSON.parse(await readFile(join(root, 'examples/sweeps/lth-rates-quick.json'), 'utf8')) as { base: Record<string, unknown> };
    const sweepPath = join(dir, 'sweep.json');
    await writeFile(sweepPath, JSON.stringify({ name: 'kill', base: { ...example.base, rounds: 2, iterations: 100 }, grid: { scorer: ['magnitude', 'random'] }, seeds: [0, 1] }));

    const local = sparse(['sweep', sweepPath, '--runs', join(dir, 'local'), '--parallel', '2']);
    expect({ ...(await local.exit), output: local.output() }).toMatchObject({ code: 0 });

    const url = redis?.url ?? '';
    const victim = sparse(['worker', '--queue', url, '--name', 'victim', '--scratch', join(dir, 'scratch-victim'), '--lock-ms', '3000']);
    const survivor = sparse(['worker', '--queue', url, '--name', 'survivor', '--scratch', join(dir, 'scratch-survivor'), '--lock-ms', '3000']);
    const coordinator = sparse(['sweep', sweepPath, '--runs', join(dir, 'queue'), '--queue', url, '--backoff-ms', '200']);
    // Kill the victim in the middle of its first unit: once the unit's run directory exists in its
    // scratch folder, plus 0.3 s (the kind then starts a worker thread and trains: over a second).
    let killedUnit = '';
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const started = /victim: start (\S+)/.exec(victim.output());
        if (started === null || !existsSync(join(dir, 'scratch-victim', 'runs', started[1] ?? '', 'run.json'))) return;
        clearInterval(timer);
        killedUnit = started[1] ?? '';
        setTimeout(() => {
          victim.process.kill('SIGKILL');
          resolve();
        }, 300);
      }, 20);
    });
    expect(await victim.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(victim.output()).not.toMatch(new RegExp(`victim: done ${killedUnit}`));

    const result = await coordinator.exit;
    expect({ ...result, output: coordinator.output() }).toMatchObject({ code: 0 });
    expect(coordinator.output()).toMatch(new RegExp(`done ${killedUnit} \\(.*\\) by survivor`));
    expect(coordinator.output()).toMatch(/4 of 4 runs done, 0 failed/);
    survivor.process.kill('SIGTERM');
    expect((await survivor.exit).code).toBe(0);

    const expected = await readTree(join(dir, 'local'));
    const actual = await readTree(join(dir, 'queue'));
    expect([...expected.keys()].filter((path) => path.endsWith('.safetensors')).length).toBeGreaterThanOrEqual(4);
    expect(treeDifferences(expected, actual)).toEqual([]);
  }, 240_000);
});
