/**
 * Re-renders docs/results/activation.md (+ SVGs) from the raw numbers of a finished run, without
 * training anything: the experiment writes them to <thresholds folder>/results.json.
 *
 *   pnpm --filter @sparse/activation experiment:report -- --results /tmp/activation-thresholds-XXXX/results.json [--out FILE.md]
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeMarkdownReport } from '@sparse/experiments';
import { buildReport, type ExperimentResults } from './report.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { results: { type: 'string' }, out: { type: 'string' } },
});
if (values.results === undefined) throw new Error('--results <results.json> is required');
const results = JSON.parse(await readFile(values.results, 'utf8')) as ExperimentResults;
const out = resolve(values.out ?? new URL('../../docs/results/activation.md', import.meta.url).pathname);
console.log(`wrote ${(await writeMarkdownReport(out, buildReport(results))).join(', ')}`);
