/**
 * Dynamic sparse training on the dense trainer (issue 18): what RigL and SET mask updates cost.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/sparse-training.ts [--rounds 9] [--window 200] [--repeats 10] [--quick]
 *
 * Model: LeNet-300-100 (784-300-100-10, ReLU, softmax cross-entropy), Adam lr 1.2e-3, batch 60, every
 * kernel masked at 90 % sparsity with ERK densities (core's `erkDensities`; random positions,
 * seeded), biases dense; 8 cycled batches of uniform inputs and random labels. Engine: the wasm
 * backend's `dense-trainer` on one thread, through its stepper's `maskAccess` (dense gradients by
 * the trainer's own gradients-only SIMD pass; masks and Adam moments changed in its memory).
 * Rules: `@sparse/sparse-training`'s `riglRule` and `setRule` (ΔT = 100, α = 0.3), with a total of
 * 10⁶ steps so that the cosine drop fraction stays ≈ 0.3 throughout: the largest, most expensive
 * updates (those early in training).
 *
 * (a) Overhead: three arms (no updates, RigL every 100 steps, SET every 100 steps), each a
 *     `train()` call of `--window` steps through the engine with `maskUpdates`, in interleaved
 *     rounds (the order rotates); overhead = median over rounds of (arm time / no-update time) − 1.
 *     Also the isolated figure: the median time of one `applyMaskUpdate` / (100 × the median time of
 *     one step), far less noisy on a shared machine.
 * (b) Against PyTorch (bench/python/sparse_step.py, one thread, the same model, densities, batch and
 *     rule semantics with topk): one mask update followed by one training step ("update + step",
 *     median of `--repeats`), ours and the peer's in interleaved rounds, ratio = median of per-round
 *     ratios (peer time / our time; > 1 = ours faster); plus the step alone, and the amortised cost
 *     per step of a ΔT = 100 window (99 steps + one update + step), derived from the medians.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyMaskUpdate, createDenseMlp, createRuntime, erkDensities, heNormal, train, type Batch, type DenseMlp, type EngineMaskAccess, type EngineStepper, type MaskUpdateRule } from '@sparse/core';
import { createDenseTrainerEngine, wasmBackend } from '@sparse/backend-wasm';
import { cosineDropFraction } from '../packages/sparse-training/src/dst/drop-fraction.js';
import { riglRule, setRule } from '../packages/sparse-training/src/dst/mask-update-rules.js';
import './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, PeerProcess, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { fmt, median, medianRatio, printTable } from './lib/stats.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const quick = process.argv.includes('--quick');
const rounds = Number(option('rounds', quick ? '3' : '9'));
const windowSteps = Number(option('window', quick ? '200' : '400'));
const repeats = Number(option('repeats', quick ? '5' : '10'));
const SIZES = [784, 300, 100, 10] as const;
const BATCH = 60;
const POOL = 8;
const LR = 1.2e-3;
const SPARSITY = 0.9;
const EVERY = 100;
const TOTAL = 1_000_000;
const ALPHA = 0.3;

// The wasm backend for the model's tensors; the dense trainer runs in its own WebAssembly memory.
await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
const engine = createDenseTrainerEngine({ threads: 1 });
const rules: Record<'rigl' | 'set', MaskUpdateRule> = { rigl: riglRule({ updateEvery: EVERY, dropFraction: ALPHA }), set: setRule({ updateEvery: EVERY, dropFraction: ALPHA }) };

const kernelShapes = SIZES.slice(1).map((out, l) => ({ name: `fc${l + 1}/kernel`, shape: [SIZES[l] as number, out] }));
const { kept } = erkDensities(kernelShapes, SPARSITY);
const densities = kernelShapes.map(({ name, shape }) => (kept.get(name) as number) / ((shape[0] as number) * (shape[1] as number)));

/** Exactly `kept` ones per kernel at seeded random positions (partial Fisher–Yates). */
function erkMasks(seed: number): Map<string, tf.Tensor> {
  let state = seed >>> 0;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return new Map(
    kernelShapes.map(({ name, shape }) => {
      const size = (shape[0] as number) * (shape[1] as number);
      const order = Uint32Array.from({ length: size }, (_, i) => i);
      const count = kept.get(name) as number;
      const values = new Float32Array(size);
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(random() * (size - i));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
        values[order[i] as number] = 1;
      }
      return [name, tf.tensor2d(values, shape as [number, number])];
    }),
  );
}

