/**
 * The single list of test projects: one per package under packages/, plus repository-level
 * integration tests. `vitest.config.ts` imports it into `test.projects` (Vitest 4 no longer reads
 * this file on its own).
 */
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every package folder that has a package.json. */
export const packageFolders: readonly string[] = readdirSync(new URL('packages/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${root}packages/${entry.name}/package.json`))
  .map((entry) => entry.name)
  .sort();

const projects: TestProjectInlineConfiguration[] = [
  ...packageFolders.map((folder) => ({
    extends: true as const,
    test: {
      name: folder,
      root: `${root}packages/${folder}`,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    },
  })),
  {
    extends: true as const,
    test: {
      name: 'integration',
      root: `${root}tests`,
      include: ['**/*.test.ts'],
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  },
];

export default projects;
