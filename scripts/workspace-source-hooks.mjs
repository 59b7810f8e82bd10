/**
 * Module resolution of the workspace from its TypeScript sources, for the root benchmarks
 * (bench/lib/register.mjs) and for worker threads started from sources (tests, benchmarks), which
 * vitest's aliases do not reach (loaded with `module.register`).
 *
 * The root package has no dependencies of its own, so the benchmarks run the workspace packages
 * from their TypeScript sources, as the tests do (vitest.config.ts aliases them the same way):
 *
 * - `@sparse/<folder>` resolves to `packages/<folder>/src/index.ts`, from anywhere (so that one
 *   copy of each package is loaded, never its sources and its dist side by side);
 * - any other bare specifier imported from `bench/` resolves as if imported from
 *   `packages/<folder>/` for the first package that has it (tfjs, for example).
 *
 * No build is needed: a fresh clone runs after `pnpm install`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const repo = new URL('../', import.meta.url);
const benchDir = new URL('bench/', repo).href;
const packagesDir = new URL('packages/', repo);

/** `@sparse/<name>` → its source entry, read from each package's manifest. */
const sources = new Map();
/** One file URL per package folder, used as the importer of bare specifiers from bench/. */
const packageParents = [];
for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const manifest = new URL(`${entry.name}/package.json`, packagesDir);
  if (!existsSync(manifest)) continue;
  const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
  const source = new URL(`${entry.name}/src/index.ts`, packagesDir);
  if (typeof name === 'string' && existsSync(source)) sources.set(name, source.href);
  packageParents.push(manifest.href);
}
// core first: it holds tfjs-core and tfjs-backend-cpu
packageParents.sort((a, b) => Number(b.includes('/packages/core/')) - Number(a.includes('/packages/core/')));

function isBare(specifier) {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !/^[a-z]+:/i.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  const source = sources.get(specifier);
  if (source !== undefined) return nextResolve(source, context);
  if (isBare(specifier) && context.parentURL?.startsWith(benchDir)) {
    try {
      return await nextResolve(specifier, context);
    } catch (first) {
      for (const parentURL of packageParents) {
        try {
          return await nextResolve(specifier, { ...context, parentURL });
        } catch {
          // try the next package
        }
      }
      throw first;
    }
  }
  return nextResolve(specifier, context);
}

