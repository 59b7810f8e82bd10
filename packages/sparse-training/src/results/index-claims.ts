import type { ResultsClaim } from '@sparse/experiments';
import type { PretrainedUnitResult } from '../pretrained/results.js';
import type { ClaimResult } from './claims.js';
import { dstClaims, nmClaims, searchClaims, type PageData } from './sparse-training-page.js';

function setupOf(data: PageData): string {
  const config = data.provenance.config as { model?: { layerSizes?: number[] }; epochs?: number; seeds?: number[] };
  return `MLP ${(config.model?.layerSizes ?? []).join('-')}, Fashion-MNIST, ${config.epochs} epochs, ${(config.seeds ?? []).length} seeds (${data.provenance.name})`;
}

const rowsOf = (page: string, claims: readonly ClaimResult[], setup: string): ResultsClaim[] => claims.map((claim) => ({ page, paper: claim.source, claim: claim.claim, setup, result: claim.evidence, verdict: claim.verdict }));

/**
 * The claims of the sparse-training pages for docs/results/README.md: the page's claims (in the
 * order {@link renderSparseTrainingPage} tests them: dst, search, nm) with each data set's setup,
 * then the pretrained-masks page's.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { renderSparseTrainingPage, sparseTrainingIndexClaims, type SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * const dst = await readResultsData<SparseTrainingUnitResult>('docs/results/data/sparse-training', 'dst-full');
 * const page = renderSparseTrainingPage({ dst }, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' });
 * console.log(sparseTrainingIndexClaims({ dst }, page.claims).length);
 * ```
 */
export function sparseTrainingIndexClaims(
  data: { readonly dst?: PageData; readonly search?: PageData; readonly nm?: PageData },
  pageClaims: readonly ClaimResult[],
  pretrained?: { readonly data: { readonly rows: readonly PretrainedUnitResult[]; readonly provenance: PageData['provenance'] }; readonly claims: readonly ClaimResult[] },
): ResultsClaim[] {
  const counts = {
    dst: (rows: PageData['rows']) => dstClaims([...new Set(rows.flatMap((row) => (row.targetSparsity === null ? [] : [row.targetSparsity])))]).length,
    search: (rows: PageData['rows']) => searchClaims(rows).length,
    nm: (rows: PageData['rows']) => nmClaims(rows).length,
  };
  const index: ResultsClaim[] = [];
  let offset = 0;
  for (const key of ['dst', 'search', 'nm'] as const) {
    const item = data[key];
    if (item === undefined) continue;
    const count = counts[key](item.rows);
    index.push(...rowsOf('sparse-training.md', pageClaims.slice(offset, offset + count), setupOf(item)));
    offset += count;
  }
  if (pretrained !== undefined) {
    const config = pretrained.data.provenance.config as { seeds?: number[] };
    index.push(...rowsOf('pretrained-masks.md', pretrained.claims, `LeNet-300-100 trained dense on Fashion-MNIST, then masked; ${(config.seeds ?? []).length} seeds (${pretrained.data.provenance.name})`));
  }
  return index;
}
