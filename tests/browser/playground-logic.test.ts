/**
 * The playground's pure parts, in Node (default tier, fast): the form's config, the files the
 * page writes (results.json / metrics.jsonl in run order with canonical unit outputs, masks and
 * weights as safetensors), and the pause gate that Stop and Resume use. The page itself runs in
 * Chromium in playground.slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeMaskEntries, deserializeSafetensors, decodeToFloat32, TrainingEngines, createRuntime, type Batch, type EngineStepper } from '../../packages/core/src/index.js';
import type { LthExperimentConfig, UnitSummary } from '../../packages/lth/src/index.js';
import { masksFile, weightsFile } from '../../apps/playground/src/files.js';
import { PauseGate } from '../../apps/playground/src/pause-gate.js';
import { PRESETS, configFor, parseSeeds } from '../../apps/playground/src/presets.js';
import { RunResults, type TicketState } from '../../apps/playground/src/results.js';

const summary = (seed: number, level: number, branch: string): UnitSummary => ({
  seed,
  level,
  branch,
  remaining: level === 0 ? 1 : 0.8,
  earlyStopIteration: 50,
  testAccuracyAtEarlyStop: 0.75 + level / 100,
  validationLossAtEarlyStop: 0.6,
  finalTestAccuracy: 0.74,
  iterations: 92,
});

describe('the playground form', () => {
  it('starts from the shipped quick config and applies the form\'s values', () => {
    const quick = PRESETS[0]!;
    expect(quick.id).toBe('quick');
    expect(quick.config).toMatchObject({ kind: 'lth', name: 'lenet-fashion-mnist-quick', seeds: [0, 1, 2], rounds: 8 });
    expect(quick.config).not.toHaveProperty('$schema');
    const config = configFor(quick, { rate: 0.3, outputRate: 0.15, rounds: 4, epochsPerRound: 1, scorer: 'snip', seeds: [3] });
    expect(config).toMatchObject({ rates: { default: 0.3, output: 0.15 }, rounds: 4, epochsPerRound: 1, scorer: 'snip', seeds: [3] });
    // the quick config's random-pruning targets (percent remaining) are kept as they are
    expect(config['branches']).toEqual(quick.config['branches']);
  });

  it('keeps random-pruning levels within the rounds for presets that list levels', () => {
    const short = PRESETS.find((p) => p.id === 'short')!;
    const config = configFor(short, { rate: 0.2, outputRate: 0.1, rounds: 2, epochsPerRound: 2, scorer: 'magnitude', seeds: [0, 1] });
    expect(config['branches']).toMatchObject({ randomPrune: { levels: [1, 2], shuffle: 'layerwise' } });
  });

  it('reads seeds as non-negative integers and refuses anything else', () => {
    expect(parseSeeds('0, 1')).toEqual([0, 1]);
    expect(parseSeeds(' 4 4,7 ')).toEqual([4, 7]);
    expect(parseSeeds('')).toBeUndefined();
    expect(parseSeeds('1, -2')).toBeUndefined();
    expect(parseSeeds('1.5')).toBeUndefined();
    expect(parseSeeds('a')).toBeUndefined();
  });
});

describe('the files the playground writes', () => {
  const config = { name: 'x', seeds: [0, 1] } as unknown as LthExperimentConfig;
  const units = [
    { id: 'level-00/ticket', level: 0, branch: 'ticket', startStep: 0 },
    { id: 'level-01/ticket', level: 1, branch: 'ticket', startStep: 0 },
  ];

  it('orders results.json and metrics.jsonl as the run directory does, whatever order units finish in', () => {
    const results = new RunResults(config, units);
    results.summaries.set('seed-1/level-00/ticket', summary(1, 0, 'ticket'));
    results.metrics.set('seed-1/level-00/ticket', 'b\n');
    results.summaries.set('seed-0/level-01/ticket', summary(0, 1, 'ticket'));
    results.metrics.set('seed-0/level-01/ticket', 'a\n');
    expect(results.finished).toBe(false);
    expect(results.done.map((s) => `${s.seed}/${s.level}`)).toEqual(['0/1', '1/0']);
    const parsed = JSON.parse(results.resultsJson()) as { units: { id: string; output: Record<string, unknown> | null }[] };
    expect(parsed.units.map((u) => u.id)).toEqual(['seed-0/level-00/ticket', 'seed-0/level-01/ticket', 'seed-1/level-00/ticket', 'seed-1/level-01/ticket']);
    expect(parsed.units.map((u) => u.output === null)).toEqual([true, false, false, true]);
    // unit outputs as canonical JSON: sorted keys, two-space indentation, a final newline
    expect(Object.keys(parsed.units[1]!.output!)).toEqual([...Object.keys(summary(0, 1, 'ticket'))].sort());
    expect(results.resultsJson().endsWith('}\n')).toBe(true);
    expect(results.metricsJsonl()).toBe('a\nb\n');
  });

  it('writes the ticket\'s masks and weights as safetensors that read back', () => {
    const kept = Uint8Array.from({ length: 6 }, (_, i) => i % 2);
    const values = Float32Array.from({ length: 6 }, (_, i) => (i % 2) * (i + 0.5));
    const ticket: TicketState = {
      seed: 0,
      level: 2,
      remaining: 0.5,
      masks: [{ name: 'fc1/kernel', shape: [2, 3], kept }],
      weights: [{ name: 'fc1/kernel', shape: [2, 3], values }],
      predictions: [],
    };
    const masks = deserializeSafetensors(masksFile(ticket));
    expect(masks.header.metadata).toMatchObject({ 'sparse.format': 'mask-u8', 'sparse.level': '2', 'sparse.seed': '0' });
    expect(masks.tensors.get('fc1/kernel')?.info).toMatchObject({ dtype: 'U8', shape: [2, 3] });
    expect([...(decodeMaskEntries(masks.header.metadata, masks.tensors).get('fc1/kernel')?.kept ?? [])]).toEqual([...kept]);
    const weights = deserializeSafetensors(weightsFile(ticket));
    const tensor = weights.tensors.get('fc1/kernel')!;
    expect(tensor.info).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect([...decodeToFloat32('F32', tensor.bytes)]).toEqual([...values]);
  });
});

describe('the pause gate (Stop and Resume)', () => {
  it('holds the steps while paused and lets the same steps continue after resume', async () => {
    const runtime = await createRuntime({ backend: 'cpu' });
    const stock = runtime.create(TrainingEngines, 'stock');
    const seen: string[] = [];
    const gate = new PauseGate((paused) => seen.push(paused ? 'paused' : 'resumed'));
    let steps = 0;
    const inner: EngineStepper = { step: async () => void (steps += 1), sync: () => undefined, adamState: async () => ({ iterations: 0, accBeta1: 0.9, accBeta2: 0.999, moments: [] }), dispose: async () => undefined };
    const wrapped = gate.wrap({ ...stock, start: async () => inner }, 2);
    const stepper = await wrapped.start({} as never, new Map(), { learningRate: 1, initialStep: 0, batchSize: 1 });
    const batch = {} as Batch;
    await stepper.step(batch);
    gate.pause();
    let finished = false;
    const running = (async () => {
      for (let i = 0; i < 5; i += 1) await stepper.step(batch);
      finished = true;
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([steps, finished, gate.paused]).toEqual([1, false, true]);
    gate.resume();
    await running;
    expect([steps, finished, gate.paused]).toEqual([6, true, false]);
    expect(seen).toEqual(['paused', 'resumed']);
  });
});
