import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  ProgressBar,
  formatTable,
  openRunDirectory,
  renderHtmlReport,
  runUnits,
  writeFileAtomic,
  writeJsonAtomic,
  writeMarkdownReport,
  type ExperimentContext,
  type ExperimentOutcome,
  type JsonObject,
  type RunUnit,
} from '@sparse/experiments';
import { checkGroupEnvelopeExperiment } from './check-experiment.js';
import type { GroupEnvelopeExperimentConfig } from './config.js';
import { loadExperimentData, replicateData, type ReplicateData } from './experiment-data.js';
import { measureLatencies, type LatencyRecord } from './latency.js';
import type { GroupEnvelopeMethodResult } from './method-result.js';
import { planUnits } from './plan.js';
import { resultsRow } from './results-row.js';
import { buildGroupEnvelopeReport, resultsTable } from './report.js';
import { trainMethod } from './train-method.js';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/**
 * Runs (or resumes) a `group-envelope` experiment in its run directory
 * `<runsRoot>/<name>-<config hash>`: every method for every seed as a resumable unit
 * (`trainMethod`), then, with `latencyRounds`, the latency of the first seed's models
 * (`latency.json`, measured once), then `results.md` and `report.html`; prints the results table.
 * `results.json` and `metrics.jsonl` hold no timings, so an interrupted run that is resumed ends
 * with the same files as an uninterrupted one.
 */
export async function runGroupEnvelopeExperiment(config: GroupEnvelopeExperimentConfig, context: ExperimentContext): Promise<ExperimentOutcome> {
  const checked = checkGroupEnvelopeExperiment(config, context);
  const units = planUnits(config);
  const stepsPerEpoch = Math.ceil(checked.trainCount / config.batchSize);
  const unitSteps = units.map((unit) => unit.epochs * stepsPerEpoch);
  const data = await loadExperimentData(config, checked.dir);
  const run = await openRunDirectory({ root: context.runsRoot, name: config.name, config });
  let replicate: { readonly seed: number; readonly data: ReplicateData } | undefined;
  const dataFor = (seed: number): ReplicateData => {
    if (replicate?.seed !== seed) {
      replicate?.data.loader.dispose();
      replicate = { seed, data: replicateData(data, config, seed) };
    }
    return replicate.data;
  };
  try {
    context.log(
      `${run.resumed ? 'Resuming' : 'Starting'} ${run.path}\n` +
        `${config.seeds.length} seed(s) × ${units.length / config.seeds.length} method(s): ${checked.trainCount} training images, ${stepsPerEpoch} steps per epoch, ${config.epochs} + ${config.fineTuneEpochs} epochs, backend ${context.runtime.backend}${checked.engine === undefined ? '' : `, engine ${checked.engine}`}\n`,
    );
    const bar = new ProgressBar({ total: sum(unitSteps), label: config.name, unit: 'steps', ...(context.progress === undefined ? {} : { stream: context.progress }) });
    let before = 0;
    const work: RunUnit[] = units.map((unit) => ({
      id: unit.id,
      label: `seed ${unit.seed}, ${unit.method.label}`,
      run: async (unitContext) => {
        const environment = { config, runtime: context.runtime, data: dataFor(unit.seed), progress: (done: number) => bar.update(before + done, `seed ${unit.seed} ${unit.method.label}`) };
        return (await trainMethod(unit, environment, unitContext)) as unknown as JsonObject;
      },
    }));
    const done = await runUnits({
      run,
      units: work,
      runSeed: config.seeds[0] ?? 0,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      onProgress: (event) => {
        if (event.kind === 'skipped' || event.kind === 'completed') {
          before = sum(unitSteps.slice(0, event.unitIndex + 1));
          bar.update(before);
        }
      },
    });
    bar.finish();
    const results = units.map((unit) => done.outputs.get(unit.id) as unknown as GroupEnvelopeMethodResult);
    // The raw results, one compact line per unit (docs/results/data/group-envelope/ imports them).
    const rows = units.map((unit, index) => resultsRow(unit.id, results[index] as GroupEnvelopeMethodResult));
    await writeFileAtomic(run.file('results.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');

    let latency: LatencyRecord | undefined;
    if (config.latencyRounds > 0) {
      const path = run.file('latency.json');
      if (existsSync(path)) latency = JSON.parse(await readFile(path, 'utf8')) as LatencyRecord;
      else {
        latency = await measureLatencies(run, config, units, context.runtime.backend, (round) => context.log(`latency round ${round}/${config.latencyRounds} done\n`));
        await writeJsonAtomic(path, latency as never);
      }
    }

    const report = buildGroupEnvelopeReport({
      config,
      runName: basename(run.path),
      ...(context.configPath === undefined ? {} : { configFile: basename(context.configPath) }),
      results,
      counts: { train: checked.trainCount, test: checked.testCount },
      ...(latency === undefined ? {} : { latency }),
      appendix: checked.appendix,
    });
    const reportPath = run.file('report.html');
    const markdownPath = run.file('results.md');
    await writeFileAtomic(reportPath, renderHtmlReport(report));
    await writeMarkdownReport(markdownPath, report);
    const table = formatTable(resultsTable(results));
    context.log(`\n${table}\n\nReport: ${reportPath}\nResults: ${markdownPath}\n`);
    return { runPath: run.path, reportPath, markdownPath, table, resumed: run.resumed };
  } finally {
    replicate?.data.loader.dispose();
    await run.close();
  }
}
