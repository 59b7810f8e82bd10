/**
 * Spec B.5 on the full Fashion-MNIST: an MLP 784-512-256-10 trained dense, with GSEF (hidden
 * neurons as groups, k = 25 % of each hidden layer) and with group lasso, both as a proximal step
 * after Adam, then a hard top-k selection and a short masked fine-tune; the GSEF and group-lasso
 * networks are physically compacted and their latency measured against the dense one on wasm.
 * Writes docs/results/group-envelope.md and its SVG plots.
 *
 *   pnpm --filter @sparse/group-envelope experiment          (builds, then runs this file)
 *
 * Options: --data DIR (default /work/shared/datasets/fashion-mnist, or 'bundled'), --out FILE,
 * --epochs N (default 12), --fine-tune N (default 4), --gsef-lambda X (default 3), --gl-lambda X
 * (default 0.85; see tuning.json and the report's 'How λ was chosen'),
 * --only dense,gsef,group-lasso, --no-report (print only), --seed N, --report-only (re-render the
 * report from results/run.json, e.g. after a new benchmark).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createBatchLoader, loadFashionMnist, splitValidation } from '@sparse/datasets';
import { groupEnvelope } from '@sparse/group-envelope';
import { writeMarkdownReport } from '@sparse/experiments';
import { compactModel } from '@sparse/layers';
import { interleavedLatency } from './latency.js';
import { maxOutputDifference } from './mlp.js';
import { buildReport, type CompactionSummary, type LatencySummary, type ReportInput, type ScalingRow, type TuningRow } from './report.js';
import { runMethod, type RunResult, type RunSettings } from './train-run.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/datasets/fashion-mnist' },
    out: { type: 'string', default: new URL('../../docs/results/group-envelope.md', import.meta.url).pathname },
    scaling: { type: 'string', default: new URL('../../packages/group-envelope/bench/results/prox-scaling.json', import.meta.url).pathname },
    epochs: { type: 'string', default: '12' },
    'fine-tune': { type: 'string', default: '4' },
    'gsef-lambda': { type: 'string', default: '3' },
    'gl-lambda': { type: 'string', default: '0.85' },
    only: { type: 'string', default: 'dense,gsef,group-lasso' },
    seed: { type: 'string', default: '1' },
    'no-report': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
    run: { type: 'string', default: new URL('./results/run.json', import.meta.url).pathname },
    tuning: { type: 'string', default: new URL('./tuning.json', import.meta.url).pathname },
  },
});

/** Latency rounds (each: every model at batch 1 and 256). */
const LATENCY_ROUNDS = 5;
const started = performance.now();
const log = (line: string): void => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

if (values['report-only']) {
  await render(JSON.parse(await readFile(values.run, 'utf8')) as ReportInput);
} else {
  await render(await experiment());
}
log(`done in ${((performance.now() - started) / 60000).toFixed(1)} min`);

