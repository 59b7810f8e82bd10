/**
 * The toolkit results pages (docs/results/toolkit-gradual.md, toolkit-e4.md) and their claims, rendered
 * by examples/toolkit/pages.ts. The examples folder is not a Vitest project (vitest.workspace.ts lists
 * packages/* and tests/), so this test lives here: (1) a committed sample of real runs
 * (examples/toolkit/fixtures/sample-toolkit-results.json, 22 of the 40 runs) renders tables whose cells
 * are the mean ± sd this test computes, and verdicts that follow from the seed-noise rule; (2) the
 * committed pages, SVGs and claims.json equal a fresh render of docs/results/toolkit-results.json.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// compareSeeds, claimVerdict and seedStats of @sparse/experiments, through the examples package that depends on it
import { claimVerdict, compareSeeds, seedStats } from '../examples/toolkit/claims.js';
import { claimsJson, renderToolkitPages } from '../examples/toolkit/pages.js';
import type { RunSummary, ToolkitResults } from '../examples/toolkit/run-summary.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string): string => readFileSync(`${repo}${path}`, 'utf8');
const sample = JSON.parse(read('examples/toolkit/fixtures/sample-toolkit-results.json')) as ToolkitResults;
const options = { rawLink: 'sample-toolkit-results.json', rawPath: 'examples/toolkit/fixtures/sample-toolkit-results.json' };

const accuracies = (results: ToolkitResults, experiment: string, method: string, target?: number): number[] =>
  results.runs.filter((r: RunSummary) => r.experiment === experiment && r.method === method && (target === undefined || r.target === target)).map((r) => r.testAccuracy);
const meanSd = (values: readonly number[]): string => {
  const s = seedStats(values);
  return `${(100 * s.mean).toFixed(2)} ± ${(100 * s.sd).toFixed(2)}`;
};
/** The cells of the Markdown table row whose first cells are `first` (escaped as the page escapes them). */
function row(markdown: string, ...first: string[]): string[] {
  const line = markdown.split('\n').find((text) => text.startsWith(`| ${first.join(' | ')} |`));
  expect(line, `row ${first.join(' | ')}`).toBeDefined();
  return (line ?? '').split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, ''));
}

