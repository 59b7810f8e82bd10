import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { tsxEsmApiUrl } from './tsx-api.js';

describe('tsxEsmApiUrl', () => {
  it("locates the ESM build of tsx's API from a module of the workspace", async () => {
    const url = tsxEsmApiUrl(import.meta.url);
    expect(url).toMatch(/^file:.*tsx\/dist\/esm\/api\/index\.mjs$/);
    expect(existsSync(fileURLToPath(url))).toBe(true);
    const api = (await import(url)) as { register?: unknown };
    expect(typeof api.register).toBe('function');
  });

  it('reports E_NOT_FOUND where tsx cannot be resolved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparse-no-tsx-'));
    try {
      let caught: unknown;
      try {
        tsxEsmApiUrl(pathToFileURL(join(dir, 'main.js')));
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_NOT_FOUND')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
