/**
 * The playground page: the experiment form, the training workers (one per seed running at once),
 * and the live views. Nothing heavy runs here: training, evaluation and pruning happen in
 * `worker.ts`, so the page stays responsive.
 */
import type { EvalRecord, LthExperimentConfig } from '@sparse/lth';
import { accuracyPlot, lossPlot } from './charts.js';
import { download, masksFile, weightsFile } from './files.js';
import { drawImage, drawInputMasks, drawMatrixMask, keptPercent } from './pictures.js';
import { PRESETS, configFor, parseSeeds, type Preset } from './presets.js';
import type { FromWorker, ThreadInfo, ToWorker } from './protocol.js';
import { RunResults } from './results.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element as T;
};

const form = $<HTMLFormElement>('experiment');
const preset = $<HTMLSelectElement>('preset');
const rate = $<HTMLInputElement>('rate');
const outputRate = $<HTMLInputElement>('output-rate');
const rounds = $<HTMLInputElement>('rounds');
const epochs = $<HTMLInputElement>('epochs');
const scorer = $<HTMLSelectElement>('scorer');
const seedsInput = $<HTMLInputElement>('seeds');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const resumeButton = $<HTMLButtonElement>('resume');
const message = $('message');
const threadsText = $('threads');
const progress = $<HTMLProgressElement>('progress');
const progressText = $('progress-text');
const accuracy = $('accuracy-plot');
const points = $<HTMLTableElement>('points');
const loss = $('loss-plot');
const maskLevel = $<HTMLSelectElement>('mask-level');
const downloads = {
  results: $<HTMLButtonElement>('download-results'),
  metrics: $<HTMLButtonElement>('download-metrics'),
  config: $<HTMLButtonElement>('download-config'),
  masks: $<HTMLButtonElement>('download-masks'),
  weights: $<HTMLButtonElement>('download-weights'),
};

const cores = Math.max(1, navigator.hardwareConcurrency || 1);

function setState(state: 'idle' | 'checking' | 'running' | 'paused' | 'done' | 'failed'): void {
  document.body.dataset['state'] = state;
  runButton.disabled = state === 'checking';
  stopButton.disabled = state !== 'running';
  resumeButton.disabled = state !== 'paused';
}

function startWorker(threads: number, onMessage: (message: FromWorker) => void): Worker {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'sparse-training' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  worker.onerror = (event) => fail(`A training worker failed: ${event.message}`);
  send(worker, { type: 'init', threads, dataUrl: new URL('data/', document.baseURI).href });
  return worker;
}

function send(worker: Worker, message: ToWorker): void {
  worker.postMessage(message);
}

function describeThreads(info: ThreadInfo, workers: number): string {
  const parallel = workers > 1 ? ` The ${workers} seeds train at once, one worker each.` : '';
  const trainer =
    info.trainerThreads > 1
      ? `the dense trainer shares each training step between ${info.trainerThreads} threads per worker (Web Workers on shared memory)`
      : 'the dense trainer runs each training step on one thread per worker';
  return info.crossOriginIsolated
    ? `Threads: on. The page is cross-origin isolated, so ${trainer}, and tfjs-backend-wasm runs its threaded SIMD binary (its thread pool reports ${info.threads} thread(s) per worker).${parallel}`
    : `Threads: off. The page is not cross-origin isolated (the host sends no COOP/COEP headers), so ${trainer}, and tfjs-backend-wasm runs its ${info.binary === 'simd' ? 'SIMD' : info.binary} binary single-threaded.${parallel}`;
}

/** What the last worker reported, so that a run's engine can correct the dense trainer's threads. */
let shownThreads: ThreadInfo | undefined;

function showThreads(info: ThreadInfo, workers: number): void {
  shownThreads = info;
  threadsText.textContent = describeThreads(info, workers);
  threadsText.dataset['isolated'] = String(info.crossOriginIsolated);
  threadsText.dataset['threads'] = String(info.threads);
  threadsText.dataset['binary'] = info.binary;
  threadsText.dataset['trainerThreads'] = String(info.trainerThreads);
}

// --- The form -------------------------------------------------------------------------------

for (const p of PRESETS) preset.append(new Option(p.label, p.id));

function chosenPreset(): Preset {
  return PRESETS.find((p) => p.id === preset.value) ?? (PRESETS[0] as Preset);
}

function fillForm(p: Preset): void {
  const rates = p.config['rates'] as { default: number; output?: number };
  rate.value = String(rates.default);
  outputRate.value = String(rates.output ?? rates.default / 2);
  rounds.value = String(p.config['rounds']);
  epochs.value = String(p.config['epochsPerRound']);
  scorer.value = String(p.config['scorer'] ?? 'magnitude');
  seedsInput.value = (p.config['seeds'] as number[]).join(', ');
}

