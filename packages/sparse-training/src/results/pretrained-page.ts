import { renderMarkdownReport, renderMarkdownTable } from '@sparse/experiments';
import type { PretrainedMasksConfig } from '../pretrained/config.js';
import { buildPretrainedMasksReport } from '../pretrained/report.js';
import type { EssentialResult, PretrainedUnitResult, SparsityResult } from '../pretrained/results.js';
import type { ClaimResult } from './claims.js';
import type { ResultsProvenance } from '@sparse/experiments';
import { claimsTable } from './sparse-training-page.js';
import { claimVerdict, compareSeeds } from '@sparse/experiments';

const pts = (value: number): string => (100 * value).toFixed(2);
const WIDE_MARGIN = 0.1;

/**
 * The claims of the pretrained-masks page, computed from the rows: Lottery Jackpots above
 * magnitude pruning without retraining at each sparsity, beyond seed noise, and at the highest one
 * "by a wide margin" (at least 10 points above, beyond seed noise); and the essential sparsity (the drop point of one-shot magnitude
 * pruning) per allocation, with its spread over seeds.
 *
 * @example
 * ```ts
 * import { pretrainedClaims, type PretrainedUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: PretrainedUnitResult[];
 * for (const claim of pretrainedClaims(rows)) console.log(claim.claim, claim.verdict);
 * ```
 */
export function pretrainedClaims(rows: readonly PretrainedUnitResult[]): ClaimResult[] {
  const comparisons = rows.filter((row): row is SparsityResult => row.unit === 'sparsity');
  const sparsities = [...new Set(comparisons.map((row) => row.sparsity))].sort((a, b) => a - b);
  const results: ClaimResult[] = sparsities.map((s) => {
    const at = comparisons.filter((row) => row.sparsity === s);
    const { comparison, gap, a, b } = compareSeeds(
      at.map((row) => row.jackpot.test),
      at.map((row) => row.magnitude.test),
    );
    const evidence = `Lottery Jackpots ${pts(a.mean)} ± ${pts(a.sd)} vs magnitude ${pts(b.mean)} ± ${pts(b.sd)} (${a.n} seeds): gap ${gap >= 0 ? '+' : ''}${pts(gap)} pt`;
    const source = 'Zhang et al., Lottery Jackpots Exist in Pre-trained Models (TPAMI 2023, arXiv 2104.08700)';
    if (s !== sparsities[sparsities.length - 1]) {
      return { claim: `A searched mask beats magnitude pruning without retraining at ${(100 * s).toFixed(0)} %`, source, evidence, verdict: claimVerdict(comparison, true) };
    }
    const wide = comparison === 'above' && gap >= WIDE_MARGIN;
    return {
      claim: `A searched mask beats magnitude pruning without retraining by a wide margin (≥ ${pts(WIDE_MARGIN)} pt) at ${(100 * s).toFixed(0)} %`,
      source,
      evidence,
      verdict: wide ? 'shown' : comparison === 'above' ? `above beyond seed noise, but by less than ${pts(WIDE_MARGIN)} pt` : comparison === 'below' ? 'not shown (below beyond seed noise)' : 'not shown (within seed noise)',
    };
  });
  const essentials = rows.filter((row): row is EssentialResult => row.unit === 'essential');
  const allocations = [...new Set(essentials.flatMap((row) => row.sweeps.map((sweep) => sweep.allocation)))];
  for (const allocation of allocations) {
    const drops = essentials.map((row) => row.sweeps.find((sweep) => sweep.allocation === allocation)?.drop.test);
    const essential = drops.map((drop) => (drop?.essential === null || drop?.essential === undefined ? 'none' : pts(drop.essential)));
    const first = drops.map((drop) => (drop?.firstDrop === null || drop?.firstDrop === undefined ? 'none' : pts(drop.firstDrop)));
    const tolerance = drops[0]?.tolerance ?? 0;
    results.push({
      claim: `One-shot magnitude pruning without retraining keeps accuracy up to a point, then drops sharply (${allocation})`,
      source: 'Jaiswal et al., The Emergence of Essential Sparsity in Large Pre-trained Models (NeurIPS 2023)',
      evidence: `largest sparsity within ${pts(tolerance)} pt of dense, per seed: ${essential.join(', ')} %; first sparsity beyond it: ${first.join(', ')} %`,
      verdict: drops.every((drop) => drop?.essential !== null && drop?.essential !== undefined && drop.firstDrop !== null) ? 'shown (a drop point on every seed)' : 'not shown on every seed',
    });
  }
  return results;
}