const batches: Batch[] = Array.from({ length: POOL }, (_, i) =>
  tf.tidy(() => ({
    x: tf.randomUniform([BATCH, SIZES[0]], 0, 1, 'float32', 1000 + i),
    y: tf.cast(tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2000 + i), 10), 'float32'),
  })),
);

interface Arm {
  readonly name: 'none' | 'rigl' | 'set';
  readonly net: DenseMlp;
  readonly stepper: EngineStepper;
  readonly access: EngineMaskAccess;
  readonly masks: Map<string, tf.Tensor>;
  step: number;
}

async function arm(name: Arm['name']): Promise<Arm> {
  const net = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed: 0 });
  const masks = erkMasks(7);
  const stepper = await engine.start(net, masks, { learningRate: LR, initialStep: 0, batchSize: BATCH });
  if (stepper.maskAccess === undefined) throw new Error('the dense-trainer engine has no maskAccess');
  return { name, net, stepper, access: stepper.maskAccess, masks, step: 0 };
}

async function closeArm(a: Arm): Promise<void> {
  await a.stepper.dispose();
  a.net.dispose();
  tf.dispose([...a.masks.values()]);
}

/** One `train()` call of `windowSteps` steps through the arm's engine; ms. */
async function runWindow(a: Arm): Promise<number> {
  const start = performance.now();
  const result = await train({
    parameters: a.net.parameters,
    loss: (batch) => a.net.loss(batch),
    engine: a.stepper,
    batches,
    steps: windowSteps,
    initialStep: a.step,
    ...(a.name === 'none' ? {} : { maskUpdates: { rule: rules[a.name], totalSteps: TOTAL } }),
  });
  const ms = performance.now() - start;
  let expected = 0;
  for (let step = a.step; step < result.nextStep; step++) expected += step > 0 && step % EVERY === 0 ? 1 : 0;
  if (a.name !== 'none' && result.maskUpdates !== expected) throw new Error(`expected ${expected} mask updates in the window, got ${result.maskUpdates}`);
  a.step = result.nextStep;
  return ms;
}

const machineBefore = machineInfo();
console.log(`sparse-training benchmark (dense trainer, 1 thread, LeNet-300-100 at ${100 * SPARSITY} % ERK, batch ${BATCH}); ${describeMachine(machineBefore)}`);
console.log(`  ERK densities: ${kernelShapes.map(({ name }, l) => `${name} ${fmt(densities[l], 3)}`).join(', ')}`);

// ---- (a) overhead of a mask update every 100 steps ----
const arms = [await arm('none'), await arm('rigl'), await arm('set')];
for (const a of arms) await runWindow(a); // warm-up
const times: Record<Arm['name'], number[]> = { none: [], rigl: [], set: [] };
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < arms.length; i++) {
    const a = arms[(i + r) % arms.length] as Arm;
    times[a.name].push(await runWindow(a));
  }
}
const stepMs = median(times.none) / windowSteps;
const overhead = { rigl: medianRatio(times.rigl, times.none) - 1, set: medianRatio(times.set, times.none) - 1 };

