/**
 * The provenance section of both toolkit pages, from what docs/results/toolkit-results.json records.
 * What the raw data do not record is said to be not recorded, never filled in.
 */
import { plural } from './report-common.js';
import type { ToolkitResults } from './run-summary.js';

/** The script's path from the repository root. */
export const SCRIPT = 'examples/toolkit/results.ts';

/** The run command that gives the recorded settings (the command itself is not recorded in the raw data). */
export function runCommand(results: ToolkitResults): string {
  const s = results.settings;
  return s.quick ? `pnpm exec tsx ${SCRIPT} --quick` : `pnpm exec tsx ${SCRIPT} --data ${s.dataDir} --epochs ${s.epochs} --seeds ${s.seeds.length} --batch ${s.batchSize}`;
}

/** The command that re-renders the pages (and claims.json) from the raw data without training. */
export const renderCommand = (rawPath: string): string => `pnpm exec tsx ${SCRIPT} --render ${rawPath}`;

/** Which results.ts experiment trains with which path (from the script, since the runs record no engine). */
export const TRAINED_BY: Readonly<Record<string, string>> = {
  'gradual-fit': 'tfjs-layers model.fit (gradual-fit.ts)',
  'gradual-core': 'core train() (gradual-core.ts)',
  'e4.2': 'core train() (e4-one-shot.ts)',
  'e4.3': 'core train() (e4-init.ts)',
  'e4.4': 'core train() (e4-erk.ts)',
};

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

/**
 * The provenance as a Markdown list (links and code spans, so it is inserted into the rendered page
 * as it is, not as an escaped text block).
 *
 * @param rawLink - the raw JSON relative to the page (`toolkit-results.json`).
 * @param rawPath - the raw JSON relative to the repository, for the re-render command.
 */
export function provenanceSection(results: ToolkitResults, options: { readonly rawLink: string; readonly rawPath: string }): string {
  const s = results.settings;
  const experiments = [...new Set(results.runs.map((r) => r.experiment))];
  const trainedBy = results.engines ?? TRAINED_BY;
  const engines = experiments.map((e) => `${e} (${plural(results.runs.filter((r) => r.experiment === e).length, 'run')}): ${trainedBy[e] ?? 'unknown to this script'}`);
  const machine = results.machine;
  const settings = Object.entries(s).map(([key, value]) => `${key} ${JSON.stringify(value)}`).join(', ');
  return [
    '## Provenance',
    '',
    `- **raw results**: [${options.rawLink}](${options.rawLink}) (${plural(results.runs.length, 'run')}${results.graspAgreement === undefined ? '' : `, ${results.graspAgreement.length} GraSP-check rows`}), finished ${results.finishedAt}; every number and verdict on this page is computed from it.`,
    `- **command**: ${results.command === undefined ? `not recorded in the raw data; the command that gives the recorded settings is ${code(runCommand(results))}` : `${code(results.command)} (recorded)`} (\`pnpm results:toolkit\` runs it with the data at ../shared/datasets/fashion-mnist). Re-render both toolkit pages and data/toolkit/claims.json from the raw results without training: ${code(renderCommand(options.rawPath))}.`,
    `- **settings** (as recorded): ${settings}; data ${results.data.source}: ${results.data.train} train / ${results.data.validation} validation / ${results.data.test} test; ${results.stepsPerEpoch} steps per epoch; gradual plan begin ${results.plan.begin}, every ${results.plan.frequency} steps, ${results.plan.pruningSteps} pruning steps, end ${results.plan.end}. There is no config file or config hash: the toolkit runs are a script, not a \`sparse run\` config.`,
    `- **backend**: ${results.backend} (recorded).`,
    results.engines === undefined
      ? `- **training engine**: not recorded in the raw data. The runs record their experiment; results.ts trains them as follows: ${engines.join('; ')}.`
      : `- **training engine** (recorded): ${engines.join('; ')}.`,
    machine === undefined
      ? `- **machine and load**: not recorded in the raw data. The whole command took ${(results.seconds / 60).toFixed(1)} min (recorded), on a machine and at a load the raw data do not name.`
      : `- **machine and load** (recorded): ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}; load average ${(results.loadAverage ?? []).map((load) => load.toFixed(2)).join(' / ')} (1 / 5 / 15 min) when the file was written. The whole command took ${(results.seconds / 60).toFixed(1)} min (recorded).`,
  ].join('\n');
}
