import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { main } from '../main.js';
import { sweepCommand } from './sweep.js';
import { workerCommand } from './worker.js';

let folder: string;

async function sparse(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: folder };
  const code = await main(argv, io, [sweepCommand, workerCommand]);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sparse-sweep-cli-'));
  await writeFile(join(folder, 'sweep.json'), JSON.stringify({ name: 's', base: { kind: 'lth', name: 'x', seeds: [0], rounds: 1, iterations: 100 }, grid: { scorer: ['magnitude', 'no-such-scorer'] } }));
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

describe('sparse sweep and sparse worker', () => {
  it('print their help', async () => {
    expect((await sparse('sweep', '--help')).stdout).toMatch(/--queue URL[^]*Exit codes: 0 every run done; 2/);
    expect((await sparse('worker', '--help')).stdout).toMatch(/--lock-ms MS[^]*Exit codes: 0 stopped by a signal; 2/);
  });

  it('exit 2 naming what is wrong on the command line, before anything runs', async () => {
    const cases: [string[], RegExp][] = [
      [['sweep'], /missing SWEEP.json/],
      [['sweep', 'nowhere.json'], /the sweep file "nowhere.json" does not exist/],
      [['sweep', 'sweep.json', '--attempts', '3'], /--attempts and --backoff-ms need --queue/],
      [['sweep', 'sweep.json', '--parallel', '0'], /--parallel "0" is not a whole number from 1 to 256/],
      [['sweep', 'sweep.json', '--queue', 'http://localhost/0'], /the scheme http: is not redis:/],
      [['worker'], /missing --queue/],
      [['worker', '--queue', 'redis://h/0', '--lock-ms', '5'], /--lock-ms "5" is not a whole number from 1000/],
    ];
    for (const [argv, message] of cases) {
      const result = await sparse(...argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toMatch(message);
    }
  });

  it('exits 2 for a sweep with an invalid run, naming it, and writes nothing', async () => {
    const result = await sparse('sweep', 'sweep.json', '--runs', 'runs');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/1 invalid run; nothing was run:[^]*run 2 of 2 \(scorer=no-such-scorer\)/);
    expect(await readdir(folder)).toEqual(['sweep.json']);
  });
});
