import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SparseError } from '@sparse/core';

/**
 * One claim a results page tests, as the page's generator records it for docs/results/README.md:
 * the page, the paper, the claim, our setup, the measured result with its spread, and the verdict
 * the page's numbers give. `verdict` starts with `shown`, `partly shown`, `consistent`, `not shown`
 * or `not tested`; the rest of it says why.
 *
 * @example
 * ```ts
 * import type { ResultsClaim } from '@sparse/experiments';
 *
 * const claim: ResultsClaim = {
 *   page: 'sparse-training.md',
 *   paper: 'Evci et al. 2020 (RigL)',
 *   claim: 'ERK ≥ uniform at 90 %',
 *   setup: 'LeNet-300-100, Fashion-MNIST, 5 epochs, 3 seeds',
 *   result: '88.1 ± 0.2 vs 87.2 ± 0.1',
 *   verdict: 'shown',
 * };
 * ```
 */
export interface ResultsClaim {
  /** The results page, relative to docs/results (`delta.md`). */
  readonly page: string;
  readonly paper: string;
  readonly claim: string;
  readonly setup: string;
  readonly result: string;
  readonly verdict: string;
}

/**
 * The short verdict of a claim for the index: `shown`, `partly`, `not shown` (also for
 * `consistent`, which does not show a claimed difference) or `not tested`.
 *
 * @example
 * ```ts
 * import { shortVerdict } from '@sparse/experiments';
 *
 * console.log(shortVerdict('consistent (within seed noise)')); // not shown
 * ```
 */
export function shortVerdict(verdict: string): 'shown' | 'partly' | 'not shown' | 'not tested' {
  if (verdict.startsWith('shown')) return 'shown';
  if (verdict.startsWith('partly')) return 'partly';
  if (verdict.startsWith('not tested')) return 'not tested';
  return 'not shown';
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/results/README.md from every page's claims: one table of every claim the project tests,
 * grouped by page, each linking its page, with a count of verdicts.
 *
 * @example
 * ```ts
 * import { renderClaimsIndex, type ResultsClaim } from '@sparse/experiments';
 *
 * declare const claims: ResultsClaim[];
 * console.log(renderClaimsIndex(claims).split('\n')[0]); // # Results: every claim we test
 * ```
 */
export function renderClaimsIndex(claims: readonly ResultsClaim[]): string {
  const counts = new Map<string, number>();
  for (const claim of claims) counts.set(shortVerdict(claim.verdict), (counts.get(shortVerdict(claim.verdict)) ?? 0) + 1);
  const summary = ['shown', 'partly', 'not shown', 'not tested'].map((key) => `${counts.get(key) ?? 0} ${key}`).join(', ');
  const rows = claims.map((claim) => `| [${cell(claim.page.replace(/\.md$/, ''))}](${claim.page}) | ${cell(claim.paper)} | ${cell(claim.claim)} | ${cell(claim.setup)} | ${cell(claim.result)} | **${shortVerdict(claim.verdict)}**: ${cell(claim.verdict)} |`);
  return [
    '# Results: every claim we test',
    '',
    'Each row is one claim of a paper that a family implements, tested by an experiment whose raw results are committed under [data/](data/). The verdicts come from the numbers: a difference counts as shown only when it exceeds seed noise (the gap of the means is larger than both sample standard deviations and every seed of the higher side is at or above the lower mean), and "within x pt" claims compare the mean per-seed gap with the bound (the group-envelope page also asks that the mean minus one sd be within it, and says so). Every page is regenerated from its raw data by a command named on the page, and a test regenerates each page from a committed sample.',
    '',
    `${claims.length} claims: ${summary}.`,
    '',
    '| page | paper | claim | our setup | result (mean ± sd over seeds) | verdict |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Regenerate with: pnpm results:index (reads docs/results/data/*/claims.json, which each page\'s render command writes).',
    '',
  ].join('\n');
}

/**
 * Reads every `claims.json` under `dataDir/<family>/` (in folder-name order).
 *
 * @throws SparseError `E_CONFIG` when a claims file is not a JSON array of claims.
 *
 * @example
 * ```ts
 * import { readClaimsFiles } from '@sparse/experiments';
 *
 * const claims = await readClaimsFiles('docs/results/data');
 * console.log(claims.length);
 * ```
 */
export async function readClaimsFiles(dataDir: string): Promise<ResultsClaim[]> {
  const entries = (await readdir(dataDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const claims: ResultsClaim[] = [];
  for (const family of entries) {
    let text: string;
    try {
      text = await readFile(join(dataDir, family, 'claims.json'), 'utf8');
    } catch {
      continue;
    }
    const parsed = JSON.parse(text) as unknown;
    const valid = Array.isArray(parsed) && parsed.every((item) => typeof item === 'object' && item !== null && ['page', 'paper', 'claim', 'setup', 'result', 'verdict'].every((key) => typeof (item as Record<string, unknown>)[key] === 'string'));
    if (!valid) throw new SparseError('E_CONFIG', `${join(dataDir, family, 'claims.json')} is not a JSON array of { page, paper, claim, setup, result, verdict } strings.`, { field: 'claims', received: family });
    claims.push(...(parsed as ResultsClaim[]));
  }
  return claims;
}
