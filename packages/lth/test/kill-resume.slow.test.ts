import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../../..');
const aliases = join(repo, 'packages/experiments/test/support/register-source-aliases.mjs');
const entry = join(here, 'fixtures/run-tiny.ts');
const config = join(here, 'fixtures/tiny.json');

function start(root: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', aliases, entry, config, root], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, done, stderr: () => stderr };
}

async function files(folder: string, out = new Map<string, Buffer>(), base = folder): Promise<Map<string, Buffer>> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await files(path, out, base);
    else out.set(relative(base, path), await readFile(path));
  }
  return out;
}

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('a killed run resumes bit-identically', () => {
  it('SIGKILLed at random moments, then resumed, ends with the same masks, metrics and results as an uninterrupted run', async () => {
    const straight = await mkdtemp(join(tmpdir(), 'lth-straight-'));
    const killed = await mkdtemp(join(tmpdir(), 'lth-killed-'));
    roots.push(straight, killed);

    const reference = start(straight);
    const t0 = performance.now();
    const finished = await reference.done;
    const duration = performance.now() - t0;
    expect(finished.code, reference.stderr()).toBe(0);

    // Kill twice at random moments within the uninterrupted run's duration, then let it finish.
    let kills = 0;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const run = start(killed);
      const delay = 1500 + Math.random() * Math.max(1, duration - 2500);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
      const result = await run.done;
      clearTimeout(timer);
      if (result.signal === 'SIGKILL') kills += 1;
      else expect(result.code, run.stderr()).toBe(0);
    }
    const last = start(killed);
    const final = await last.done;
    expect(final.code, last.stderr()).toBe(0);
    expect(kills).toBeGreaterThan(0);

    const [a] = await readdir(straight);
    const [b] = await readdir(killed);
    expect(b).toBe(a);
    const expected = await files(join(straight, a!));
    const actual = await files(join(killed, b!));
    const compared = [...expected.keys()].filter((name) => /^(metrics\.jsonl|results\.json|summary\.json|config\.json|report\.html|results\.md|results-.*\.svg|masks\/.*|metrics\/.*|units\/.*)$/.test(name));
    for (const name of ['metrics.jsonl', 'report.html', 'results.md']) expect(compared).toContain(name);
    expect(compared.filter((name) => name.startsWith('masks/')).length).toBe(2 * 4); // levels 1-3 and one-shot level 2, two seeds
    for (const name of compared) expect(actual.get(name)?.equals(expected.get(name)!), name).toBe(true);
    expect([...actual.keys()].some((name) => name.startsWith('checkpoints/') && name.includes('manifests'))).toBe(false);
  }, 600_000);
});
