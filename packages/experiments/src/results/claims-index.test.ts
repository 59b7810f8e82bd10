import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { readClaimsFiles, renderClaimsIndex, shortVerdict, type ResultsClaim } from './claims-index.js';

const claim = (verdict: string, page = 'a.md'): ResultsClaim => ({ page, paper: 'P', claim: 'A | B', setup: 's', result: 'r', verdict });

describe('the claims index', () => {
  it('shortens verdicts: consistent and within-noise count as not shown', () => {
    expect(shortVerdict('shown (above beyond seed noise)')).toBe('shown');
    expect(shortVerdict('partly shown: 3 of 5 levels')).toBe('partly');
    expect(shortVerdict('consistent (within seed noise)')).toBe('not shown');
    expect(shortVerdict('not shown (within seed noise)')).toBe('not shown');
    expect(shortVerdict('not tested: no rows')).toBe('not tested');
  });

  it('renders one row per claim with escaped cells, a page link and the verdict counts', () => {
    const text = renderClaimsIndex([claim('shown'), claim('consistent (within seed noise)', 'b.md')]);
    expect(text).toContain('2 claims: 1 shown, 0 partly, 1 not shown, 0 not tested.');
    expect(text).toContain('| [a](a.md) | P | A \\| B | s | r | **shown**: shown |');
    expect(text).toContain('| [b](b.md) |');
  });

  it('reads every family folder\'s claims.json in folder order and refuses a malformed one, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'claims-'));
    try {
      await mkdir(join(dir, 'b'));
      await mkdir(join(dir, 'a'));
      await mkdir(join(dir, 'c'));
      await writeFile(join(dir, 'b', 'claims.json'), JSON.stringify([claim('shown', 'b.md')]));
      await writeFile(join(dir, 'a', 'claims.json'), JSON.stringify([claim('shown', 'a.md')]));
      expect((await readClaimsFiles(dir)).map((item) => item.page)).toEqual(['a.md', 'b.md']);
      await writeFile(join(dir, 'c', 'claims.json'), JSON.stringify([{ page: 'c.md' }]));
      const error = await readClaimsFiles(dir).catch((caught: unknown) => caught);
      expect(isSparseError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toContain(join(dir, 'c', 'claims.json'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