preset.addEventListener('change', () => fillForm(chosenPreset()));
fillForm(chosenPreset());

// --- The probe: the registry's names and the threading mode, before any run -------------------

let probeReady: (() => void) | undefined;
const probeStarted = new Promise<void>((resolve) => (probeReady = resolve));
let checking: ((reply: Extract<FromWorker, { type: 'checked' | 'invalid' }>) => void) | undefined;
const probe = startWorker(cores, (reply) => {
  if (reply.type === 'ready') {
    const current = scorer.value;
    scorer.replaceChildren(...reply.scorers.map((name) => new Option(name, name)));
    scorer.value = reply.scorers.includes(current) ? current : (reply.scorers[0] ?? 'magnitude');
    showThreads(reply.threads, 1);
    probeReady?.();
  } else if (reply.type === 'checked' || reply.type === 'invalid') {
    checking?.(reply);
  } else if (reply.type === 'failed') {
    fail(reply.message);
  }
});

// --- A run ----------------------------------------------------------------------------------

interface Run {
  readonly results: RunResults;
  readonly workers: Worker[];
  readonly done: Map<number, number>;
  readonly total: number;
  readonly finishedSeeds: Set<number>;
  readonly current: Map<number, { id: string; records: EvalRecord[] }>;
  started: number;
  pausedAt: number | undefined;
  pausedFor: number;
  samples: Extract<FromWorker, { type: 'samples' }> | undefined;
}

let run: Run | undefined;

function fail(text: string): void {
  message.textContent = text;
  for (const worker of run?.workers ?? []) worker.terminate();
  setState('failed');
}

function formatTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

function activeSeconds(r: Run): number {
  const now = r.pausedAt ?? performance.now();
  return (now - r.started - r.pausedFor) / 1000;
}

function renderProgress(r: Run): void {
  const done = [...r.done.values()].reduce((a, b) => a + b, 0);
  const fraction = r.total === 0 ? 0 : done / r.total;
  progress.value = fraction;
  const elapsed = activeSeconds(r);
  if (r.results.finished) {
    progressText.textContent = `Done: ${r.results.unitIds.length} training runs in ${elapsed.toFixed(1)} s.`;
    progressText.dataset['seconds'] = elapsed.toFixed(3);
    return;
  }
  const left = done > 0 ? (elapsed / done) * (r.total - done) : Number.NaN;
  const state = r.pausedAt === undefined ? '' : ' Stopped: press Resume to continue.';
  progressText.textContent = `${(100 * fraction).toFixed(1)} % of ${r.total.toLocaleString('en')} iterations · ${formatTime(elapsed)} elapsed · ${Number.isNaN(left) ? 'estimating time left' : `about ${formatTime(left)} left`}.${state}`;
}

