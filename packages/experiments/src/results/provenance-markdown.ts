import type { RunTiming } from '../run/run-timing.js';
import type { ResultsProvenance } from './raw-results.js';

const fixed = (value: number) => value.toFixed(2);

/**
 * The provenance of a committed data set as a Markdown list item: the command, the config file, the
 * run directory and its config hash (reproducible: `sparse run` of the committed config opens the
 * same directory), the backend, the training engines that ran, the seeds, the machine with its load
 * at import, and links to the raw results and the provenance file.
 *
 * @param options.dataLink - the data set's path relative to the page, without extension (`data/delta/delta-wide`).
 * @param options.units - how many raw rows the data set holds.
 * @param options.engines - the training engines the rows name (`dense-trainer`, `stock`, …).
 *
 * @example
 * ```ts
 * import { provenanceMarkdown, readResultsData } from '@sparse/experiments';
 *
 * const { rows, provenance } = await readResultsData('docs/results/data/sparse-training', 'dst-full');
 * console.log(provenanceMarkdown(provenance, { dataLink: 'data/sparse-training/dst-full', units: rows.length, engines: ['dense-trainer'] }));
 * ```
 */
export function provenanceMarkdown(provenance: ResultsProvenance, options: { readonly dataLink: string; readonly units: number; readonly engines: readonly string[] }): string {
  const p = provenance;
  const config = p.config as { backend?: unknown; seeds?: unknown; seed?: unknown };
  const seeds = config.seeds ?? config.seed;
  const link = options.dataLink;
  return [
    `- **${p.name}**: \`${p.command}\``,
    `  - config [${p.configFile}](../../${p.configFile}), run directory \`${p.runDirectory}\` (config hash ${p.runDirectory.slice(-12)}); backend ${String(config.backend)}; engines ${options.engines.join(', ')}; seeds ${JSON.stringify(seeds)}`,
    `  - machine: ${p.machine.cpu}, ${p.machine.cores} cores, ${p.machine.memoryGiB} GiB, ${p.machine.platform}, Node ${p.machine.node}; load average at import ${p.loadAverage.map((v) => fixed(v)).join(' / ')}; imported ${p.importedAt}`,
    ...(p.timing === undefined || p.timing.length === 0 ? [] : [wallTimeLine(p.timing)]),
    `  - raw results: [${link}.jsonl](${link}.jsonl) (${options.units} units), provenance [${link}.provenance.json](${link}.provenance.json)`,
  ].join('\n');
}

function wallTimeLine(timing: readonly RunTiming[]): string {
  const seconds = timing.reduce((sum, line) => sum + line.wallSeconds, 0);
  const first = timing[0];
  const last = timing.at(-1);
  const invocations = timing.length === 1 ? (first?.resumed === true ? 'one invocation that resumed an earlier, unrecorded one' : 'one invocation') : `${timing.length} invocations (interrupted and resumed)`;
  return `  - wall time: ${(seconds / 60).toFixed(1)} min (${invocations}), 1-min load ${fixed(first?.loadBefore[0] ?? Number.NaN)} at the start and ${fixed(last?.loadAfter[0] ?? Number.NaN)} at the end, finished ${last?.finishedAt ?? '?'}`;
}
