/**
 * Both toolkit pages and their claims from one ToolkitResults, as strings: what results.ts writes
 * and what tests/toolkit-results-page.test.ts compares with the committed files.
 */
import { renderMarkdownReport, type MarkdownReport, type ResultsClaim } from '@sparse/experiments';
import { e4Claims, gradualClaims } from './claims.js';
import { provenanceSection } from './provenance.js';
import { e4Report } from './report-e4.js';
import { gradualReport } from './report-gradual.js';
import type { ToolkitResults } from './run-summary.js';

/** One rendered page: its file name (relative to the results folder), its Markdown and its SVGs. */
export interface ToolkitPage extends MarkdownReport {
  readonly name: string;
}

/** Puts the provenance list before the first section, as Markdown (its links must not be escaped). */
function withProvenance(report: MarkdownReport, provenance: string): MarkdownReport {
  const at = report.markdown.indexOf('\n## ');
  const markdown = at === -1 ? `${report.markdown}\n${provenance}\n` : `${report.markdown.slice(0, at + 1)}${provenance}\n${report.markdown.slice(at)}`;
  return { markdown, files: report.files };
}

/**
 * docs/results/toolkit-gradual.md and toolkit-e4.md (with their SVGs) and the claims both test.
 *
 * @param options.rawLink - the raw JSON relative to the pages (`toolkit-results.json`).
 * @param options.rawPath - the raw JSON relative to the repository, named in the re-render command.
 */
export function renderToolkitPages(results: ToolkitResults, options: { readonly rawLink: string; readonly rawPath: string }): { readonly pages: readonly ToolkitPage[]; readonly claims: readonly ResultsClaim[] } {
  const provenance = provenanceSection(results, options);
  const gradual = gradualClaims(results);
  const e4 = e4Claims(results);
  return {
    pages: [
      { name: 'toolkit-gradual.md', ...withProvenance(renderMarkdownReport(gradualReport(results, gradual), 'toolkit-gradual'), provenance) },
      { name: 'toolkit-e4.md', ...withProvenance(renderMarkdownReport(e4Report(results, e4), 'toolkit-e4'), provenance) },
    ],
    claims: [...gradual, ...e4],
  };
}

/** claims.json's text: the claims, pretty-printed, with a final newline. */
export const claimsJson = (claims: readonly ResultsClaim[]): string => `${JSON.stringify(claims, null, 2)}\n`;
