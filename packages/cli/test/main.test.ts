import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCommands, main, type CliCommand, type CliIo } from '../src/index.js';
import { FIXTURES, run, tempFolder } from './support.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('sparse', () => {
  it('prints its version', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await run([flag], process.cwd());
      expect(result).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
    }
  });

  it('lists its commands in --help, and exits 2 without a command', async () => {
    const help = await run(['--help'], process.cwd());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sparse <command> \[options\]/);
    expect(help.stdout).toMatch(/\n {2}prune +Prune a safetensors checkpoint/);
    expect(help.stdout).toMatch(/\n {2}schema +Print or write the JSON Schema/);
    const bare = await run([], process.cwd());
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe(help.stdout);
  });

  it('shows a command help with --help, -h or help <command>', async () => {
    const viaFlag = await run(['prune', '--help'], process.cwd());
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toMatch(/^Usage: sparse prune --in W\.safetensors --out P\.safetensors --sparsity S/);
    expect(viaFlag.stdout).toMatch(/--scope SCOPE {6}layerwise \(default\)/);
    expect((await run(['prune', '-h'], process.cwd())).stdout).toBe(viaFlag.stdout);
    expect((await run(['help', 'prune'], process.cwd())).stdout).toBe(viaFlag.stdout);
  });

  it('names the known commands for an unknown one', async () => {
    const result = await run(['prnue'], process.cwd());
    expect(result.code).toBe(2);
    const names = builtinCommands.map((command) => command.name).join(', ');
    expect(names).toMatch(/^prune\b/);
    expect(result.stderr).toBe(`sparse: unknown command 'prnue'; available: ${names}. Run 'sparse --help' for usage.\n`);
  });

  it('sparse run with a config file that does not exist exits 2, as its help says, naming the file', async () => {
    const result = await run(['run', 'missing.json'], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sparse run: the config file "missing\.json" does not exist/);
  });

  it('takes more commands through its registry', async () => {
    const hello: CliCommand = { name: 'hello', summary: 'Say hello.', usage: 'sparse hello', help: 'Usage: sparse hello\n', run: async (_argv, io) => (io.stdout('hi\n'), 0) };
    const lines: string[] = [];
    const io: CliIo = { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t), env: {}, cwd: process.cwd() };
    expect(await main(['hello'], io, [...builtinCommands, hello])).toBe(0);
    expect(await main(['--help'], io, [...builtinCommands, hello])).toBe(0);
    expect(lines[0]).toBe('hi\n');
    expect(lines[1]).toMatch(/\n {2}hello +Say hello\.\n/);
  });

  it('reports an unexpected error with exit code 1', async () => {
    const broken: CliCommand = { name: 'broken', summary: '', usage: 'sparse broken', help: '', run: () => Promise.reject(new Error('boom')) };
    let stderr = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), env: {}, cwd: process.cwd() };
    expect(await main(['broken'], io, [broken])).toBe(1);
    expect(stderr).toMatch(/^sparse broken: boom\n/);
  });
});

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe.skipIf(!existsSync(BIN))('the built bin (skipped when packages/cli/dist/bin.js is missing: run pnpm build)', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeAll(async () => {
    folder = await tempFolder('bin');
  });
  afterAll(async () => folder.remove());

  it('prunes as a spawned process and exits 0, then 2 on a usage error', async () => {
    const exec = promisify(execFile);
    const { stdout } = await exec(process.execPath, [BIN, 'prune', '--in', join(FIXTURES, 'torch-weights.safetensors'), '--out', 'p.safetensors', '--sparsity', '0.5'], { cwd: folder.path, timeout: 120_000 });
    expect(stdout).toMatch(/\npruned tensors \(4\)\s+746\s+373\s+50\.00%\n/);
    expect(stdout).toMatch(/\(backend: wasm\)\n$/);
    expect(await folder.files()).toEqual(['p.safetensors']);
    const failure = await exec(process.execPath, [BIN, 'prune', '--sparsity', '2'], { cwd: folder.path }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringMatching(/^sparse prune: --in is required/) as unknown });
  });
});
