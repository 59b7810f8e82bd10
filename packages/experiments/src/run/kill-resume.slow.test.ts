/**
 * The done-when test of the runner: "Killing a run at a random moment and resuming gives
 * bit-identical masks and metrics." A child process runs the toy job (2 replicates × 3 levels ×
 * 5 epochs, a checkpoint per epoch, a mask per level); it is SIGKILLed at random moments and
 * restarted until it finishes, and its run directory is then compared byte for byte with that of
 * a run that was never interrupted. Set KILL_SEED to replay a sequence of kill times.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../test/fixtures/toy-job.js';
import { registerSourceAliases, toyJobMain } from '../../test/support/paths.js';
import { readTree, treeDifferences } from '../../test/support/tree.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SLEEP_MS = '8';

interface ChildRun {
  readonly killed: boolean;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** When to kill a child: after it has reported `epochs` more epochs, plus `delayMs`. */
interface Kill {
  readonly epochs: number;
  readonly delayMs: number;
}

/** Runs the toy job in `root`, SIGKILLing it as `kill` says. */
function runChild(root: string, kill?: Kill): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, '--import', registerSourceAliases.href, fileURLToPath(toyJobMain), root, SLEEP_MS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const epochs = (stdout.match(/^epoch /gm) ?? []).length;
      if (kill !== undefined && timer === undefined && epochs >= kill.epochs) timer = setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-kill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a run killed at random moments and resumed', () => {
  it('ends with byte-identical masks, metrics, unit records and results', async () => {
    const reference = await runChild(join(dir, 'reference'));
    expect(reference.stderr).toBe('');
    expect(reference.code).toBe(0);
    const runPath = /done (.*)\n/.exec(reference.stdout)?.[1] ?? '';
    const expected = await readTree(runPath);
    expect([...expected.keys()].filter((path) => path.startsWith('masks/')).length).toBeGreaterThanOrEqual(6);
    expect(expected.has('metrics.jsonl')).toBe(true);

    const seed = Number(process.env['KILL_SEED'] ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const root = join(dir, 'interrupted');
    const kills: string[] = [];
    let resumes = 0;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      // The first attempts are killed at a random moment: after 0 to 6 more epochs (of 30), plus
      // 0 to 30 ms, which lands anywhere in an epoch's training, metric, checkpoint, mask or unit
      // record writes. Then the run is let finish.
      const kill = attempt < 5 ? { epochs: Math.floor(random() * 7), delayMs: Math.floor(random() * 30) } : undefined;
      const result = await runChild(root, kill);
      resumes += (result.stdout.match(/^resumed /gm) ?? []).length;
      if (result.killed) {
        const last = result.stdout.trimEnd().split('\n').pop() ?? '';
        kills.push(`${kill?.epochs ?? 0} epochs + ${kill?.delayMs ?? 0} ms (last line: ${last})`);
        continue;
      }
      expect({ seed, stderr: result.stderr, code: result.code }).toEqual({ seed, stderr: '', code: 0 });
      break;
    }
    const actual = await readTree(join(root, runPath.slice(runPath.lastIndexOf('/') + 1)));
    expect({ seed, kills, differences: treeDifferences(expected, actual) }).toEqual({ seed, kills, differences: [] });
    // The test only means something if the child really was killed mid-run.
    expect(kills.length, `kill seed ${seed}`).toBeGreaterThanOrEqual(1);
    console.log(`kill/resume (KILL_SEED=${seed}): ${kills.length} kills, ${resumes} resumes from a checkpoint\n  ${kills.join('\n  ')}`);
  });
});
