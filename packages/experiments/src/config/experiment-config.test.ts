import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Scorers, isSparseError } from '@sparse/core';
import { experimentJsonSchema, prepareExperiment } from './experiment-config.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/plugins/', import.meta.url));

async function prepare(raw: unknown) {
  return prepareExperiment({ raw, source: join(fixtures, 'config.json'), cwd: tmpdir(), builtIns: [] });
}

async function failure(raw: unknown): Promise<{ code: string; message: string; field?: string }> {
  try {
    await prepare(raw);
  } catch (error) {
    if (isSparseError(error)) return { code: error.code, message: error.message, ...(error.details.field === undefined ? {} : { field: error.details.field }) };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('prepareExperiment', () => {
  it("loads the config's plugins from its folder and checks the kind's fields, plugin names included", async () => {
    const prepared = await prepare({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'], scorer: { name: 'inverse', epsilon: 0.5 }, $schema: 'x.json' });
    expect(prepared.kind.name).toBe('echo');
    expect(prepared.config).toEqual({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'], scorer: { name: 'inverse', epsilon: 0.5 }, greeting: 'hi' });
    expect(prepared.runtime.has(Scorers, 'inverse')).toBe(true);
    expect(prepared.plugins.map((spec) => spec.specifier)).toEqual(['./echo-plugin.mjs']);
  });

  it('passes plugin options to the factory', async () => {
    const prepared = await prepare({ kind: 'echo', backend: 'cpu', name: 'x', plugins: [{ module: './echo-plugin.mjs', options: { greeting: 'hello' } }] });
    expect(prepared.config['greeting']).toBe('hello');
  });

  it('names the field, the value and the allowed names for a wrong plugin option, name or kind', async () => {
    const wrongType = await failure({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'], scorer: { name: 'inverse', epsilon: 'big' } });
    expect(wrongType).toMatchObject({ code: 'E_CONFIG', field: 'scorer.epsilon' });
    expect(wrongType.message).toMatch(/scorer\.epsilon: expected a number, received "big"/);

    const unknownName = await failure({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'], scorer: 'invers' });
    expect(unknownName.message).toMatch(/scorer: unknown scorer "invers"; registered: .*inverse.*magnitude/);

    const unknownOption = await failure({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'], scorer: { name: 'inverse', eps: 1 } });
    expect(unknownOption.message).toMatch(/scorer\.eps: unknown option of the scorer 'inverse'; allowed: epsilon/);

    const unknownField = await failure({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'], nme: 'y' });
    expect(unknownField.message).toMatch(/nme: unknown field; allowed: .*name/);

    const unknownKind = await failure({ kind: 'ech', backend: 'cpu', plugins: ['./echo-plugin.mjs'] });
    expect(unknownKind).toMatchObject({ code: 'E_CONFIG', field: 'kind' });
    expect(unknownKind.message).toMatch(/unknown experiment kind 'ech'; registered: echo/);

    const missingPlugin = await failure({ kind: 'echo', backend: 'cpu', plugins: ['./nope.mjs'] });
    expect(missingPlugin).toMatchObject({ code: 'E_PLUGIN', field: 'plugins[0]' });
    expect(missingPlugin.message).toMatch(/plugins\[0\]: the plugin file "\.\/nope\.mjs" does not exist/);

    const missingPackage = await failure({ kind: 'echo', backend: 'cpu', plugins: ['@nobody/nothing'] });
    expect(missingPackage.message).toMatch(/cannot find the plugin package "@nobody\/nothing"/);

    const notAPlugin = await failure({ kind: 'echo', backend: 'cpu', plugins: ['./config.json'] });
    expect(notAPlugin.code).toBe('E_PLUGIN');

    const badBackend = await failure({ kind: 'echo', backend: 'gpu', plugins: ['./echo-plugin.mjs'] });
    expect(badBackend).toMatchObject({ code: 'E_CONFIG', field: 'backend' });
  });

  it('rejects a plugin module whose default export is not a plugin factory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparse-plugin-'));
    await writeFile(join(dir, 'none.mjs'), 'export const x = 1;\n');
    await writeFile(join(dir, 'throws.mjs'), 'export default () => { throw new Error("boom"); };\n');
    await writeFile(join(dir, 'returns.mjs'), 'export default () => 42;\n');
    const run = (file: string) => prepareExperiment({ raw: { kind: 'echo', plugins: [file] }, source: join(dir, 'c.json'), cwd: dir, builtIns: [] });
    await expect(run('./none.mjs')).rejects.toThrowError(/has no default export that is a plugin factory/);
    await expect(run('./throws.mjs')).rejects.toThrowError(/plugin factory of "\.\/throws\.mjs" threw: boom/);
    await expect(run('./returns.mjs')).rejects.toThrowError(/returned 42, not a plugin/);
  });

  it('exports the JSON Schema of a kind with its implementation names and options', async () => {
    const prepared = await prepare({ kind: 'echo', backend: 'cpu', name: 'x', plugins: ['./echo-plugin.mjs'] });
    const schema = experimentJsonSchema(prepared.runtime, 'echo');
    const text = JSON.stringify(schema);
    expect(schema['title']).toMatch(/echo/);
    expect(text).toContain('"inverse"');
    expect(text).toContain('"epsilon"');
    expect(text).toContain('"const":"echo"');
  });
});
