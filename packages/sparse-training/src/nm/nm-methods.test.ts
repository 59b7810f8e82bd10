import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, definePlugin, isSparseError } from '@sparse/core';
import { SparseTrainingMethods } from '../tokens.js';
import { countNmViolations, nmMask } from './nm-mask.js';
import { NM_METHOD_NAMES, createNmMethod, registerNmMethods, type NmMethodName } from './nm-methods.js';
import type { NmStepEvent } from './run-nm-training.js';
import { createNmStepper } from './nm-stepper.js';
import { createNmTestContext, type NmTestContext } from '../../test/nm-context.js';

// fc1 [32, 16] (two groups of 16 per output), fc2 [16, 12], fc3 [12, 4] (a short last group at m = 8).
const layerSizes = [32, 16, 12, 4];

/** Kernel shapes by name. */
const shapes = new Map([
  ['fc1/kernel', [32, 16]],
  ['fc2/kernel', [16, 12]],
  ['fc3/kernel', [12, 4]],
]);

let context: NmTestContext;

beforeAll(async () => {
  context = await createNmTestContext({ layerSizes, examples: 160, batchSize: 32, epochs: 2 });
});

afterAll(() => context.dispose());

/** Runs a method with a hook checking the forward kernels of every step; returns the result and the checks made. */
async function runChecked(name: NmMethodName, options: Record<string, unknown>) {
  const events: { step: number; kind: string; stage: string; n: number; violations: number; variableViolations: number }[] = [];
  const onStep = (event: NmStepEvent): void => {
    const { phase, forwardKernels } = event.report;
    let violations = 0;
    let variableViolations = 0;
    const weights = phase.kind === 'fixed' ? event.model.read() : undefined;
    for (const [kernel, [inputs = 0, outputs = 0] = []] of shapes) {
      const forward = forwardKernels?.get(kernel) as Float32Array;
      expect(forward.length).toBe(inputs * outputs);
      violations += countNmViolations(forward, inputs, outputs, phase.n, phase.m);
      if (weights !== undefined) variableViolations += countNmViolations(weights.get(kernel) as Float32Array, inputs, outputs, phase.n, phase.m);
    }
    events.push({ step: event.step, kind: phase.kind, stage: phase.stage, n: phase.n, violations, variableViolations });
  };
  const method = createNmMethod(name, options, { onStep, recordForwardKernels: true });
  const result = await method.run(context);
  return { result, events };
}