async function experiment(): Promise<ReportInput> {
  const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend(), groupEnvelope()] });
  const data = await loadFashionMnist(values.data === 'bundled' ? {} : { source: { dir: values.data } });
  const seed = Number(values.seed);
  const { train: fit, validation } = splitValidation(data.train, { validationSize: 5000, seed });
  const loader = createBatchLoader(fit, { batchSize: 128, seed });
  const settings: RunSettings = {
    seed,
    epochs: Number(values.epochs),
    fineTuneEpochs: Number(values['fine-tune']),
    learningRate: 1e-3,
    fineTuneLearningRate: 5e-4,
    warmupEpochs: 1,
    target: { targetGroupSparsity: 0.75 },
    recordEvery: 50,
  };
  const methods = values.only.split(',');
  log(`backend ${runtime.backend}; ${fit.count} train / ${validation.count} validation / ${data.test.count} test; ${settings.epochs} + ${settings.fineTuneEpochs} epochs, batch 128`);

  const runs: RunResult[] = [];
  for (const method of ['dense', 'gsef', 'group-lasso'] as const) {
    if (!methods.includes(method)) continue;
    const lambda = method === 'gsef' ? Number(values['gsef-lambda']) : method === 'group-lasso' ? Number(values['gl-lambda']) : undefined;
    log(`${method}${lambda === undefined ? '' : ` (λ = ${lambda})`}`);
    const run = await runMethod(method, lambda, settings, loader, validation, data.test, log);
    runs.push(run);
    log(
      `${method}: test ${(100 * run.testBeforeSelection).toFixed(2)} %` +
        (run.nonzeroBeforeSelection === undefined ? '' : `; nonzero groups ${run.nonzeroBeforeSelection.join('/')} → kept ${run.kept?.join('/')}`) +
        (run.testAfterFineTune === undefined ? '' : `; after selection ${(100 * (run.testAfterSelection ?? 0)).toFixed(2)} %, after fine-tune ${(100 * run.testAfterFineTune).toFixed(2)} %`) +
        ` (${run.seconds.toFixed(0)} s)`,
    );
  }
  loader.dispose();

  // Compaction, then latency of every model, interleaved over rounds (the machine is shared).
  const compactions: Record<string, CompactionSummary> = {};
  const timed = new Map<string, tfl.LayersModel>();
  const compactedModels: tfl.LayersModel[] = [];
  const dense = runs.find((r) => r.method === 'dense');
  if (dense !== undefined) timed.set('dense', dense.model);
  for (const run of runs) {
    if (run.masks === undefined) continue;
    const result = compactModel(run.model, { masks: run.masks });
    const difference = maxOutputDifference(run.model, result.model, data.test);
    const { model: compacted, ...rest } = result;
    compactions[run.method] = { ...rest, difference };
    compactedModels.push(compacted);
    log(`${run.method} compacted: ${result.layers.map((l) => `${l.name} ${l.unitsBefore}→${l.unitsAfter}`).join(', ')}; max |Δ output| on the test set ${difference.toExponential(2)}`);
    timed.set(`${run.method} (masked)`, run.model);
    timed.set(`${run.method} (compacted)`, compacted);
  }
  const latencies: Record<string, LatencySummary> = Object.fromEntries(await interleavedLatency(timed, LATENCY_ROUNDS, log));
  for (const [name, latency] of Object.entries(latencies)) log(`latency ${name}: batch 1 ${latency.batch1.toFixed(3)} ms, batch 256 ${latency.batch256.toFixed(2)} ms`);
  for (const model of compactedModels) model.dispose();
  for (const run of runs) {
    run.model.dispose();
    if (run.masks !== undefined) tf.dispose([...run.masks.values()]);
  }
  const summary: ReportInput = {
    settings,
    runs: runs.map(({ model: _model, masks: _masks, ...rest }) => rest),
    compactions,
    latencies,
    backend: runtime.backend,
    seconds: (performance.now() - started) / 1000,
    data: values.data,
  };
  await mkdir(dirname(values.run), { recursive: true });
  const temporary = `${values.run}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(summary, null, 1)}\n`);
  await rename(temporary, values.run);
  log(`saved the run to ${values.run}`);
  return summary;
}

async function render(input: ReportInput): Promise<void> {
  if (values['no-report']) return;
  const optional = async <T>(path: string, what: string): Promise<T | undefined> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch {
      log(`no ${what} at ${path}`);
      return undefined;
    }
  };
  const scaling = await optional<ScalingRow[]>(values.scaling, 'prox-scaling results (pnpm --filter @sparse/group-envelope bench -- --json bench/results/prox-scaling.json)');
  const tuning = await optional<TuningRow[]>(values.tuning, 'tuning record');
  const written = await writeMarkdownReport(values.out, buildReport({ ...input, scaling, tuning }));
  log(`wrote ${written.join(', ')}`);
}
