// Node.js module hooks for tests that start child processes or worker threads: resolve
// `@sparse/<pkg>` to packages/<pkg>/src/index.ts (as vitest.config.ts does for in-process tests),
// so nothing needs to be built first. Load the TypeScript with tsx registered before this.
import { existsSync } from 'node:fs';

const root = new URL('../../../../', import.meta.url);

/** A built file of a workspace package (`packages/<pkg>/dist/x.js`, or through node_modules/@sparse/<pkg>) → its source, when there is one. */
const BUILT = /\/(?:packages|node_modules\/@sparse)\/([a-z0-9-]+)\/dist\/(.+)\.js$/;

export async function resolve(specifier, context, nextResolve) {
  const match = /^@sparse\/([a-z0-9-]+)$/.exec(specifier);
  if (match !== null) {
    const url = new URL(`packages/${match[1]}/src/index.ts`, root);
    if (existsSync(url)) return nextResolve(url.href, context);
  }
  const built = specifier.startsWith('file:') ? BUILT.exec(specifier) : null;
  if (built !== null) {
    const url = new URL(`packages/${built[1]}/src/${built[2]}.ts`, root);
    if (existsSync(url)) return nextResolve(url.href, context);
  }
  return nextResolve(specifier, context);
}
