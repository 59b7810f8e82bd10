/**
 * The PyTorch peer: finds a Python that imports torch, and runs a bench/python script in
 * `--serve` mode so that the TypeScript side can interleave its rounds with the peer's.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A Python interpreter with torch. */
export interface TorchPython {
  readonly executable: string;
  readonly torchVersion: string;
}

let found: TorchPython | null | undefined;
/** Why no interpreter was usable, for the skip note. */
export let torchMissingReason = '';

/**
 * The first of `SPARSE_BENCH_PYTHON`, `python3`, `/usr/bin/python3`, `python` whose
 * `import torch` works (`null` if none: the peers are then skipped with a note).
 */
export function findTorchPython(): TorchPython | null {
  if (found !== undefined) return found;
  const candidates = [process.env['SPARSE_BENCH_PYTHON'], 'python3', '/usr/bin/python3', 'python'].filter(
    (c): c is string => c !== undefined && c !== '',
  );
  const tried: string[] = [];
  for (const executable of [...new Set(candidates)]) {
    const probe = spawnSync(executable, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) {
      found = { executable, torchVersion: probe.stdout.trim() };
      return found;
    }
    tried.push(`${executable}: ${probe.error === undefined ? (probe.stderr.trim().split('\n').at(-1) ?? 'failed') : probe.error.message}`);
  }
  torchMissingReason = `no Python with torch found (${tried.join('; ')}); set SPARSE_BENCH_PYTHON to one`;
  found = null;
  return found;
}

/** A served peer script: send a JSON request, get a JSON answer. */
export class PeerProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(python: TorchPython, script: string, env: Record<string, string> = {}) {
    const path = fileURLToPath(new URL(`../python/${script}`, import.meta.url));
    this.child = spawn(python.executable, [path, '--serve'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  /** Sends one request and waits for its answer. */
  request<T>(message: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`peer exited (${String(code)}): ${this.stderr.trim()}`));
      this.child.once('exit', onExit);
      this.pending.push((line) => {
        this.child.off('exit', onExit);
        try {
          resolve(JSON.parse(line) as T);
        } catch {
          reject(new Error(`peer answered '${line}'`));
        }
      });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Stops the peer. */
  close(): void {
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
    this.lines.close();
  }
}
