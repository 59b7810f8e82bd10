/**
 * The fault suite of the run directory (issue 14), beside kill-resume.slow.test.ts (kill -9 at
 * random moments): a disk that fills up mid-run, a run folder that becomes read-only mid-run, and
 * two processes started on the same run directory. Each ends with a typed one-line error (no
 * stack trace), and the run, resumed, ends byte-identical to a run that was never disturbed.
 *
 * The disk tests mount a small tmpfs, which needs root (CI's containers run as root); they are
 * skipped, saying so, when `mount` is refused.
 */
import { execFileSync, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSourceAliases, toyJobMain } from '../../test/support/paths.js';
import { readTree, treeDifferences } from '../../test/support/tree.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Child {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the toy job in `root` (as user `uid` when given); `onLine` sees each stdout line (to act mid-run). */
function runToy(root: string, sleepMs: number, onLine: (line: string) => void = () => undefined, uid?: number): Promise<Child> {
  return new Promise((resolve, reject) => {
    const as = uid === undefined ? {} : { uid, gid: uid, env: { ...process.env, HOME: tmpdir() } };
    const child = spawn(process.execPath, ['--import', tsx, '--import', registerSourceAliases.href, fileURLToPath(toyJobMain), root, String(sleepMs)], { stdio: ['ignore', 'pipe', 'pipe'], ...as });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A refusal as every entry point prints it: one line naming the program, no stack frame. */
function expectOneLineError(child: Child, pattern: RegExp): void {
  expect(child.code).toBe(1);
  expect(child.stderr).toMatch(/^toy-job: [^\n]+\n$/);
  expect(child.stderr).toMatch(pattern);
}

function mount(args: readonly string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let dir: string;
let expected: Map<string, Buffer>;
let runName: string;
let canMount = false;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-faults-'));
  const reference = await runToy(join(dir, 'reference'), 0);
  expect(reference.code, reference.stderr).toBe(0);
  const runPath = /done (.*)\n/.exec(reference.stdout)?.[1] ?? '';
  runName = runPath.slice(runPath.lastIndexOf('/') + 1);
  expected = await readTree(runPath);
  await mkdir(join(dir, 'probe'));
  canMount = mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', join(dir, 'probe')]);
  if (canMount) execFileSync('umount', [join(dir, 'probe')]);
});
afterAll(async () => {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    try {
      execFileSync('umount', [join(dir, name)], { stdio: 'ignore' });
    } catch {
      // not a mount point
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe('faults during a run', () => {
  it('two processes on one run directory: the second is refused in one line, the first finishes, nothing is corrupted', async () => {
    const root = join(dir, 'two');
    let second: Promise<Child> | undefined;
    // 400 ms per epoch: the first is still at work (30 epochs, 12 s) when the second has started, even on a loaded machine.
    const first = await runToy(root, 400, (line) => {
      if (line === 'ready' && second === undefined) second = runToy(root, 0);
    });
    const other = await (second as Promise<Child>);
    expect(first.code, first.stderr).toBe(0);
    expectOneLineError(other, /is in use by process \d+/);
    expect(first.stdout).not.toMatch(/^resumed /m);
    expect(treeDifferences(expected, await readTree(join(root, runName)))).toEqual([]);
    // Started again once the first is done, the second only finds the finished run.
    const again = await runToy(root, 0);
    expect(again.code, again.stderr).toBe(0);
    expect(treeDifferences(expected, await readTree(join(root, runName)))).toEqual([]);
  });

  it('a disk that fills up mid-run: E_IO "the disk is full" in one line, then a resume ends byte-identical', async (context) => {
    if (!canMount) context.skip('mount -t tmpfs is refused here (needs root): cannot fill a disk safely');
    const root = join(dir, 'full');
    await mkdir(root);
    expect(mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', root])).toBe(true);
    const full = await runToy(root, 0);
    expectOneLineError(full, /the disk is full|ENOSPC/);
    expect(mount(['-o', 'remount,size=8m', root])).toBe(true);
    const resumed = await runToy(root, 0);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(treeDifferences(expected, await readTree(join(root, runName)))).toEqual([]);
  });

  it('a run folder that becomes unwritable mid-run: a typed one-line error, then a resume ends byte-identical', async (context) => {
    // Root writes through permissions, and a tmpfs with files open cannot be remounted read-only:
    // as root, the run is done by an unprivileged user (nobody, 65534), whose folder is chmod-ed.
    const uid = process.getuid?.() === 0 ? 65_534 : undefined;
    if (uid !== undefined) {
      const closed = foldersClosedToOthers(fileURLToPath(new URL('../../../../', import.meta.url)));
      if (closed !== undefined) context.skip(`the unprivileged user cannot load the repository's modules: ${closed} is not searchable by others (clone it under a folder with o+x)`);
    }
    const root = join(dir, 'unwritable');
    await mkdir(root);
    if (uid !== undefined) {
      await chmod(dir, 0o755); // mkdtemp makes it 0700: the other user must reach its folder
      await chown(root, uid, uid);
    }
    let epochs = 0;
    let locked = '';
    const stopped = await runToy(
      root,
      100,
      (line) => {
        epochs += line.startsWith('epoch ') ? 1 : 0;
        if (epochs === 7 && locked === '') {
          locked = join(root, runName);
          execFileSync('chmod', ['-R', 'a-w', locked]);
        }
      },
      uid,
    );
    if (stopped.code === 0 && uid === undefined) context.skip('this user writes through a chmod a-w folder');
    expectOneLineError(stopped, /no permission to write|EACCES|permission denied/i);
    expect(locked, 'the run was made unwritable mid-run').not.toBe('');
    execFileSync('chmod', ['-R', 'u+w', locked]);
    const resumed = await runToy(root, 0, () => undefined, uid);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(treeDifferences(expected, await readTree(join(root, runName)))).toEqual([]);
  });
});

/** The first folder from `path` up to / that other users cannot search (no o+x), or `undefined`. */
function foldersClosedToOthers(path: string): string | undefined {
  for (let folder = resolve(path); ; folder = dirname(folder)) {
    if ((statSync(folder).mode & 0o001) === 0) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}