describe('N:M methods', () => {
  const cases: [NmMethodName, Record<string, unknown>][] = [
    ['nm-retrain', { n: 2, m: 4, route: 'tfjs' }],
    ['ste', { n: 2, m: 8, denseFraction: 0.25, fineTuneFraction: 0.25 }],
    ['sr-ste', { n: 1, m: 4, denseFraction: 0.2, fineTuneFraction: 0.2, fineTuneMask: 'fixed' }],
    ['mdgf', { n: 1, m: 8, decay: 'linear', decayCoefficient: 0.2, denseFraction: 0.2, fineTuneFraction: 0.2 }],
    ['sdgf', { n: 1, m: 16, denseFraction: 0.1, fineTuneFraction: 0.1 }],
  ];

  it.each(cases)('%s: every hard step forwards N:M-valid kernels, fixed phases keep the variables N:M, the final model is hard N:M', async (name, options) => {
    const { result, events } = await runChecked(name, options);
    const total = context.epochs * context.stepsPerEpoch;
    expect(events).toHaveLength(total);
    expect(events.map((e) => e.step)).toEqual(Array.from({ length: total }, (_, i) => i));
    for (const event of events) {
      if (event.kind === 'ste' || event.kind === 'fixed') expect(event.violations, `step ${event.step} (${event.kind} ${event.n})`).toBe(0);
      if (event.kind === 'fixed') expect(event.variableViolations, `step ${event.step}`).toBe(0);
    }
    expect(events[0]?.kind).toBe('dense');
    expect(events[total - 1]?.stage).toBe('fine-tune');
    expect(result.engine).toBe('tfjs-ste');
    expect(result.steps).toBe(total);
    expect(result.details?.['nmViolations']).toBe(0);
    expect(result.curve).toHaveLength(context.epochs);
    const n = options['n'] as number;
    const m = options['m'] as number;
    // fc1 and fc2 have whole groups: density exactly n/m (no weight is exactly 0 after training).
    expect(result.layerDensities['fc1/kernel']).toBeCloseTo(n / m, 10);
    expect(result.layerDensities['fc2/kernel']).toBeCloseTo(n / m, 10);
    let kept = 0;
    let weights = 0;
    for (const [inputs = 0, outputs = 0] of shapes.values()) {
      for (let start = 0; start < inputs; start += m) kept += Math.min(n, Math.min(inputs, start + m) - start) * outputs;
      weights += inputs * outputs;
    }
    expect(result.sparsity).toBeCloseTo(1 - kept / weights, 10);
    expect(result.validationAccuracy).toBeGreaterThan(0);
  });

  it('nm-retrain on the engine route: dense epochs, then the one-shot mask kept by the engine; the final model is N:M', async () => {
    const result = await createNmMethod('nm-retrain', { n: 1, m: 4 }).run(context);
    expect(result.engine).toBe('fused'); // no dense-trainer in a cpu runtime
    expect(result.steps).toBe(context.epochs * context.stepsPerEpoch);
    expect(result.details).toMatchObject({ denseEpochs: 1, retrainEpochs: 1, nmViolations: 0, pattern: '1:4' });
    expect(result.curve.map((c) => c.epoch)).toEqual([0, 1]);
    expect(result.layerDensities['fc1/kernel']).toBeCloseTo(0.25, 10);
    expect(result.layerDensities['fc2/kernel']).toBeCloseTo(0.25, 10);
  });

  it('mdgf forwards w ⊙ (m + (1 − m)·α) with m the N:M mask of the weights before the step and α decaying linearly from the end of the warm-up', async () => {
    const alphas: number[] = [];
    let previous = context.initialWeights as ReadonlyMap<string, Float32Array>;
    let checked = 0;
    const method = createNmMethod('mdgf', { n: 1, m: 4, decay: 'linear', decayCoefficient: 0.25, denseFraction: 0.2, fineTuneFraction: 0.2 }, {
      recordForwardKernels: true,
      onStep: (event) => {
        const { phase, forwardKernels } = event.report;
        if (phase.kind === 'decay') {
          alphas.push(phase.alpha);
          for (const [kernel, [inputs = 0, outputs = 0] = []] of shapes) {
            const w = previous.get(kernel) as Float32Array;
            const mask = nmMask(w, inputs, outputs, 1, 4);
            const forward = forwardKernels?.get(kernel) as Float32Array;
            for (let i = 0; i < w.length; i++) expect(forward[i]).toBe(mask[i] === 1 ? w[i] : Math.fround((w[i] as number) * phase.alpha));
            checked++;
          }
        }
        previous = event.model.read();
      },
    });
    await method.run(context);
    const total = context.epochs * context.stepsPerEpoch;
    const sparse = total - Math.floor(0.2 * total) * 2;
    expect(alphas).toEqual(Array.from({ length: sparse }, (_, t) => Math.max(0, 1 - 0.25 * t)));
    expect(checked).toBe(sparse * shapes.size);
  });

  it('sdgf steps through 15:16, 8:16, 4:16, 2:16, 1:16 in equal frames', async () => {
    const kept: number[] = [];
    const method = createNmMethod('sdgf', { n: 1, m: 16, denseFraction: 0, fineTuneFraction: 0 }, { onStep: (event) => void kept.push(event.report.phase.n) });
    const big = await createNmTestContext({ layerSizes, examples: 160, batchSize: 32, epochs: 2 });
    try {
      const result = await method.run(big);
      expect(result.details?.['patterns']).toEqual(['15:16', '8:16', '4:16', '2:16', '1:16']);
    } finally {
      big.dispose();
    }
    expect(kept).toEqual([15, 15, 8, 8, 4, 4, 2, 2, 1, 1]);
  });

  it('is deterministic: the same seed gives the same final weights bit for bit (cpu backend)', async () => {
    const finals: Map<string, Float32Array>[] = [];
    for (let run = 0; run < 2; run++) {
      let last: Map<string, Float32Array> | undefined;
      const total = context.epochs * context.stepsPerEpoch;
      const method = createNmMethod('sr-ste', { n: 2, m: 4 }, { onStep: (event) => void (event.step === total - 1 ? (last = event.model.read()) : undefined) });
      await method.run(context);
      finals.push(last as Map<string, Float32Array>);
    }
    const [a, b] = finals as [Map<string, Float32Array>, Map<string, Float32Array>];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, values] of a) expect(Buffer.from((b.get(name) as Float32Array).buffer)).toEqual(Buffer.from(values.buffer));
  });

  it('leaks no tensor over a unit', async () => {
    for (const name of NM_METHOD_NAMES) {
      const before = tf.memory().numTensors;
      await createNmMethod(name, { n: 1, m: 4, ...(name === 'nm-retrain' ? {} : { fineTuneMask: 'fixed' }) }).run(context);
      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('stops at the abort signal, rethrowing its reason, without leaking', async () => {
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const method = createNmMethod('mdgf', { n: 1, m: 4 }, { onStep: (event) => void (event.step === 2 ? controller.abort(new Error('stop here')) : undefined) });
    await expect(method.run({ ...context, signal: controller.signal })).rejects.toThrow('stop here');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensor over a step, in every kind of phase', () => {
    const model = context.createModel();
    const stepper = createNmStepper(model, 1e-3, { resetOptimizerOnFixed: true });
    const phases = [
      { kind: 'dense', stage: 'dense', n: 4, m: 4, alpha: 1, srDecay: 0 },
      { kind: 'decay', stage: 'sparse', n: 1, m: 4, alpha: 0.5, srDecay: 0 },
      { kind: 'ste', stage: 'sparse', n: 1, m: 4, alpha: 0, srDecay: 2e-4 },
      { kind: 'fixed', stage: 'fine-tune', n: 1, m: 4, alpha: 0, srDecay: 0 },
    ] as const;
    try {
      for (const phase of phases) {
        const batch = context.loader.batch(0, 0);
        stepper.step(batch, phase); // the first step of a phase may create Adam slots or the fixed masks
        const before = tf.memory().numTensors;
        stepper.step(batch, phase, true);
        stepper.step(batch, phase);
        expect(tf.memory().numTensors, phase.kind).toBe(before);
        tf.dispose([batch.x, batch.y]);
      }
    } finally {
      stepper.dispose();
      model.dispose();
    }
  });

  it('the STE gradient reaches the pruned weights; a fixed mask keeps them at zero', () => {
    const model = context.createModel();
    const stepper = createNmStepper(model, 1e-2);
    const batch = context.loader.batch(0, 0);
    try {
      const before = model.read().get('fc1/kernel') as Float32Array;
      const mask = nmMask(before, 32, 16, 1, 4);
      stepper.step(batch, { kind: 'ste', stage: 'sparse', n: 1, m: 4, alpha: 0, srDecay: 0 });
      const after = model.read().get('fc1/kernel') as Float32Array;
      const movedPruned = [...mask.keys()].filter((i) => mask[i] === 0 && after[i] !== before[i]).length;
      expect(movedPruned).toBeGreaterThan(0);
      stepper.step(batch, { kind: 'fixed', stage: 'fine-tune', n: 1, m: 4, alpha: 0, srDecay: 0 });
      const fixed = model.read().get('fc1/kernel') as Float32Array;
      expect(countNmViolations(fixed, 32, 16, 1, 4)).toBe(0);
    } finally {
      tf.dispose([batch.x, batch.y]);
      stepper.dispose();
      model.dispose();
    }
  });
});

describe('N:M options and registration', () => {
  it('rejects n >= m, unknown keys and fractions above 1 with E_CONFIG naming the field', () => {
    const expectConfig = (fn: () => unknown, pattern: RegExp): void => {
      let caught: unknown;
      try {
        fn();
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG')).toBe(true);
      expect((caught as Error).message).toMatch(pattern);
    };
    expectConfig(() => createNmMethod('ste', { n: 4, m: 4 }), /ste\.n/);
    expectConfig(() => createNmMethod('mdgf', { decay: 'cosine' }), /mdgf\.decay/);
    expectConfig(() => createNmMethod('sr-ste', { lambda: 1 }), /lambda/);
    expectConfig(() => createNmMethod('sdgf', { denseFraction: 0.7, fineTuneFraction: 0.5 }), /fineTuneFraction/);
    expectConfig(() => createNmMethod('nm-retrain', { resetOptimizer: false }), /resetOptimizer/);
    expect(createNmMethod('nm-retrain', { resetOptimizer: false, route: 'tfjs' }).name).toBe('nm-retrain');
  });

  it('registers the five methods with their schemas', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@sparse/test-nm', registerNmMethods)] });
    for (const name of NM_METHOD_NAMES) expect(runtime.names(SparseTrainingMethods)).toContain(name);
    const method = runtime.resolve(SparseTrainingMethods, { name: 'mdgf', n: 1, m: 16, decay: 'exponential' });
    expect(method.label).toBe('mdgf 1:16 exponential');
    expect(method.usesSparsity).toBe(false);
    expect(method.plannedSteps({ epochs: 3, stepsPerEpoch: 10 })).toBe(30);
    expect(() => runtime.resolve(SparseTrainingMethods, { name: 'sr-ste', n: 5, m: 4 })).toThrow(/n/);
  });
});
