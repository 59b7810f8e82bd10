/**
 * The consumer test, as a new user meets the project: every public package is released to a real
 * npm registry (Verdaccio on 127.0.0.1, see local-registry.ts) the way docs/guides/releasing.md
 * says (`changeset version`, then `pnpm -r publish`, which turns `workspace:^` into versions). Then,
 * in an empty folder, once with pnpm and once with npm, the install lines of the getting-started
 * guide and of the README run verbatim, the guide's `tsconfig.json` (strict) compiles the guide's
 * two scripts, and the scripts and the README's plugin example run and print what the docs say.
 * The code is read from the Markdown, so the docs and this test cannot drift apart.
 *
 * Needs the build (`pnpm build`, which `.ci/run` runs before the slow tier; the test builds when
 * dist/ is missing) and registry.npmjs.org for third-party packages (tfjs, zod, typescript), which
 * the local registry proxies and caches.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { PNPM, childEnv, publicPackages, releaseCopy, run } from './release.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const guide = readFileSync(join(repo, 'docs/guides/getting-started.md'), 'utf8');

/** The body of the fenced block titled `title` in a Markdown text. */
function block(markdown: string, title: string): string {
  const match = new RegExp('```\\w*\\s+title="' + title.replace(/\./g, '\\.') + '"\\n([\\s\\S]*?)```').exec(markdown);
  if (match?.[1] === undefined) throw new Error(`no code block titled ${title}`);
  return match[1];
}

/** The command lines of a shell block, rewritten for the package manager under test. */
function commands(script: string, manager: 'pnpm' | 'npm'): string[][] {
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split('&&').map((part) => part.trim().split(/\s+/)))
    .map((words) => {
      if (words[0] !== 'pnpm') return words;
      if (manager === 'pnpm') return [...PNPM, ...words.slice(1)];
      return ['npm', 'install', ...words.slice(2)];
    });
}

/** A GET that retries once: the release can outlast the registry's keep-alive, closing a pooled socket. */
async function getOnce(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    return fetch(url);
  }
}

let work = '';
let registry: LocalRegistry | undefined;
let versions = new Map<string, string>();

beforeAll(async () => {
  const built = publicPackages().every(({ folder }) => existsSync(join(repo, 'packages', folder, 'dist/index.js')));
  if (!built) run('npx', ['--yes', 'pnpm@10.34.9', 'run', 'build'], repo);
  work = mkdtempSync(join(tmpdir(), 'sparse-release-'));
  registry = await startLocalRegistry(work);
  versions = releaseCopy(work, registry.npmrc);
}, 900_000);

afterAll(async () => {
  await registry?.stop();
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the release: changeset version, then pnpm -r publish to a local registry', () => {
  it('publishes every public package with its workspace ranges turned into versions', async () => {
    const url = registry?.url ?? '';
    for (const { name } of publicPackages()) {
      const response = await getOnce(`${url}${name.replace('/', '%2f')}`);
      expect(response.status, name).toBe(200);
      const document = (await response.json()) as { versions: Record<string, { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }> };
      const published = document.versions[versions.get(name) ?? ''];
      expect(published, `${name}@${versions.get(name)}`).toBeDefined();
      for (const [dependency, range] of Object.entries({ ...published?.dependencies, ...published?.peerDependencies })) {
        expect(range, `${name} → ${dependency}`).not.toMatch(/workspace:/);
        if (dependency.startsWith('@sparse/')) expect(range, `${name} → ${dependency}`).toBe(`^${versions.get(dependency)}`);
      }
    }
  });
});

describe.each(['pnpm', 'npm'] as const)('a new %s project that installs from the registry as the docs say', (manager) => {
  let project = '';
  const env = (): NodeJS.ProcessEnv => childEnv({ npm_config_registry: registry?.url ?? '' });

  beforeAll(() => {
    project = join(work, `consumer-${manager}`);
    run('mkdir', ['-p', project], work);
    // only the registry: the token stays with the release copy
    writeFileSync(join(project, '.npmrc'), `registry=${registry?.url ?? ''}\n`);
    for (const title of ['install.sh'] as const) for (const [command, ...args] of commands(block(guide, title), manager)) run(command ?? '', args, project, env());
    for (const [command, ...args] of commands(block(readme, 'install-readme.sh'), manager)) run(command ?? '', args, project, env());
    writeFileSync(join(project, 'tsconfig.json'), block(guide, 'tsconfig.json'));
    for (const file of ['prune.ts', 'lth.ts']) writeFileSync(join(project, file), block(guide, file));
    for (const file of ['power-magnitude.js', 'use-power-magnitude.js']) writeFileSync(join(project, file), block(readme, file));
  }, 900_000);

  it('installed the released versions, one copy of tfjs-core', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['@sparse/core', '@sparse/lth', '@sparse/backend-wasm', '@tensorflow/tfjs-core']));
    const lth = JSON.parse(readFileSync(join(project, 'node_modules/@sparse/lth/package.json'), 'utf8')) as { version: string };
    expect(lth.version).toBe(versions.get('@sparse/lth'));
    const list = run(manager === 'pnpm' ? PNPM[0] : 'npm', manager === 'pnpm' ? [...PNPM.slice(1), 'list', '--depth', 'Infinity', '--json'] : ['ls', '--all', '--json'], project, env());
    const copies = new Set([...list.matchAll(/"@tensorflow\/tfjs-core"\s*:\s*\{[^{}]*?"version"\s*:\s*"([^"]+)"/g)].map((match) => match[1]));
    expect([...copies]).toEqual(['4.22.0']);
  });

  it("compiles the guide's scripts with the guide's strict tsconfig.json", () => {
    run('npx', ['--no-install', 'tsc', '-p', '.'], project, env());
    expect(existsSync(join(project, 'dist/lth.js'))).toBe(true);
  });

  it("runs the guide's pruning script", () => {
    const output = run('node', ['dist/prune.js'], project, env());
    expect(output).toContain('backend wasm;');
    expect(output).toContain('fc1/kernel: 47040 of 235200 weights kept');
    expect(output).not.toMatch(/Hi, looks like/);
  });

  it("runs the guide's lottery-ticket script: four levels, 80% of the weights kept per round", () => {
    const output = run('node', ['dist/lth.js'], project, env());
    const levels = [...output.matchAll(/^level (\d): ([\d.]+)% weights remaining, test accuracy ticket (0\.\d+), re-init (—|0\.\d+)$/gm)];
    expect(levels.map((match) => Number(match[1]))).toEqual([0, 1, 2, 3]);
    expect(Number(levels[3]?.[2])).toBeCloseTo(51.3, 0);
    for (const match of levels) expect(Number(match[3])).toBeGreaterThan(0.6);
  });

  it("runs the README's plugin example", () => {
    const output = run('node', ['use-power-magnitude.js'], project, env());
    expect(output).toMatch(/^wasm: power-magnitude scores \[ \[ 0\.125, 8 \], \[ 1, 0\.00\d+ \] \]$/m);
  });

  // the declarations are the same files whichever manager installed them: checked once
  if (manager === 'pnpm')
  it('gets real types: a wrong option type is a compile error', () => {
    writeFileSync(join(project, 'wrong.ts'), "import { createRuntime } from '@sparse/core';\nawait createRuntime({ backend: 42 });\n");
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, include: ['wrong.ts'] }));
    let diagnostics = '';
    try {
      run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.wrong.json'], project, env());
    } catch (error) {
      diagnostics = String(error instanceof Error ? error.message : error);
    }
    expect(diagnostics).toMatch(/wrong\.ts.*TS2322.*number.*string/s);
  });
});