describe('the toolkit results pages from the committed sample', () => {
  const { pages, claims } = renderToolkitPages(sample, options);
  const [gradual, e4] = pages;

  it('renders both pages deterministically, each with its plots and the provenance the raw data hold', () => {
    expect(pages.map((page) => page.name)).toEqual(['toolkit-gradual.md', 'toolkit-e4.md']);
    expect(renderToolkitPages(sample, options).pages.map((page) => page.markdown)).toEqual(pages.map((page) => page.markdown));
    for (const page of pages) {
      expect(page.markdown).toContain('[sample-toolkit-results.json](sample-toolkit-results.json)');
      expect(page.markdown).toContain(`--render ${options.rawPath}`);
      expect(page.markdown).toContain(`**backend**: ${sample.backend} (recorded)`);
      expect(page.markdown).toContain('**training engine**: not recorded in the raw data');
      expect(page.markdown).toContain('**machine and load**: not recorded in the raw data');
      expect(page.markdown).toContain(`epochs ${sample.settings.epochs}, seeds ${JSON.stringify(sample.settings.seeds)}, batchSize ${sample.settings.batchSize}`);
      expect(page.markdown).toContain('every configuration ran with 2 seeds. That is fewer than the 3 seeds');
      expect(page.files.length).toBeGreaterThan(0);
      for (const file of page.files) expect(file.content).toMatch(/^<svg/);
    }
  });

  it('every accuracy cell is the mean ± sd over the sample\'s seeds', () => {
    for (const [experiment, label] of [['gradual-fit', 'model.fit + pruningCallback (tfjs-layers)'], ['gradual-core', 'core train() (withMasks)']] as const) {
      const cells = row(gradual?.markdown ?? '', label);
      expect(cells[1]).toBe(meanSd(accuracies(sample, experiment, 'dense')));
      expect(cells[2]).toBe(meanSd(accuracies(sample, experiment, 'gradual')));
    }
    expect(row(e4?.markdown ?? '', 'gradual cubic magnitude during training')[3]).toBe(meanSd(accuracies(sample, 'gradual-core', 'gradual')));
    expect(row(e4?.markdown ?? '', 'one-shot magnitude after training, no fine-tune')[3]).toBe(meanSd(accuracies(sample, 'e4.2', 'one-shot, no fine-tune')));
    for (const { experiment, method, target } of sample.runs.filter((r) => r.experiment === 'e4.3')) {
      expect(row(e4?.markdown ?? '', `${(100 * target).toFixed(0)}%`, method)[3]).toBe(meanSd(accuracies(sample, experiment, method, target)));
    }
    for (const method of ['uniform', 'ERK']) expect(row(e4?.markdown ?? '', method)[5]).toBe(meanSd(accuracies(sample, 'e4.4', method)));
    // a method the sample has no runs of gets no row
    expect(e4?.markdown).not.toContain('1-epoch fine-tune |');
    expect(e4?.markdown).not.toContain('NaN');
  });

  it('every verdict follows from the sample\'s seeds by the seed-noise rule', () => {
    const verdict = (start: string): string => claims.find((claim) => claim.claim.startsWith(start))?.verdict ?? 'missing';
    const erk = accuracies(sample, 'e4.4', 'ERK');
    const uniform = accuracies(sample, 'e4.4', 'uniform');
    expect(verdict('ERK ≥ uniform')).toBe(claimVerdict(compareSeeds(erk, uniform).comparison, false));
    const core = accuracies(sample, 'gradual-core', 'gradual');
    expect(verdict('Gradual magnitude pruning > one-shot')).toBe(claimVerdict(compareSeeds(core, accuracies(sample, 'e4.2', 'one-shot, no fine-tune')).comparison, true));
    for (const [experiment, label] of [['gradual-core', 'core train() loop'], ['gradual-fit', 'model.fit']] as const) {
      const dense = seedStats(accuracies(sample, experiment, 'dense'));
      const pruned = seedStats(accuracies(sample, experiment, 'gradual'));
      const drop = dense.mean - pruned.mean;
      const expected = drop <= 0.02 ? 'shown' : 'not shown';
      expect(verdict(`Gradual magnitude pruning to 90 % stays within 2 pt of dense (${label}`).split(' (')[0]).toBe(expected);
    }
    const fit = accuracies(sample, 'gradual-fit', 'gradual');
    expect(verdict('Gradual pruning inside model.fit').startsWith('shown')).toBe(compareSeeds(fit, core).comparison === 'within-noise');
    // the sample has no SNIP run at 99 %: that claim is not tested, not guessed
    expect(verdict('At 99 % global magnitude-at-init and SNIP')).toMatch(/^not tested/);
    // the claims name the gap with both spreads
    expect(claims.find((claim) => claim.claim.startsWith('ERK'))?.result).toContain(`ERK ${meanSd(erk)} (2 seeds) vs uniform ${meanSd(uniform)} (2 seeds)`);
  });

  it('a claim whose runs are missing is not tested, and a changed seed changes the verdict', () => {
    const withoutErk: ToolkitResults = { ...sample, runs: sample.runs.filter((r) => r.experiment !== 'e4.4') };
    expect(renderToolkitPages(withoutErk, options).claims.find((claim) => claim.claim.startsWith('ERK'))?.verdict).toMatch(/^not tested/);
    // ERK's seeds lowered to uniform's: no longer above beyond noise
    const uniform = accuracies(sample, 'e4.4', 'uniform');
    let index = 0;
    const flattened: ToolkitResults = { ...sample, runs: sample.runs.map((r) => (r.experiment === 'e4.4' && r.method === 'ERK' ? { ...r, testAccuracy: uniform[index++ % uniform.length] ?? 0 } : r)) };
    expect(renderToolkitPages(flattened, options).claims.find((claim) => claim.claim.startsWith('ERK'))?.verdict).toBe('consistent (within seed noise)');
  });
});

describe('the committed toolkit pages', () => {
  it('docs/results/toolkit-*.md, their SVGs and data/toolkit/claims.json equal a fresh render of docs/results/toolkit-results.json', () => {
    const results = JSON.parse(read('docs/results/toolkit-results.json')) as ToolkitResults;
    const { pages, claims } = renderToolkitPages(results, { rawLink: 'toolkit-results.json', rawPath: 'docs/results/toolkit-results.json' });
    for (const page of pages) {
      expect(read(`docs/results/${page.name}`), page.name).toBe(page.markdown);
      for (const file of page.files) expect(read(`docs/results/${file.name}`), file.name).toBe(file.content);
    }
    expect(read('docs/results/data/toolkit/claims.json')).toBe(claimsJson(claims));
  });
});
