#!/usr/bin/env node
// Renders the counts of docs/reliability-fuzz.json (written by the fuzz suite with
// SPARSE_FUZZ_SUMMARY) into docs/reliability.md, between its `fuzz-counts` markers, so that the
// page quotes measured numbers:  node packages/cli/test/fuzz/render-counts.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../../../../', import.meta.url);
const summary = JSON.parse(readFileSync(new URL('docs/reliability-fuzz.json', root), 'utf8'));
const page = new URL('docs/reliability.md', root);
const lines = [];
for (const [tier, run] of Object.entries(summary)) {
  const t = run.total;
  lines.push(
    '',
    `**${tier} tier** (seed ${run.seed}, ${run.date.slice(0, 16).replace('T', ' ')} UTC${run.machine === undefined ? '' : `, ${run.machine}`}): ` +
      `${t.cases} cases, ${t.succeeded} succeeded, ${t.cleanErrors} clean errors, **${t.crashes} crashes, ${t.hangs} hangs, ${t.filesChangedByFailures} files changed by failed commands**; slowest case ${t.slowestMs} ms.`,
    '',
    '| family | cases | succeeded | clean errors | crashes | hangs | files changed by failures | slowest (ms) | where the refusals stopped |',
    '|---|---|---|---|---|---|---|---|---|',
    ...Object.entries(run.families).map(
      ([name, f]) =>
        `| ${name} | ${f.cases} | ${f.succeeded} | ${f.cleanErrors} | ${f.crashes} | ${f.hangs} | ${f.filesChangedByFailures} | ${f.slowestMs} | ${Object.entries(f.stoppedAt ?? {}).map(([stage, n]) => `${stage} ${n}`).join('; ')} |`,
    ),
  );
}
const text = readFileSync(page, 'utf8');
const begin = '<!-- fuzz-counts: begin -->';
const end = '<!-- fuzz-counts: end -->';
const start = text.indexOf(begin);
const stop = text.indexOf(end);
if (start < 0 || stop < start) throw new Error('docs/reliability.md has no fuzz-counts markers');
writeFileSync(page, `${text.slice(0, start + begin.length)}\n${lines.join('\n')}\n\n${text.slice(stop)}`);
console.log(`rendered ${Object.keys(summary).length} tier(s) into docs/reliability.md`);
