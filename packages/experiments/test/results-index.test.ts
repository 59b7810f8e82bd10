import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readClaimsFiles, renderClaimsIndex, shortVerdict } from '../src/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('docs/results/README.md', () => {
  it('is the index of every claims.json that the families\' render commands wrote (pnpm results:index)', async () => {
    const claims = await readClaimsFiles(`${repo}docs/results/data`);
    expect(claims.length).toBeGreaterThan(0);
    expect(readFileSync(`${repo}docs/results/README.md`, 'utf8')).toBe(renderClaimsIndex(claims));
  });

  it('links a page that exists for every claim, and every verdict is one the index knows', async () => {
    for (const claim of await readClaimsFiles(`${repo}docs/results/data`)) {
      expect(existsSync(`${repo}docs/results/${claim.page}`), claim.page).toBe(true);
      expect(['shown', 'partly', 'not shown', 'not tested']).toContain(shortVerdict(claim.verdict));
    }
  });
});
