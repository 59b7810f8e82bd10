import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { removeTemporaryFiles, writeFileAtomic, writeJsonAtomic } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an old one, leaving no temporary files', async () => {
    const path = join(dir, 'a.txt');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, new Uint8Array([110, 101, 119]));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.txt']);
  });

  it('leaves the old file and no temporary file when the rename fails', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    let error: unknown;
    try {
      await writeFileAtomic(path, 'data');
    } catch (caught) {
      error = caught;
    }
    expect(isSparseError(error, 'E_IO')).toBe(true);
    expect((error as Error).message).toContain(path);
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });

  it('says when the folder is missing, or creates it on request', async () => {
    const path = join(dir, 'sub', 'deeper', 'f.json');
    await expect(writeFileAtomic(path, '1')).rejects.toThrow(/does not exist/);
    await writeJsonAtomic(path, { a: 1 }, { createFolder: true });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ a: 1 });
  });

  it('never lets concurrent writers produce a mix', async () => {
    const path = join(dir, 'race.txt');
    const contents = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
    await Promise.all(contents.map((content) => writeFileAtomic(path, content)));
    expect(contents).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['race.txt']);
  });
});

describe('removeTemporaryFiles', () => {
  it('removes only the temporary files a killed writer left, in sub-folders too', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, '.config.json.123-0-1.sparse-tmp'), 'half');
    await writeFile(join(dir, 'sub', '.x.bin.9-1-4.sparse-tmp'), 'half');
    await writeFile(join(dir, 'keep.json'), '{}');
    await writeFile(join(dir, '.hidden'), '');
    expect(await removeTemporaryFiles(dir)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['.hidden', 'keep.json', 'sub']);
    expect(await readdir(join(dir, 'sub'))).toEqual([]);
    expect(await removeTemporaryFiles(join(dir, 'missing'))).toBe(0);
  });
});