/**
 * The Lottery Jackpots and essential-sparsity results page (docs/results/pretrained-masks.md)
 * from committed raw results (`results.jsonl` of a `pretrained-masks` run): the claims at a glance,
 * provenance, then the run report's tables and plots.
 *
 * @example
 * ```ts
 * import { readResultsData, renderPretrainedPage, type PretrainedUnitResult } from '@sparse/sparse-training';
 *
 * const data = await readResultsData<PretrainedUnitResult>('docs/results/data/sparse-training', 'pretrained-masks-full');
 * const page = renderPretrainedPage(data, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' });
 * console.log(page.markdown.split('\n')[0]);
 * ```
 */
export function renderPretrainedPage(
  data: { readonly rows: readonly PretrainedUnitResult[]; readonly provenance: ResultsProvenance },
  options: { readonly dataFolder: string; readonly regenerate: string },
): { readonly markdown: string; readonly files: readonly { readonly name: string; readonly content: string }[]; readonly claims: readonly ClaimResult[] } {
  const p = data.provenance;
  const config = p.config as unknown as PretrainedMasksConfig;
  const report = buildPretrainedMasksReport({ config, runName: p.runDirectory, configFile: p.configFile, results: data.rows, counts: p.counts ?? countsOf(config) });
  const rendered = renderMarkdownReport({ ...report, title: 'Lottery Jackpots and essential sparsity: results' }, 'pretrained-masks');
  const claims = pretrainedClaims(data.rows);
  const engines = [...new Set(data.rows.flatMap((row) => (row.unit === 'pretrain' ? [row.engine] : row.unit === 'sparsity' && row.fineTune !== null ? [row.fineTune.engine] : [])))];
  const link = `${options.dataFolder}/${p.name}`;
  const [head, ...rest] = rendered.markdown.split('\n## ');
  const markdown = [
    head?.trimEnd(),
    '',
    `Generated by \`${options.regenerate}\` from the committed raw results below: every number on this page is computed from them. "Beyond seed noise": the gap of the means exceeds both sides' sample standard deviations over seeds and every seed of the better side reaches the other's mean. The search's learning rate and epoch are chosen on the validation split; accuracies are on the test set.`,
    '',
    `## Claims at a glance (${claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${claims.length} shown)`,
    '',
    renderMarkdownTable(claimsTable(claims)),
    '',
    '## Provenance',
    '',
    `- **${p.name}**: \`${p.command}\``,
    `  - config [${p.configFile}](../../${p.configFile}), run directory \`${p.runDirectory}\` (config hash ${p.runDirectory.slice(-12)}); backend ${String(config.backend)}; pretraining and fine-tune engine ${engines.join(', ')}; the search and the sweep run on tfjs (frozen weights, masked forward pass); seeds ${JSON.stringify(config.seeds)}`,
    `  - machine: ${p.machine.cpu}, ${p.machine.cores} cores, ${p.machine.memoryGiB} GiB, ${p.machine.platform}, Node ${p.machine.node}; load average at import ${p.loadAverage.map((v) => v.toFixed(2)).join(' / ')}; imported ${p.importedAt}`,
    `  - raw results: [${link}.jsonl](${link}.jsonl) (${data.rows.length} units), provenance [${link}.provenance.json](${link}.provenance.json)`,
    '',
    ...rest.map((part) => `## ${part}`),
  ].join('\n');
  return { markdown: markdown.endsWith('\n') ? markdown : `${markdown}\n`, files: rendered.files, claims };
}

/** Without recorded counts (older imports): only what the config says, 0 where it relies on the data set's size. */
function countsOf(config: PretrainedMasksConfig): { train: number; test: number } {
  return { train: config.trainSize ?? 0, test: config.testSize ?? 0 };
}
