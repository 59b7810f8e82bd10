import { createRuntime } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_CONFORMANCE_CASES } from './backend-conformance-cases.js';
import { checkBackendConformance, runConformanceCase } from './check-backend-conformance.js';
import type { ConformanceCase } from './conformance-case.js';
import { describeBackendConformance } from './describe-backend-conformance.js';

const caseNamed = (name: string): ConformanceCase => {
  const found = BACKEND_CONFORMANCE_CASES.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no case ${name}`);
  return found;
};

/** A copy of the cpu backend with one kernel replaced, to show the suite catches a wrong kernel. */
function registerBrokenCpu(name: string, kernelName: string, kernelFunc: tf.KernelFunc): void {
  tf.registerBackend(name, tf.findBackendFactory('cpu'));
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...kernel, backendName: name, ...(kernel.kernelName === kernelName ? { kernelFunc } : {}) });
  }
}

describe('checkBackendConformance', () => {
  beforeAll(async () => {
    await createRuntime({ backend: 'cpu', onWarning: () => undefined });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('passes every case on cpu, with a different seed too', async () => {
    for (const seed of [1, 99]) {
      const failures = (await checkBackendConformance({ seed })).filter((result) => result.violations.length > 0);
      expect(failures).toEqual([]);
    }
  });

  it('catches a backend whose kernel is wrong', async () => {
    registerBrokenCpu('cpu-broken-abs', 'Abs', ({ inputs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      (backend as { incRef(dataId: unknown): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    });
    try {
      await tf.setBackend('cpu-broken-abs');
      const [result] = await checkBackendConformance({ cases: [caseNamed('abs/sign/relu/sigmoid, with zeros and large inputs')] });
      expect(result?.violations).toHaveLength(1);
      expect(result?.violations[0]).toMatch(/^abs\(\[5,5\]\): \d+ of 25 elements differ/);
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('cpu-broken-abs');
    }
  });

  it('catches topk that breaks ties by the higher index', async () => {
    registerBrokenCpu('cpu-broken-topk', 'TopK', (args) => {
      const cpuTopK = tf.getKernel('TopK', 'cpu');
      const x = args.inputs['x'] as tf.TensorInfo;
      const reversedValues = tf.tidy(() => tf.reverse(tf.engine().makeTensorFromTensorInfo(x), -1));
      const [values, indices] = cpuTopK?.kernelFunc({ ...args, inputs: { x: reversedValues } }) as tf.TensorInfo[];
      const last = (x.shape[x.shape.length - 1] ?? 1) - 1;
      const flipped = tf.tidy(() => tf.sub(tf.scalar(last, 'int32'), tf.engine().makeTensorFromTensorInfo(indices as tf.TensorInfo)));
      (args.backend as tf.KernelBackend).disposeData((indices as tf.TensorInfo).dataId);
      reversedValues.dispose();
      tf.keep(flipped);
      return [values as tf.TensorInfo, { dataId: flipped.dataId, shape: flipped.shape, dtype: flipped.dtype }];
    });
    try {
      await tf.setBackend('cpu-broken-topk');
      const [result] = await checkBackendConformance({ cases: [caseNamed('topk values and indices, ties broken by the lower index')] });
      expect(result?.violations.join('\n')).toMatch(/topk\(\[3,12\], k=6\) indices: \d+ of 18 elements differ \(exactly\)/);
      expect(result?.violations.join('\n')).not.toMatch(/values/);
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('cpu-broken-topk');
    }
  });

  it('reports a case that leaks or throws, with the fix for a missing gradient', async () => {
    let leakedTensor: tf.Tensor | undefined;
    const leaky: ConformanceCase = { name: 'leaky', run: () => ((leakedTensor = tf.ones([2])), []) };
    expect((await runConformanceCase(leaky)).violations).toEqual([expect.stringMatching(/^left 1 tensor\(s\) allocated \(tf\.memory\(\)\.numTensors \d+ → \d+\)$/)]);
    leakedTensor?.dispose();
    const throwing: ConformanceCase = {
      name: 'throwing',
      run: () => {
        throw new Error('Cannot compute gradient: gradient function not found for Erf.');
      },
    };
    expect((await runConformanceCase(throwing)).violations[0]).toMatch(/no gradient is registered for Erf: create the runtime first/);
  });

  it('derives each case’s inputs from the seed and the case name', async () => {
    const seen: number[] = [];
    const probe: ConformanceCase = { name: 'probe', run: ({ random }) => (seen.push(random.uniform(0, 1)), []) };
    await runConformanceCase(probe, { seed: 5 });
    await runConformanceCase(probe, { seed: 5 });
    await runConformanceCase({ ...probe, name: 'other' }, { seed: 5 });
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
  });

  it('rejects known deviations that name no case', () => {
    expect(() => describeBackendConformance({ name: 'cpu', activate: async () => undefined, knownDeviations: { 'no such case': 'x' } })).toThrowError(
      expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/unknown case 'no such case'/) as unknown }),
    );
  });
});
