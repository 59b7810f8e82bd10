/**
 * The consumer test: packs @sparse/core and @sparse/backend-wasm as tarballs, installs them with
 * npm into a new project outside the workspace, type-checks a TypeScript file that uses them,
 * runs it, and checks that it created a runtime on wasm. This is what a real user's install sees
 * (ESM resolution through `exports`, shipped .d.ts files, the wasm binaries inside the package).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const packed = ['core', 'backend-wasm'];
let project = '';

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_yes: 'true' } });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

beforeAll(() => {
  run('pnpm', ['run', 'build'], repo);
  project = mkdtempSync(join(tmpdir(), 'sparse-consumer-'));
  for (const folder of packed) run('pnpm', ['pack', '--pack-destination', project], join(repo, 'packages', folder));
  const tarballs = readdirSync(project).filter((file) => file.endsWith('.tgz'));
  const byName = (prefix: string): string => {
    const file = tarballs.find((tarball) => tarball.startsWith(prefix));
    if (file === undefined) throw new Error(`no tarball for ${prefix} in ${tarballs.join(', ')}`);
    return `file:./${file}`;
  };
  const core = byName('sparse-core-');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'sparse-consumer',
        private: true,
        type: 'module',
        dependencies: { '@sparse/core': core, '@sparse/backend-wasm': byName('sparse-backend-wasm-') },
        overrides: { '@sparse/core': core },
        devDependencies: { typescript: '~6.0.3', '@types/node': '^20.19.0' },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        exactOptionalPropertyTypes: true,
        // As `tsc --init` writes it: tfjs-core 4.22's own declarations do not compile against
        // TypeScript 6's DOM library (WebGPU types, `Long`). Our .d.ts files are emitted by tsc from
        // strict sources; the wrong-type test below shows they are real types.
        skipLibCheck: true,
        types: ['node'],
        lib: ['ES2023', 'DOM'],
        outDir: 'out',
      },
      include: ['main.ts'],
    }),
  );
  writeFileSync(
    join(project, 'main.ts'),
    [
      "import { createRuntime, SparseError, type SparseRuntime } from '@sparse/core';",
      "import { wasmBackend } from '@sparse/backend-wasm';",
      '',
      "const runtime: SparseRuntime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });",
      'const backend: string = runtime.backend;',
      "console.log(`backend: ${backend}; SparseError is a class: ${typeof SparseError === 'function'}`);",
      '',
    ].join('\n'),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
}, 600_000);

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe('a user project that installs the packed tarballs with npm', () => {
  it('type-checks against the shipped declarations and runs on wasm', () => {
    run('npx', ['tsc', '-p', '.'], project);
    const output = run('node', ['out/main.js'], project);
    expect(output.trim()).toBe('backend: wasm; SparseError is a class: true');
  });

  it('gets real types: a wrong option type is a compile error', () => {
    writeFileSync(join(project, 'wrong.ts'), "import { createRuntime } from '@sparse/core';\nawait createRuntime({ backend: 42 });\n");
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, include: ['wrong.ts'] }));
    let diagnostics = '';
    try {
      run('npx', ['tsc', '-p', 'tsconfig.wrong.json'], project);
    } catch (error) {
      diagnostics = String(error instanceof Error ? error.message : error);
    }
    expect(diagnostics).toMatch(/wrong\.ts.*TS2322.*number.*string/s);
  });
});
