/**
 * Which package may import which (docs/guides/architecture.md, ADR 0009): arrows only point down.
 * Reads every package's source imports of `@sparse/*` (tests excluded) and its declared
 * dependencies, and fails naming the file and the forbidden import.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const FAMILIES = ['lth', 'group-envelope', 'activation', 'delta', 'sparse-training'];
const BACKENDS = ['backend-wasm', 'backend-node'];

/** What each package may import (other than itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  testing: ['core'],
  'backend-wasm': ['core'],
  'backend-node': ['core'],
  datasets: ['core'],
  layers: ['core'],
  experiments: ['core'],
  sweep: ['core', 'experiments'],
  ...Object.fromEntries(FAMILIES.map((family) => [family, ['core', 'experiments', 'layers', 'datasets']])),
  cli: ['core', 'experiments', 'layers', 'datasets', 'sweep', ...BACKENDS, ...FAMILIES],
};

function sourceFiles(dir: string, withTests = false): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path, withTests);
    return path.endsWith('.ts') && (withTests || !path.endsWith('.test.ts')) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  // TSDoc examples show what a user writes, not what the package imports.
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/)/.test(line))
    .join('\n');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'@sparse\/([a-z0-9-]+)(?:\/[^']*)?'/g)].map((match) => match[1] as string);
}

const packages = readdirSync(join(root, 'packages')).filter((name) => statSync(join(root, 'packages', name)).isDirectory() && name in ALLOWED);

describe('the package graph', () => {
  it('knows every package', () => {
    const all = readdirSync(join(root, 'packages')).filter((name) => statSync(join(root, 'packages', name, 'package.json'), { throwIfNoEntry: false }) !== undefined);
    expect(all.filter((name) => !(name in ALLOWED))).toEqual([]);
  });

  it.each(packages)('%s imports only the packages below it', (name) => {
    const allowed = ALLOWED[name] ?? [];
    const forbidden = sourceFiles(join(root, 'packages', name, 'src')).flatMap((file) =>
      importsOf(file)
        .filter((target) => target !== name && !allowed.includes(target))
        .map((target) => `${file.slice(root.length)} imports @sparse/${target}`),
    );
    expect(forbidden).toEqual([]);
  });

  it.each(packages)('%s declares as dependencies only packages it may import', (name) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = Object.keys(manifest.dependencies ?? {}).filter((dep) => dep.startsWith('@sparse/')).map((dep) => dep.slice('@sparse/'.length));
    expect(declared.filter((dep) => !(ALLOWED[name] ?? []).includes(dep))).toEqual([]);
  });

  it.each(FAMILIES)('the %s family does not even name a backend package in its sources', (family) => {
    const hits = sourceFiles(join(root, 'packages', family, 'src'), true).filter((file) => readFileSync(file, 'utf8').includes('@sparse/backend-'));
    expect(hits.map((file) => file.slice(root.length))).toEqual([]);
  });
});
