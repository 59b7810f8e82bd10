import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readResultsData, type ResultsClaim } from '@sparse/experiments';
import { LTH_RESULT_SETS, renderLthPage, type LthPage } from './lth-page.js';
import { parseInstabilityRows, parseLthRows } from './lth-rows.js';
import { LTH_REWINDING_SETS, renderRewindingPage, type RewindingPageData } from './rewinding-page.js';

/**
 * Every lottery-ticket results page the committed data in `dataDir` make: one page per data set
 * of `LTH_RESULT_SETS` that is present, and the rewinding page (`LTH_REWINDING_SETS`) when its
 * k = 0 data set is present; with all their claims, in that order (claims.json).
 *
 * @param dataDir - the folder with `<name>.jsonl` and `<name>.provenance.json` (docs/results/data/lth).
 * @param regenerate - the command printed on each page.
 *
 * @example
 * ```ts
 * import { renderLthResults } from '@sparse/lth';
 *
 * const { pages, claims } = await renderLthResults('docs/results/data/lth', 'pnpm results:lth render');
 * console.log(pages.map((page) => page.page), claims.length);
 * ```
 */
export async function renderLthResults(dataDir: string, regenerate: string): Promise<{ readonly pages: readonly (LthPage & { readonly page: string })[]; readonly claims: readonly ResultsClaim[] }> {
  const pages: (LthPage & { page: string })[] = [];
  for (const { name, page, seeAlso } of LTH_RESULT_SETS) {
    if (!existsSync(join(dataDir, `${name}.jsonl`))) continue;
    const { rows, provenance } = await readResultsData(dataDir, name);
    pages.push({ page, ...renderLthPage({ rows: parseLthRows(rows, `${name}.jsonl`), provenance }, { page, dataLink: `data/lth/${name}`, regenerate, seeAlso }) });
  }
  const present = LTH_REWINDING_SETS.names.filter((name) => existsSync(join(dataDir, `${name}.jsonl`)));
  if (present.length > 0) {
    const sets: RewindingPageData[] = [];
    for (const name of present) {
      const { rows, provenance } = await readResultsData(dataDir, name);
      sets.push({ runs: parseLthRows(rows, `${name}.jsonl`), instability: parseInstabilityRows(rows, `${name}.jsonl`), provenance, dataLink: `data/lth/${name}` });
    }
    const page = LTH_REWINDING_SETS.page;
    pages.push({ page, ...renderRewindingPage(sets, { page, regenerate }) });
  }
  return { pages, claims: pages.flatMap((page) => page.claims) };
}
