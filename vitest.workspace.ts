/**
 * The single list of test projects: one per package under packages/, plus repository-level
 * integration tests. `vitest.config.ts` imports it into `test.projects` (Vitest 4 no longer reads
 * this file on its own).
 */
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configDefaults, type TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every package folder that has a package.json. */
export const packageFolders: readonly string[] = readdirSync(new URL('packages/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${root}packages/${entry.name}/package.json`))
  .map((entry) => entry.name)
  .sort();

/**
 * Two tiers: the default one (`pnpm test`, the README's test command) runs every `*.test.ts` but
 * the `*.slow.test.ts` files; `SPARSE_TEST_TIER=slow` (`pnpm test:slow`, which CI also runs) runs
 * only those: the real quick configs of every family, kill -9 trials, packed-plugin installs.
 */
const slow = process.env['SPARSE_TEST_TIER'] === 'slow';
const include = (patterns: readonly string[]): string[] => patterns.map((pattern) => (slow ? pattern.replace(/\.test\.ts$/, '.slow.test.ts') : pattern));
const exclude = slow ? [...configDefaults.exclude] : [...configDefaults.exclude, '**/*.slow.test.ts'];

const projects: TestProjectInlineConfiguration[] = [
  ...packageFolders.map((folder) => ({
    extends: true as const,
    test: {
      name: folder,
      root: `${root}packages/${folder}`,
      include: include(['src/**/*.test.ts', 'test/**/*.test.ts']),
      exclude,
    },
  })),
  {
    extends: true as const,
    test: {
      name: 'integration',
      root: `${root}tests`,
      include: include(['**/*.test.ts']),
      exclude,
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  },
];

export default projects;
