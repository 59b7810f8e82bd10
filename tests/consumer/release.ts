/**
 * The release, as docs/guides/releasing.md describes it, done on a copy of the workspace so the
 * repository is never touched: `changeset version` (pending changesets become versions and
 * CHANGELOG.md entries), then `pnpm -r publish`, which packs every public package with its
 * `workspace:^` ranges turned into the real versions and publishes what the registry lacks.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** pnpm as the README runs it (no global install needed). */
export const PNPM = ['npx', '--yes', 'pnpm@10.34.9'] as const;

/** The environment for child package managers: ours, minus the npm_config_* a parent pnpm or npm set. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && !key.startsWith('PNPM_')) env[key] = value;
  return { ...env, npm_config_yes: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** Runs a command, returning stdout; on failure the error carries both streams. */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = childEnv()): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
  }
}

/** Public package folders under packages/ (those without `"private": true`). */
export function publicPackages(): { folder: string; name: string }[] {
  return readdirSync(join(repo, 'packages'))
    .filter((folder) => existsSync(join(repo, 'packages', folder, 'package.json')))
    .map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(repo, 'packages', folder, 'package.json'), 'utf8')) as { name: string; private?: boolean } }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ folder, manifest }) => ({ folder, name: manifest.name }));
}

/**
 * Copies what a release needs (manifests, READMEs, built dist/ and data/, the pending changesets),
 * versions it with changesets and publishes every public package to `npmrc`'s registry.
 * Returns the published versions by package name.
 */
export function releaseCopy(workDir: string, npmrc: string): Map<string, string> {
  const copy = join(workDir, 'release');
  mkdirSync(copy, { recursive: true });
  // the workspace as it is (manifests, lockfile), so that `pnpm install` links it from the store
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml']) cpSync(join(repo, file), join(copy, file));
  for (const manifest of ['examples/package.json', ...readdirSync(join(repo, 'apps')).map((app) => `apps/${app}/package.json`)]) {
    if (existsSync(join(repo, manifest))) cpSync(join(repo, manifest), join(copy, manifest));
  }
  writeFileSync(join(copy, '.npmrc'), npmrc);
  cpSync(join(repo, '.changeset'), join(copy, '.changeset'), { recursive: true });
  const skip = new Set(['node_modules', 'src', 'test', 'bench', 'scripts']);
  for (const { folder } of publicPackages()) {
    cpSync(join(repo, 'packages', folder), join(copy, 'packages', folder), {
      recursive: true,
      filter: (source) => {
        const relative = source.slice(join(repo, 'packages', folder).length + 1);
        const top = relative.split('/')[0] ?? '';
        return !skip.has(top) && !relative.endsWith('.tsbuildinfo');
      },
    });
  }
  // changesets writes CHANGELOG links from git history; the copy is its own small repository
  run('git', ['init', '-q'], copy);
  run('git', ['-c', 'user.email=release@test.invalid', '-c', 'user.name=release test', 'add', '-A'], copy);
  run('git', ['-c', 'user.email=release@test.invalid', '-c', 'user.name=release test', 'commit', '-qm', 'release copy'], copy);
  // pnpm resolves `workspace:^` from the linked packages' manifests, so the copy is installed (from the store)
  run(PNPM[0], [...PNPM.slice(1), 'install', '--no-frozen-lockfile', '--prefer-offline', '--ignore-scripts', '--reporter=silent'], copy);
  run(process.execPath, [join(repo, 'node_modules/@changesets/cli/bin.js'), 'version'], copy);
  run(PNPM[0], [...PNPM.slice(1), '-r', 'publish', '--no-git-checks', '--access', 'public'], copy);
  const versions = new Map<string, string>();
  for (const { folder, name } of publicPackages()) {
    const manifest = JSON.parse(readFileSync(join(copy, 'packages', folder, 'package.json'), 'utf8')) as { version: string };
    versions.set(name, manifest.version);
  }
  return versions;
}
