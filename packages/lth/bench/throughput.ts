/**
 * Training throughput of LeNet-300-100 through `trainRound` on a training engine (`dense-trainer`,
 * the default, or `--engine fused|stock`) resolved through a runtime with the wasm backend's
 * plugin (fast kernels unless `--stock`), and the cost of one evaluation (validation + test).
 *
 *   pnpm tsx packages/lth/bench/throughput.ts [--steps 600] [--batch 60] [--full ../shared/datasets/fashion-mnist] [--stock] [--engine dense-trainer|fused|stock]
 *
 * Prints samples/s of the training step (batch assembly included), and ms per evaluation of
 * 5,000 + 10,000 examples, then an estimate of the full lottery-ticket run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TrainingEngines, createRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createBatchLoader, loadFashionMnist, splitValidation } from '@sparse/datasets';
import { createEvaluator, createMlp, trainRound } from '@sparse/lth';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const steps = Number(flag('steps', '600'));
const batchSize = Number(flag('batch', '60'));
const full = flag('full', '');
const stock = process.argv.includes('--stock');
const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend({ fastKernels: !stock })] });
const engine = runtime.resolve(TrainingEngines, flag('engine', 'dense-trainer'), '--engine');
console.log(`backend ${tf.getBackend()}, fast kernels ${stock ? 'off' : 'on'}, training engine ${engine.name}, batch ${batchSize}`);

const data = await loadFashionMnist(full === '' ? {} : { source: { dir: full } });
const { train, validation } = splitValidation(data.train, { validationSize: full === '' ? 500 : 5000, seed: 0 });
const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
const loader = createBatchLoader(train, { batchSize, seed: 0 });
const val = createEvaluator(validation);
const test = createEvaluator(data.test);

// Warm-up, then the timed steps (one evaluation at the start and one at the end only).
const run = (n: number) =>
  trainRound({
    model,
    masks: new Map(),
    batches: loader,
    learningRate: 1.2e-3,
    engine,
    startStep: 0,
    endStep: n,
    evalEvery: 1e9,
    validate: () => ({ loss: 0, accuracy: 0 }),
    test: () => ({ loss: 0, accuracy: 0 }),
  });
await run(50);
const t0 = performance.now();
const c0 = process.cpuUsage();
await run(steps);
const trainMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const trainCpuMs = (cpu.user + cpu.system) / 1000;
const samplesPerSecond = (steps * batchSize) / (trainMs / 1000);
const samplesPerCpuSecond = (steps * batchSize) / (trainCpuMs / 1000);

val.evaluate(model.forward);
const t1 = performance.now();
const c1 = process.cpuUsage();
const evals = 5;
for (let i = 0; i < evals; i += 1) {
  val.evaluate(model.forward);
  test.evaluate(model.forward);
}
const evalWallMs = (performance.now() - t1) / evals;
const evalCpu = process.cpuUsage(c1);
const evalMs = (evalCpu.user + evalCpu.system) / 1000 / evals;
const perEvalExamples = val.count + test.count;

console.log(`training: ${samplesPerSecond.toFixed(0)} samples/s wall (${(trainMs / steps).toFixed(2)} ms/step), ${samplesPerCpuSecond.toFixed(0)} samples per CPU second (${(trainCpuMs / steps).toFixed(2)} ms CPU/step; wall > CPU means other processes took the core)`);
console.log(`evaluation of ${val.count} + ${test.count} examples: ${evalWallMs.toFixed(0)} ms wall, ${evalMs.toFixed(0)} ms CPU (${((perEvalExamples / evalMs) * 1000).toFixed(0)} examples per CPU second)`);

// Full Done-when run: 3 seeds x (16 ticket levels + 15 reinit + 3 random-pruning) = 102 rounds of
// 4 epochs of 55,000 examples at batch 60 (917 steps/epoch), evaluating 5,000 + 10,000 every 100 steps
// (an upper bound: the runner tests only where the validation loss improves).
const stepsPerRound = 4 * Math.ceil(55000 / 60);
const rounds = 102;
const evalsPerRound = Math.floor(stepsPerRound / 100) + 2;
const roundSeconds = (stepsPerRound * batchSize) / samplesPerCpuSecond + (evalsPerRound * evalMs * 15000) / perEvalExamples / 1000;
console.log(`full run estimate (CPU time, test set evaluated every time): ${rounds} rounds x ${roundSeconds.toFixed(0)} s = ${((rounds * roundSeconds) / 60).toFixed(0)} CPU minutes, ~${((rounds * roundSeconds) / 120).toFixed(0)} min on 2 free cores`);

val.dispose();
test.dispose();
model.dispose();
