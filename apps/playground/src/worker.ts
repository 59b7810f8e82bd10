/**
 * The training worker: the wasm backend (threaded when the page is cross-origin isolated), the
 * `dense-trainer` engine (each step shared by 2–4 threads when the page is cross-origin isolated,
 * one otherwise), the lth plugin, the bundled Fashion-MNIST subset, and {@link runBrowserReplicate}
 * for each seed it is given. The page stays responsive because nothing here runs on its thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Scorers, TrainingEngines, createRuntime, type SparseRuntime } from '@sparse/core';
import { wasmBackend, type DenseTrainerEngine } from '@sparse/backend-wasm';
import { FASHION_MNIST_FILES, loadFashionMnist, type FashionMnist } from '@sparse/datasets';
import { lthPlugin, planExperiment, validateLthConfig, FASHION_MNIST_TRAIN_COUNT } from '@sparse/lth';
import { PauseGate } from './pause-gate.js';
import type { FromWorker, ThreadInfo, ToWorker } from './protocol.js';
import { SAMPLE_COUNT, runBrowserReplicate } from './replicate.js';

const FASHION_MNIST_FILE_NAMES = [FASHION_MNIST_FILES.train.images, FASHION_MNIST_FILES.train.labels, FASHION_MNIST_FILES.test.images, FASHION_MNIST_FILES.test.labels];

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  readonly crossOriginIsolated: boolean;
}
const scope = globalThis as unknown as WorkerScope;
const emit = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

let currentSeed: number | undefined;
const gate = new PauseGate((paused) => emit({ type: paused ? 'paused' : 'resumed', seed: currentSeed }));

/**
 * Threads of each dense trainer: the worker's share of the cores (`⌊cores / workers⌋`, at most 4)
 * when the page is cross-origin isolated (shared memory lets the trainer start Web Workers of its
 * own; this worker may block in `Atomics.wait`), else 1. The results are the same bits for every count.
 */
function denseTrainerThreads(crossOriginIsolated: boolean, threads: number): number {
  return crossOriginIsolated ? Math.min(4, Math.max(1, threads)) : 1;
}

/** The binary tfjs-backend-wasm loaded and its pool size (read from the running backend), and the dense trainer's threads (read from the registered engine). */
async function threadInfo(runtime: SparseRuntime): Promise<ThreadInfo> {
  const env = tf.env();
  const [simd, multithread] = await Promise.all([env.getAsync('WASM_HAS_SIMD_SUPPORT'), env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  const backend = tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } };
  const threads = backend.wasm?.tfjs?.getThreadsCount?.() ?? 1;
  const trainerThreads = (runtime.create(TrainingEngines, 'dense-trainer') as DenseTrainerEngine).threads;
  return { crossOriginIsolated: scope.crossOriginIsolated, binary: simd === true ? (multithread === true ? 'threaded-simd' : 'simd') : 'plain', threads, trainerThreads };
}

/**
 * Starts the runtime; `threads` is this worker's share of the cores, which sets the dense
 * trainer's threads and, with what they leave, the pool size tfjs uses when it picks its threaded
 * binary (cross-origin isolation).
 */
async function start(threads: number): Promise<SparseRuntime> {
  const trainerThreads = denseTrainerThreads(scope.crossOriginIsolated, threads);
  // The dense trainer's threads take the worker's cores: tfjs's own pool (evaluation, scoring) gets what is left.
  const plugins = [wasmBackend({ threads: Math.max(1, threads - trainerThreads + 1), denseTrainerThreads: trainerThreads }), lthPlugin()];
  const runtime = await createRuntime({ backend: 'wasm', plugins });
  emit({ type: 'ready', threads: await threadInfo(runtime), scorers: runtime.names(Scorers), engines: runtime.names(TrainingEngines) });
  return runtime;
}

let ready: Promise<SparseRuntime> | undefined;
let dataUrl = '';
let data: Promise<FashionMnist> | undefined;

/**
 * The shipped subset from the site's `data/` folder (the four files of `@sparse/datasets/data`),
 * each verified against the SHA-256 its manifest `subset.json` records before it is parsed.
 */
async function loadData(): Promise<FashionMnist> {
  const response = await fetch(new URL('subset.json', dataUrl));
  if (!response.ok) throw new Error(`Cannot load the data set's manifest ${response.url}: HTTP ${response.status}.`);
  const manifest = (await response.json()) as { files?: Record<string, { sha256?: unknown }> };
  const checksums = Object.fromEntries(
    FASHION_MNIST_FILE_NAMES.map((name) => {
      const sha256 = manifest.files?.[name]?.sha256;
      if (typeof sha256 !== 'string') throw new Error(`The data set's manifest ${response.url} has no SHA-256 for ${name}.`);
      return [name, sha256];
    }),
  );
  // The global fetch (@sparse/datasets calls it unbound, as browsers require).
  return loadFashionMnist({ source: { url: dataUrl }, checksums });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'pause') return gate.pause();
  if (message.type === 'resume') return gate.resume();
  if (message.type === 'init') {
    dataUrl = message.dataUrl;
    ready ??= start(message.threads);
    await ready;
    return;
  }
  if (ready === undefined) throw new Error(`The worker got '${message.type}' before 'init'.`);
  const runtime = await ready;
  if (message.type === 'check') {
    try {
      const config = validateLthConfig(message.raw, runtime);
      if (config.dataset !== 'bundled') throw new Error('dataset: the playground trains on the bundled Fashion-MNIST subset only ("bundled").');
      const plan = planExperiment(config, FASHION_MNIST_TRAIN_COUNT.bundled - config.validationSize);
      emit({ type: 'checked', config, iterations: plan.iterations, units: plan.units.map((u) => ({ id: u.id, level: u.level, branch: u.branch, startStep: u.startStep })), remaining: plan.remaining });
    } catch (error) {
      emit({ type: 'invalid', message: describe(error) });
    }
    return;
  }
  data ??= loadData();
  const loaded = await data;
  const images = loaded.test.images.slice(0, SAMPLE_COUNT * 784);
  emit({ type: 'samples', images, labels: Array.from(loaded.test.labels.subarray(0, SAMPLE_COUNT)), classNames: [...loaded.classNames] }, [images.buffer]);
  for (const seed of message.seeds) {
    currentSeed = seed;
    const started = performance.now();
    await runBrowserReplicate({ runtime, config: message.config, seed, data: loaded, gate, emit });
    emit({ type: 'seed-done', seed, seconds: (performance.now() - started) / 1000 });
  }
}

scope.onmessage = (event) => {
  handle(event.data).catch((error: unknown) => emit({ type: 'failed', message: describe(error) }));
};
