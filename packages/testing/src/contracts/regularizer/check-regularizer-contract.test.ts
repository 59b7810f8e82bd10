import { createRuntime, type Regularizer } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { failedChecks, l1Regularizer, l2PenaltyRegularizer } from '../../../test/support/reference-implementations.js';
import { checkRegularizerContract, describeRegularizerContract } from './check-regularizer-contract.js';

await createRuntime({ backend: 'cpu' });

describeRegularizerContract('l1 (reference: penalty and proximal step)', () => l1Regularizer());
describeRegularizerContract('l2 (reference: penalty only)', l2PenaltyRegularizer);

const MASKED = 'proximalStep keeps masked weights at zero';
const NO_OP = 'proximalStep is a no-op at learning rate 0';
const HYGIENE = 'proximalStep leaks no tensors and keeps its variables and masks';
const PENALTY = 'penalty is a finite scalar ≥ 0, leaks no tensors and modifies no variable';
const GRADIENT = 'penalty is differentiable through the variables';

const withProx = (proximalStep: NonNullable<Regularizer['proximalStep']>): (() => Regularizer) => () => ({ name: 'broken', proximalStep });
const withPenalty = (penalty: NonNullable<Regularizer['penalty']>): (() => Regularizer) => () => ({ name: 'broken', penalty });

describe('checkRegularizerContract', () => {
  beforeAll(async () => {
    await createRuntime({ backend: 'cpu' });
  });

  it('finds nothing wrong with the references, and leaks nothing itself', async () => {
    const before = tf.memory().numTensors;
    expect(await checkRegularizerContract(() => l1Regularizer(0.5), { learningRate: 0.3 })).toEqual([]);
    expect(await checkRegularizerContract(l2PenaltyRegularizer)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('catches a regularizer with neither a penalty nor a proximal step', async () => {
    expect(await checkRegularizerContract(() => ({ name: 'empty' }))).toEqual([
      { check: 'has a name and implements penalty or proximalStep', message: 'implements neither penalty nor proximalStep, so it cannot regularize anything' },
    ]);
  });

  it('catches a negative, non-scalar or leaking penalty', async () => {
    expect(failedChecks(await checkRegularizerContract(withPenalty((ps) => tf.tidy(() => tf.neg(tf.sum(tf.abs(ps[0]!.variable)))))))).toEqual([PENALTY]);
    const vector = await checkRegularizerContract(withPenalty((ps) => tf.tidy(() => tf.abs(ps[2]!.variable)) as tf.Scalar));
    expect(vector.map((v) => v.message)).toContain('penalty() has shape [6], expected a scalar');
    const leaky = await checkRegularizerContract(withPenalty((ps) => tf.sum(tf.abs(ps[0]!.variable))));
    expect(leaky.map((v) => v.message)).toContain('1 tensor(s) remain allocated after disposing the penalty');
  });

  it('catches a penalty that is not differentiable through the variables', async () => {
    const detached = withPenalty((ps) => tf.tidy(() => tf.scalar(tf.sum(tf.abs(ps[0]!.variable)).dataSync()[0] ?? 0)));
    const violations = await checkRegularizerContract(detached);
    expect(failedChecks(violations)).toEqual([GRADIENT]);
    expect(violations[0]?.message).toMatch(/^tf\.variableGrads\(penalty\) failed: /);
  });

  it('catches a proximal step that revives masked weights or moves at learning rate 0', async () => {
    const shifting = withProx((ps, context) => {
      for (const p of ps) tf.tidy(() => p.variable.assign(tf.add(p.variable, (context.learningRate ?? 0) * 1e-3)));
    });
    expect(failedChecks(await checkRegularizerContract(shifting))).toEqual([MASKED]);
    const decaying = withProx((ps) => {
      for (const p of ps) tf.tidy(() => p.variable.assign(tf.mul(p.variable, 0.99)));
    });
    const violations = await checkRegularizerContract(decaying);
    expect(failedChecks(violations)).toEqual([NO_OP]);
    expect(violations[0]?.message).toMatch(/^\d+ weight\(s\) of 'conv\/kernel' change, e\.g\. at \[/);
  });

  it('catches a proximal step that leaks, replaces a variable or disposes a mask', async () => {
    const leaky = withProx((ps) => {
      for (const p of ps) p.variable.assign(tf.mul(p.variable, 1));
    });
    expect(failedChecks(await checkRegularizerContract(leaky))).toEqual([HYGIENE]);
    const disposing = withProx((_ps, _context, masks) => {
      for (const mask of masks.values()) mask.dispose();
    });
    expect((await checkRegularizerContract(disposing)).map((v) => v.message)).toContain("mask 'conv/kernel' was disposed");
  });

  it('rejects a learning rate that is not positive', async () => {
    await expect(checkRegularizerContract(() => l1Regularizer(), { learningRate: 0 })).rejects.toMatchObject({ code: 'E_ARGUMENT' });
  });
});
