/**
 * The committed JSON Schemas (schemas/<kind>.schema.json, written by `pnpm schemas`) are what
 * `sparse schema` generates now, and every example config names its kind's schema and passes the
 * full config check (plugins, names and options; the data set is checked only when a run starts).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareExperiment, readConfigFile } from '@sparse/experiments';
import { schemaCommand } from '../src/commands/schema.js';
import { builtInPlugins } from '../src/plugins/built-in-plugins.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const schemasDir = join(repo, 'schemas');

function exampleConfigs(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules') return [];
    if (statSync(path).isDirectory()) return exampleConfigs(path);
    if (!path.endsWith('.json') || entry === 'package.json' || entry.startsWith('tsconfig')) return [];
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && 'kind' in value ? [path] : [];
  });
}

const configs = exampleConfigs(join(repo, 'examples'));
const temp: string[] = [];
afterAll(async () => Promise.all(temp.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('schemas/', () => {
  it('holds exactly what `sparse schema` writes for every registered kind', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sparse-schemas-'));
    temp.push(out);
    const lines: string[] = [];
    const code = await schemaCommand.run(['--out-dir', out], { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t), env: {}, cwd: repo });
    expect(code, lines.join('')).toBe(0);
    const generated = (await readdir(out)).sort();
    expect(generated).toEqual(expect.arrayContaining(['activation.schema.json', 'delta.schema.json', 'group-envelope.schema.json', 'lth.schema.json', 'pretrained-masks.schema.json', 'sparse-training.schema.json']));
    expect((await readdir(schemasDir)).sort()).toEqual(generated);
    for (const file of generated) {
      expect(await readFile(join(schemasDir, file), 'utf8'), `${file} is stale: run pnpm schemas`).toBe(await readFile(join(out, file), 'utf8'));
    }
  });
});

describe('example configs', () => {
  it('exist for every kind, a quick one each', () => {
    const kinds = new Set(configs.map((path) => (JSON.parse(readFileSync(path, 'utf8')) as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['activation', 'delta', 'group-envelope', 'lth', 'pretrained-masks', 'sparse-training']);
    // The two kinds of @sparse/sparse-training share its folder.
    const folder = (kind: string): string => (kind === 'pretrained-masks' ? 'sparse-training' : kind);
    for (const kind of kinds) expect(configs.some((path) => path.includes(`examples/${folder(kind)}/`) && path.endsWith('-quick.json')), kind).toBe(true);
  });

  it.each(configs.map((path) => [relative(repo, path), path]))('%s names its schema and passes the full check', async (_name, path) => {
    const raw = (await readConfigFile(path)) as { kind: string; $schema?: string };
    expect(raw.$schema).toBeDefined();
    expect(resolve(dirname(path), raw.$schema as string)).toBe(join(schemasDir, `${raw.kind}.schema.json`));
    const prepared = await prepareExperiment({ raw, source: path, cwd: repo, builtIns: builtInPlugins(), onWarning: () => {} });
    expect(prepared.kind.name).toBe(raw.kind);
  });
});