/** Median ms of one applyMaskUpdate (each followed by one untimed step) and of its parts: the dense gradients, the rule alone. */
async function isolatedUpdate(a: Arm, count: number): Promise<{ updateMs: number; gradientsMs: number; ruleMs: number; stepMs: number }> {
  const update: number[] = [];
  const gradients: number[] = [];
  const ruleTimes: number[] = [];
  const steps: number[] = [];
  const rule = rules[a.name as 'rigl' | 'set'];
  for (let i = 0; i < count; i++) {
    const batch = batches[i % POOL] as Batch;
    const step = EVERY * (1 + i);
    let start = performance.now();
    await applyMaskUpdate(a.access, rules[a.name as 'rigl' | 'set'], { step, totalSteps: TOTAL, seed: 1000 + i, batch });
    update.push(performance.now() - start);
    start = performance.now();
    const dense = await a.access.denseGradients(batch);
    gradients.push(performance.now() - start);
    const [weights, masks] = [a.access.readWeights(), a.access.readMasks()];
    const layers = a.access.names.map((name) => ({ name, shape: a.access.shapes.get(name) ?? [], weights: weights.get(name) as Float32Array, mask: masks.get(name) as Float32Array, gradients: dense.get(name) as Float32Array }));
    start = performance.now();
    rule.update({ step, totalSteps: TOTAL, seed: 1000 + i, layers });
    ruleTimes.push(performance.now() - start);
    start = performance.now();
    await a.stepper.step(batch);
    steps.push(performance.now() - start);
  }
  return { updateMs: median(update), gradientsMs: median(gradients), ruleMs: median(ruleTimes), stepMs: median(steps) };
}
const isolated = { rigl: await isolatedUpdate(arms[1] as Arm, 5 * repeats), set: await isolatedUpdate(arms[2] as Arm, 5 * repeats) };
const isolatedOverhead = {
  rigl: isolated.rigl.updateMs / (EVERY * isolated.rigl.stepMs),
  set: isolated.set.updateMs / (EVERY * isolated.set.stepMs),
};
for (const a of arms) await closeArm(a);

const percent = (x: number) => `${fmt(100 * x, 2)} %`;
printTable(
  `(a) mask update every ${EVERY} steps: ${rounds} interleaved rounds of ${windowSteps} steps per arm, through train() and the engine's maskAccess`,
  ['arm', 'ms/step (median)', 'overhead (whole windows)', 'update alone (ms)', 'update / 100 steps'],
  [
    ['no updates', fmt(stepMs), '', '', ''],
    ['RigL', fmt(median(times.rigl) / windowSteps), percent(overhead.rigl), `${fmt(isolated.rigl.updateMs)} (gradients ${fmt(isolated.rigl.gradientsMs)}, rule ${fmt(isolated.rigl.ruleMs)})`, percent(isolatedOverhead.rigl)],
    ['SET', fmt(median(times.set) / windowSteps), percent(overhead.set), `${fmt(isolated.set.updateMs)} (rule ${fmt(isolated.set.ruleMs)})`, percent(isolatedOverhead.set)],
  ],
);

// ---- (b) a RigL step and a SET step against PyTorch ----
const python = findTorchPython();
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);
const peer = python === null ? null : new PeerProcess(python, 'sparse_step.py');
const fraction = cosineDropFraction(EVERY, ALPHA, Math.floor(0.75 * TOTAL));
type Mode = 'step' | 'rigl' | 'set';
const modes: Mode[] = ['step', 'rigl', 'set'];
const ours: Record<Mode, number[]> = { step: [], rigl: [], set: [] };
const theirs: Record<Mode, number[]> = { step: [], rigl: [], set: [] };
const stepArm = await arm('none');
let updateStep = EVERY;
/** Median ms of `repeats` × (mask update + step), or of a step alone. */
async function oursMs(mode: Mode): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const batch = batches[i % POOL] as Batch;
    const start = performance.now();
    if (mode !== 'step') {
      updateStep += EVERY;
      await applyMaskUpdate(stepArm.access, rules[mode], { step: updateStep, totalSteps: TOTAL, seed: updateStep, batch });
    }
    await stepArm.stepper.step(batch);
    samples.push(performance.now() - start);
  }
  return median(samples);
}
for (const mode of modes) await oursMs(mode); // warm-up
if (peer !== null) for (const mode of modes) await peer.request({ densities, threads: 1, mode, repeats, fraction });
for (let r = 0; r < rounds; r++) {
  for (const mode of modes) {
    ours[mode].push(await oursMs(mode));
    if (peer !== null) theirs[mode].push((await peer.request<{ ms: number }>({ densities, threads: 1, mode, repeats, fraction })).ms);
  }
}
peer?.close();
await closeArm(stepArm);
tf.dispose(batches.flatMap((b) => [b.x, b.y]));

