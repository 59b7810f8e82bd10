import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { loadConfig, readConfigFile } from './load-config.js';
import { z } from 'zod';

const schema = z.strictObject({ name: z.string(), epochs: z.number().int().min(1) });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('loadConfig', () => {
  it('loads and validates a JSON file', async () => {
    const file = join(dir, 'good.json');
    await writeFile(file, JSON.stringify({ name: 'a', epochs: 2 }));
    await expect(loadConfig(file, schema)).resolves.toEqual({ name: 'a', epochs: 2 });
  });

  it('reads a JSON file that starts with a UTF-8 byte order mark', async () => {
    const file = join(dir, 'bom.json');
    await writeFile(file, `\uFEFF${JSON.stringify({ name: 'bom', epochs: 1 })}`);
    await expect(loadConfig(file, schema)).resolves.toEqual({ name: 'bom', epochs: 1 });
  });

  it('names the file and every invalid field', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ name: 1, epochs: 0 }));
    const error = await rejection(loadConfig(file, schema));
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/- name: expected a string, received 1\n {2}- epochs: expected a number >= 1, received 0$/);
  });

  it('reports JSON syntax errors, missing files and unsupported extensions', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"name": ');
    expect(isSparseError(await rejection(readConfigFile(broken)), 'E_CONFIG')).toBe(true);
    expect(isSparseError(await rejection(readConfigFile(join(dir, 'missing.json'))), 'E_IO')).toBe(true);
    const yaml = await rejection(readConfigFile(join(dir, 'x.yaml')));
    expect(isSparseError(yaml, 'E_CONFIG')).toBe(true);
    expect((yaml as Error).message).toContain('.json, .js, .mjs, .cjs, .ts, .mts, .cts');
  });

  it('loads the default export of a JavaScript or TypeScript module', async () => {
    const js = join(dir, 'config.mjs');
    await writeFile(js, 'export default { name: "js", epochs: 3 };\n');
    await expect(loadConfig(js, schema)).resolves.toEqual({ name: 'js', epochs: 3 });
    const ts = join(dir, 'config.ts');
    await writeFile(ts, 'const epochs: number = 4;\nexport default Promise.resolve({ name: "ts", epochs });\n');
    await expect(loadConfig(ts, schema)).resolves.toEqual({ name: 'ts', epochs: 4 });
  });

  it('requires a default export', async () => {
    const file = join(dir, 'named.mjs');
    await writeFile(file, 'export const config = {};\n');
    const error = await rejection(readConfigFile(file));
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain('no default export');
  });
});
