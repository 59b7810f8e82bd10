/**
 * The built `sparse` command (packages/cli/dist/bin.js), for benchmarks that time it as a user
 * runs it. `tsc -b packages/cli` is incremental, so this costs a second when nothing changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (with a trailing slash). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Builds the CLI when needed and returns the path of its bin.js; exits with a message when the build fails. */
export function ensureBuiltCli(): string {
  const cli = `${REPO_ROOT}packages/cli/dist/bin.js`;
  console.log('building the CLI (tsc -b packages/cli, incremental) ...');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', `${REPO_ROOT}packages/cli`], { stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(cli)) {
    console.error(`building the CLI failed (exit ${build.status ?? build.signal}); run pnpm build and look at its errors`);
    process.exit(1);
  }
  return cli;
}
