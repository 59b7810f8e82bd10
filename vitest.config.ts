import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import projects, { packageFolders } from './vitest.workspace.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests import workspace packages from their TypeScript sources, so no build is needed first. */
const sourceAliases = packageFolders.map((folder) => {
  const manifest = JSON.parse(readFileSync(`${root}packages/${folder}/package.json`, 'utf8')) as { name: string };
  return { find: new RegExp(`^${manifest.name.replace('/', '\\/')}$`), replacement: `${root}packages/${folder}/src/index.ts` };
});

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // tfjs's production mode: no "running TensorFlow.js in Node.js" banner in the output
    setupFiles: [`${root}packages/core/test/support/quiet-tfjs.ts`],
  },
});
