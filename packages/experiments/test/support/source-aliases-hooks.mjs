// Node.js module hooks for tests that start child processes or worker threads: resolve
// `@sparse/<pkg>` to packages/<pkg>/src/index.ts (as vitest.config.ts does for in-process tests),
// so nothing needs to be built first. Load the TypeScript with tsx registered before this.
import { existsSync } from 'node:fs';

const root = new URL('../../../../', import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const match = /^@sparse\/([a-z0-9-]+)$/.exec(specifier);
  if (match !== null) {
    const url = new URL(`packages/${match[1]}/src/index.ts`, root);
    if (existsSync(url)) return nextResolve(url.href, context);
  }
  return nextResolve(specifier, context);
}