const amortised = (update: number, step: number) => ((EVERY - 1) * step + update) / EVERY;
const rows: { name: string; ours: number; peer: number; ratio: number }[] = [];
for (const mode of modes) {
  const label = mode === 'step' ? 'training step alone' : `${mode === 'rigl' ? 'RigL' : 'SET'} update + step`;
  rows.push({ name: `${label} (ms, batch ${BATCH})`, ours: median(ours[mode]), peer: median(theirs[mode]), ratio: medianRatio(theirs[mode], ours[mode]) });
}
for (const mode of ['rigl', 'set'] as const) {
  const mine = amortised(median(ours[mode]), median(ours.step));
  const other = amortised(median(theirs[mode]), median(theirs.step));
  rows.push({ name: `${mode === 'rigl' ? 'RigL' : 'SET'}, amortised per step over ΔT = ${EVERY} (ms)`, ours: mine, peer: other, ratio: other / mine });
}
printTable(
  `(b) ours (dense trainer, 1 thread) vs PyTorch ${python?.torchVersion ?? '(skipped)'} (1 thread): ${rounds} interleaved rounds of ${repeats}; ratio = peer / ours (> 1 = ours faster)`,
  ['measure', 'ours', 'PyTorch', 'ratio'],
  rows.map((row) => [row.name, fmt(row.ours), fmt(row.peer), `${fmt(row.ratio)}x`]),
);
console.log(`  RigL update+step vs PyTorch ratio: ${fmt(rows[1]?.ratio)}x; SET update+step vs PyTorch ratio: ${fmt(rows[2]?.ratio)}x`);
console.log(`  mask-update overhead at ΔT = ${EVERY}: RigL ${percent(overhead.rigl)} (isolated ${percent(isolatedOverhead.rigl)}), SET ${percent(overhead.set)} (isolated ${percent(isolatedOverhead.set)}); target < 3 %`);

const machineAfter = machineInfo();
const path = writeResults('sparse-training', {
  benchmark: 'sparse-training',
  command: `pnpm exec tsx --import ./bench/lib/register.mjs bench/sparse-training.ts${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  model: `LeNet-300-100, Adam lr ${LR}, batch ${BATCH}, ${100 * SPARSITY} % sparsity with ERK densities ${densities.map((d) => d.toFixed(4)).join('/')}, dense-trainer 1 thread`,
  rounds,
  windowSteps,
  repeats,
  dropFraction: fraction,
  overhead: { stepMs, windows: times, wholeWindows: overhead, isolated, isolatedOverhead },
  versusTorch: { ours, peer: theirs, rows },
  summary: [
    { name: `RigL mask update every ${EVERY} steps, overhead (update alone / ${EVERY} steps)`, ours: percent(isolatedOverhead.rigl), peer: '' },
    { name: `SET mask update every ${EVERY} steps, overhead (update alone / ${EVERY} steps)`, ours: percent(isolatedOverhead.set), peer: '' },
    { name: `RigL mask update every ${EVERY} steps, overhead (whole windows)`, ours: percent(overhead.rigl), peer: '' },
    { name: `SET mask update every ${EVERY} steps, overhead (whole windows)`, ours: percent(overhead.set), peer: '' },
    ...rows.map((row) => ({ name: `${row.name} vs torch×1`, ours: row.ours, peer: row.peer, unit: 'ms', ratio: row.ratio })),
  ],
});
console.log(`\nload average before ${machineBefore.loadAverage.join(' ')}, after ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