function renderAccuracy(r: Run): void {
  const done = r.results.done;
  accuracy.innerHTML = accuracyPlot(done);
  const body = points.tBodies[0] as HTMLTableSectionElement;
  body.replaceChildren(
    ...done.map((s) => {
      const row = document.createElement('tr');
      row.dataset['seed'] = String(s.seed);
      row.dataset['level'] = String(s.level);
      row.dataset['branch'] = s.branch;
      row.dataset['remaining'] = String(s.remaining);
      row.dataset['accuracy'] = String(s.testAccuracyAtEarlyStop);
      row.dataset['iteration'] = String(s.earlyStopIteration);
      for (const text of [String(s.seed), String(s.level), s.branch, `${(100 * s.remaining).toFixed(1)} %`, String(s.earlyStopIteration), s.testAccuracyAtEarlyStop.toFixed(4)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
  downloads.results.disabled = done.length === 0;
  downloads.metrics.disabled = done.length === 0;
}

function renderLoss(r: Run): void {
  const seed = [...r.current.keys()].sort((a, b) => a - b)[0];
  const current = seed === undefined ? undefined : r.current.get(seed);
  // Between runs and at the end, the last round drawn stays.
  if (current !== undefined) loss.innerHTML = lossPlot(current.id, current.records);
}

function renderTicket(r: Run, level: number): void {
  const seed = r.results.config.seeds[0] as number;
  const ticket = r.results.ticket(seed, level);
  if (ticket === undefined) return;
  const [first, ...rest] = ticket.masks;
  if (first !== undefined) drawInputMasks($<HTMLCanvasElement>('input-masks'), first);
  $('mask-caption').textContent = `Seed ${seed}, level ${level}: ${(100 * ticket.remaining).toFixed(1)} % of the weights remain. The first layer's 784 inputs as a 28×28 map per unit (dark: kept; ${first === undefined ? '' : `${keptPercent(first).toFixed(1)} % kept`}).`;
  rest.slice(0, 2).forEach((mask, i) => {
    const id = i === 0 ? 'fc2' : 'fc3';
    drawMatrixMask($<HTMLCanvasElement>(`mask-${id}`), mask);
    $(`caption-${id}`).textContent = `${mask.name} [${mask.shape.join(' × ')}]: ${keptPercent(mask).toFixed(1)} % kept (one row per unit)`;
  });
  const samples = r.samples;
  const list = $('predictions');
  if (samples !== undefined) {
    list.replaceChildren(
      ...samples.labels.map((label, i) => {
        const item = document.createElement('li');
        const canvas = document.createElement('canvas');
        canvas.className = 'pixels';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `test image ${i + 1}: ${samples.classNames[label]}`);
        drawImage(canvas, samples.images.subarray(i * 784, (i + 1) * 784));
        const guess = ticket.predictions[i] ?? -1;
        const text = document.createElement('span');
        text.className = guess === label ? 'right' : 'wrong';
        text.textContent = `${guess === label ? '✓' : '✗'} ${samples.classNames[guess] ?? '?'}`;
        const truth = document.createElement('small');
        truth.textContent = guess === label ? '' : ` (is ${samples.classNames[label]})`;
        item.append(canvas, text, truth);
        return item;
      }),
    );
    $('predictions-caption').textContent = `The ticket's guesses at level ${level} (seed ${seed}, ${(100 * ticket.remaining).toFixed(1)} % of the weights) on the first test images.`;
  }
  downloads.masks.disabled = false;
  downloads.weights.disabled = false;
}

/** Redraws wanted before the next frame: many messages between two frames cost one redraw each. */
const pending = new Set<(r: Run) => void>();
let frame: number | undefined;
function redraw(r: Run, ...views: ((r: Run) => void)[]): void {
  for (const view of views) pending.add(view);
  frame ??= requestAnimationFrame(() => {
    frame = undefined;
    const views = [...pending];
    pending.clear();
    if (run === r) for (const view of views) view(r);
  });
}

function onRunMessage(r: Run, reply: FromWorker, workers: number): void {
  switch (reply.type) {
    case 'ready':
      showThreads(reply.threads, workers);
      return;
    case 'started':
      // The threads the seed's engine really steps on (1 unless it is the dense trainer).
      if (shownThreads !== undefined) showThreads({ ...shownThreads, trainerThreads: reply.trainerThreads }, workers);
      threadsText.dataset['engine'] = reply.engine;
      return;
    case 'samples':
      r.samples ??= reply;
      return;
    case 'progress':
      r.done.set(reply.seed, reply.done);
      redraw(r, renderProgress);
      return;
    case 'unit-start':
      r.current.set(reply.seed, { id: reply.id, records: [] });
      redraw(r, renderLoss);
      return;
    case 'eval':
      r.current.get(reply.seed)?.records.push(reply.record);
      redraw(r, renderLoss);
      return;
    case 'unit-done':
      r.results.summaries.set(reply.id, reply.summary);
      r.results.metrics.set(reply.id, reply.metrics);
      redraw(r, renderAccuracy);
      return;
    case 'ticket': {
      r.results.tickets.set(`${reply.seed}/${reply.level}`, { seed: reply.seed, level: reply.level, remaining: reply.remaining, masks: reply.masks, weights: reply.weights, predictions: reply.predictions });
      if (reply.seed !== r.results.config.seeds[0]) return;
      const follow = maskLevel.value === '' || Number(maskLevel.value) === reply.level - 1;
      maskLevel.append(new Option(`level ${reply.level} (${(100 * reply.remaining).toFixed(1)} % remaining)`, String(reply.level)));
      maskLevel.disabled = false;
      if (follow) {
        maskLevel.value = String(reply.level);
        redraw(r, (current) => renderTicket(current, reply.level));
      }
      return;
    }
    case 'seed-done':
      r.finishedSeeds.add(reply.seed);
      r.current.delete(reply.seed);
      if (r.finishedSeeds.size === r.results.config.seeds.length) {
        // Draw everything now, not at the next frame: the page says "done" with every view final.
        if (frame !== undefined) cancelAnimationFrame(frame);
        frame = undefined;
        const views = [...pending, renderAccuracy, renderProgress];
        pending.clear();
        for (const view of views) view(r);
        setState('done');
        for (const worker of r.workers) worker.terminate();
      }
      return;
    case 'paused':
    case 'resumed':
      return;
    case 'failed':
      fail(reply.message);
      return;
    default:
      return;
  }
}

function check(raw: unknown): Promise<Extract<FromWorker, { type: 'checked' | 'invalid' }>> {
  return new Promise((resolve) => {
    checking = resolve;
    send(probe, { type: 'check', raw });
  });
}

function reset(): void {
  for (const worker of run?.workers ?? []) worker.terminate();
  run = undefined;
  message.textContent = '';
  accuracy.innerHTML = '';
  loss.innerHTML = '';
  (points.tBodies[0] as HTMLTableSectionElement).replaceChildren();
  maskLevel.replaceChildren();
  maskLevel.disabled = true;
  progress.value = 0;
  delete progressText.dataset['seconds'];
  for (const button of Object.values(downloads)) button.disabled = true;
}

async function start(): Promise<void> {
  const seeds = parseSeeds(seedsInput.value);
  if (seeds === undefined) {
    message.textContent = 'Seeds: give one or more non-negative integers separated by commas, e.g. "0, 1".';
    seedsInput.focus();
    return;
  }
  const numbers = [rate, outputRate, rounds, epochs].map((input) => Number(input.value));
  const [rateValue = Number.NaN, outputValue = Number.NaN, roundsValue = Number.NaN, epochsValue = Number.NaN] = numbers;
  reset();
  setState('checking');
  progressText.textContent = 'Checking the config…';
  await probeStarted;
  const reply = await check(configFor(chosenPreset(), { rate: rateValue, outputRate: outputValue, rounds: roundsValue, epochsPerRound: epochsValue, scorer: scorer.value, seeds }));
  if (reply.type === 'invalid') {
    message.textContent = reply.message;
    progressText.textContent = 'Not started.';
    setState('idle');
    return;
  }
  const config: LthExperimentConfig = reply.config;
  // One worker per seed running at once, at most one per core; cross-origin isolated, each worker's
  // dense trainer takes the cores the workers leave (⌊cores / workers⌋ threads): threads spin while
  // they wait for each other, so more threads than cores would make every step wait for a
  // descheduled one. Two seeds on two cores train side by side on one thread each; one seed on
  // two cores trains on two threads.
  const count = Math.min(config.workers, config.seeds.length, cores);
  const perSeed = reply.units.reduce((sum, unit) => sum + reply.iterations - unit.startStep, 0);
  const r: Run = {
    results: new RunResults(config, reply.units),
    workers: [],
    done: new Map(),
    total: perSeed * config.seeds.length,
    finishedSeeds: new Set(),
    current: new Map(),
    started: performance.now(),
    pausedAt: undefined,
    pausedFor: 0,
    samples: undefined,
  };
  run = r;
  downloads.config.disabled = false;
  const threads = Math.max(1, Math.floor(cores / count));
  for (let w = 0; w < count; w += 1) {
    const worker = startWorker(threads, (m) => {
      if (run === r) onRunMessage(r, m, count);
    });
    r.workers.push(worker);
    send(worker, { type: 'run', config, seeds: config.seeds.filter((_, i) => i % count === w) });
  }
  setState('running');
  renderProgress(r);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  start().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
});

stopButton.addEventListener('click', () => {
  if (run === undefined) return;
  for (const worker of run.workers) send(worker, { type: 'pause' });
  run.pausedAt = performance.now();
  setState('paused');
  renderProgress(run);
  resumeButton.focus();
});

resumeButton.addEventListener('click', () => {
  if (run === undefined || run.pausedAt === undefined) return;
  run.pausedFor += performance.now() - run.pausedAt;
  run.pausedAt = undefined;
  for (const worker of run.workers) send(worker, { type: 'resume' });
  setState('running');
  renderProgress(run);
  stopButton.focus();
});

maskLevel.addEventListener('change', () => {
  if (run !== undefined) renderTicket(run, Number(maskLevel.value));
});

function shownTicket() {
  if (run === undefined) return undefined;
  return run.results.ticket(run.results.config.seeds[0] as number, Number(maskLevel.value));
}

const stem = (): string => run?.results.config.name ?? 'lth';
downloads.results.addEventListener('click', () => run && download(`${stem()}-results.json`, run.results.resultsJson(), 'application/json'));
downloads.metrics.addEventListener('click', () => run && download(`${stem()}-metrics.jsonl`, run.results.metricsJsonl(), 'application/x-ndjson'));
downloads.config.addEventListener('click', () => run && download(`${stem()}-config.json`, `${JSON.stringify(run.results.config, null, 2)}\n`, 'application/json'));
downloads.masks.addEventListener('click', () => {
  const ticket = shownTicket();
  if (ticket !== undefined) download(`${stem()}-seed-${ticket.seed}-level-${String(ticket.level).padStart(2, '0')}-masks.safetensors`, masksFile(ticket), 'application/octet-stream');
});
downloads.weights.addEventListener('click', () => {
  const ticket = shownTicket();
  if (ticket !== undefined) download(`${stem()}-seed-${ticket.seed}-level-${String(ticket.level).padStart(2, '0')}-weights.safetensors`, weightsFile(ticket), 'application/octet-stream');
});

setState('idle');
