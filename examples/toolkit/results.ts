/**
 * The one command behind docs/results/toolkit-gradual.md and docs/results/toolkit-e4.md: runs
 * check-grasp.ts once, then gradual-fit.ts, gradual-core.ts, e4-one-shot.ts, e4-init.ts and e4-erk.ts for every seed (the
 * core dense and gradual runs are shared by the gradual report and E.4.2), saves the raw numbers
 * to docs/results/toolkit-results.json after every stage, and writes both reports with their SVGs.
 *
 *   pnpm --filter @sparse/examples run toolkit-results            (from the repository root)
 *   pnpm exec tsx examples/toolkit/results.ts [--epochs 3] [--seeds 3] [--data DIR | --quick] [--out DIR]
 *   (--quick: bundled subset, 1 epoch, 1 seed, written to $TMPDIR/sparse-toolkit-quick unless --out)
 *   pnpm exec tsx examples/toolkit/results.ts --render docs/results/toolkit-results.json   (reports only)
 *
 * Every write (a run's end, or --render) also writes the claims both pages test to
 * <out>/data/toolkit/claims.json (docs/results/data/toolkit/claims.json by default).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@sparse/experiments';
import { describeAgreement, graspAgreement, type GraspAgreement } from './check-grasp.js';
import { createContext } from './context.js';
import { trainBatches } from './data.js';
import { erkVersusUniform } from './e4-erk.js';
import { pruneAtInit } from './e4-init.js';
import { oneShotFromDense } from './e4-one-shot.js';
import { coreDense, coreGradual, summaryTable } from './gradual-core.js';
import { layersRun } from './gradual-fit.js';
import { cliOptions, elapsedSeconds, log } from './log.js';
import { claimsJson, renderToolkitPages } from './pages.js';
import { SCRIPT, TRAINED_BY } from './provenance.js';
import type { RunSummary, ToolkitResults } from './run-summary.js';
import { gradualPlan, settingsFromArgs } from './settings.js';

const options = cliOptions();
// A --quick smoke run must not overwrite the real reports: it writes to the temporary folder unless --out says otherwise.
const outDir = options.value('out', options.flag('quick') ? join(tmpdir(), 'sparse-toolkit-quick') : join(import.meta.dirname, '..', '..', 'docs', 'results'));
const jsonPath = join(outDir, 'toolkit-results.json');

const repo = join(import.meta.dirname, '..', '..');

/** Writes both pages, their SVGs and data/toolkit/claims.json into outDir, from the raw results at `rawFile`. */
async function writeReports(results: ToolkitResults, rawFile: string): Promise<void> {
  const rawPath = relative(repo, resolve(rawFile));
  const { pages, claims } = renderToolkitPages(results, { rawLink: relative(outDir, resolve(rawFile)), rawPath: rawPath.startsWith('..') ? resolve(rawFile) : rawPath });
  const written: string[] = [];
  for (const page of pages) {
    for (const file of page.files) {
      await writeFileAtomic(join(outDir, file.name), file.content, { createFolder: true });
      written.push(join(outDir, file.name));
    }
    await writeFileAtomic(join(outDir, page.name), page.markdown, { createFolder: true });
    written.push(join(outDir, page.name));
  }
  const claimsPath = join(outDir, 'data', 'toolkit', 'claims.json');
  await writeFileAtomic(claimsPath, claimsJson(claims), { createFolder: true });
  written.push(claimsPath);
  log(`wrote ${written.join(', ')}: ${claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${claims.length} claims shown`);
}

const render = options.value('render', '');
if (render !== '') {
  const results = JSON.parse(await readFile(render, 'utf8')) as ToolkitResults;
  await writeReports(results, render);
} else {
  const settings = settingsFromArgs();
  const context = await createContext(settings);
  const stepsPerEpoch = trainBatches(context.data, 0, settings.batchSize).stepsPerEpoch;
  const plan = gradualPlan(settings.epochs * stepsPerEpoch);
  log(`gradual schedule: 0 → 90 % over steps ${plan.begin}–${plan.end}, every ${plan.frequency} steps, of ${settings.epochs * stepsPerEpoch}`);
  const runs: RunSummary[] = [];
  let agreement: GraspAgreement[] = [];
  const snapshot = (): ToolkitResults => ({
    settings,
    backend: context.backend,
    data: { source: settings.dataDir, train: context.data.train.count, validation: context.data.validation.count, test: context.data.test.count },
    stepsPerEpoch,
    plan,
    runs,
    graspAgreement: agreement,
    seconds: elapsedSeconds(),
    finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: `${relative(repo, process.cwd()) === '' ? '' : `cd ${relative(repo, process.cwd())} && `}tsx ${relative(process.cwd(), process.argv[1] ?? SCRIPT)} ${process.argv.slice(2).join(' ')}`.trimEnd(),
    machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform(), node: process.version },
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    engines: Object.fromEntries(Object.entries(TRAINED_BY).map(([experiment, path]) => [experiment, `${path}, ${context.backend} backend`])),
  });
  const stages = [
    { name: 'model.fit dense + gradual (gradual-fit.ts)', run: async (seed: number) => [await layersRun(context, seed, false), await layersRun(context, seed, true)] },
    {
      name: 'core dense, one-shot ± fine-tune, gradual (gradual-core.ts, e4-one-shot.ts)',
      run: async (seed: number) => {
        const dense = await coreDense(context, seed);
        try {
          const oneShot = await oneShotFromDense(context, seed, dense);
          return [dense.summary, ...oneShot, await coreGradual(context, seed)];
        } finally {
          dense.dispose();
        }
      },
    },
    { name: 'pruning at init (e4-init.ts)', run: (seed: number) => pruneAtInit(context, seed) },
    { name: 'ERK vs uniform (e4-erk.ts)', run: (seed: number) => erkVersusUniform(context, seed) },
  ];
  log('── GraSP check: finite-difference vs exact Hessian-gradient product (check-grasp.ts)');
  agreement = graspAgreement(context);
  for (const row of agreement) log(describeAgreement(row));
  log(`${tf.memory().numTensors} tensors alive`);
  const total = stages.length * settings.seeds.length;
  let done = 0;
  for (const seed of settings.seeds) {
    for (const stage of stages) {
      done += 1;
      log(`── stage ${done}/${total}: seed ${seed} · ${stage.name}`);
      runs.push(...(await stage.run(seed)));
      log(`${tf.memory().numTensors} tensors alive`);
      await writeJsonAtomic(jsonPath, snapshot(), { createFolder: true });
    }
  }
  const results = snapshot();
  await writeJsonAtomic(jsonPath, results, { createFolder: true });
  console.log(summaryTable(runs));
  await writeReports(results, jsonPath);
  // Only the validation and test sets (2 tensors) should outlive the runs.
  log(`done in ${(results.seconds / 60).toFixed(1)} min; ${tf.memory().numTensors} tensors alive`);
}
