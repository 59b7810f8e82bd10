/**
 * Wall time and peak memory of a child process, for benchmarks that run a command and its peer
 * (bench/prune-checkpoint.ts, bench/delta/bench-dare.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** What {@link measureChild} returns. */
export interface ChildMeasurement {
  readonly seconds: number;
  /** Peak resident set of the child (GNU time's maximum resident set size, else the highest /proc VmHWM polled every 20 ms). */
  readonly maxRssMiB: number;
  readonly stdout: string;
}

/** Whether GNU time is there to report the peak resident set (else /proc is polled). */
export const GNU_TIME = existsSync('/usr/bin/time');

/** Where the peak memory comes from, for a benchmark's printed header. */
export const PEAK_MEMORY_SOURCE = GNU_TIME ? 'GNU time' : '/proc VmHWM';

/**
 * Runs `command args` in `cwd` and returns its wall time, peak resident set and standard output;
 * rejects with the end of its output when it exits with a nonzero code.
 */
export function measureChild(command: string, args: readonly string[], cwd: string): Promise<ChildMeasurement> {
  return new Promise((resolvePromise, reject) => {
    const full: [string, string[]] = GNU_TIME ? ['/usr/bin/time', ['-v', command, ...args]] : [command, [...args]];
    const started = performance.now();
    const child = spawn(full[0], full[1], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    let polledKiB = 0;
    const poll = setInterval(() => {
      void readFile(`/proc/${child.pid}/status`, 'utf8')
        .then((status) => {
          const match = /VmHWM:\s+(\d+) kB/.exec(status);
          if (match !== null) polledKiB = Math.max(polledKiB, Number(match[1]));
        })
        .catch(() => undefined);
    }, 20);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-4000)}\n${stdout.slice(-4000)}`));
      const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const kib = timed === null ? polledKiB : Number(timed[1]);
      resolvePromise({ seconds, maxRssMiB: kib / 1024, stdout });
    });
  });
}
