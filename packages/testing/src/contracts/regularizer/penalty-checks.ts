import { echoValue } from '@sparse/core';
import type { Regularizer } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { describeError } from '../../shared/describe-error.js';
import type { ContractCheck } from '../shared/contract-check.js';
import { changesSince, isTensor, snapshot, valuesOf } from '../shared/tensor-inspection.js';
import type { RegularizerContractOptions } from './regularizer-contract-options.js';
import { withRegularizerSession } from './regularizer-session.js';

type RegularizerCheck = ContractCheck<Regularizer, RegularizerContractOptions>;

const withoutPenalty = (regularizer: Regularizer): string | undefined =>
  typeof regularizer.penalty === 'function' ? undefined : 'the regularizer has no penalty';

/** Has a name and at least one of penalty and proximalStep. */
export const shapeCheck: RegularizerCheck = {
  name: 'has a name and implements penalty or proximalStep',
  run: (factory) => {
    const regularizer = factory();
    const problems: string[] = [];
    if (typeof regularizer.name !== 'string' || regularizer.name === '') problems.push(`name must be a non-empty string, got ${echoValue(regularizer.name)}`);
    if (typeof regularizer.penalty !== 'function' && typeof regularizer.proximalStep !== 'function') {
      problems.push('implements neither penalty nor proximalStep, so it cannot regularize anything');
    }
    return Promise.resolve(problems);
  },
};

/** The penalty is a finite scalar ≥ 0, leaks nothing and modifies no variable. */
export const penaltyValueCheck: RegularizerCheck = {
  name: 'penalty is a finite scalar ≥ 0, leaks no tensors and modifies no variable',
  skip: withoutPenalty,
  run: (factory, options) =>
    withRegularizerSession(options, (session) => {
      const regularizer = factory();
      const before = snapshot(session.fixture.parameters.map((p) => [`variable '${p.name}'`, p.variable] as const));
      const count = tf.memory().numTensors;
      const penalty: unknown = regularizer.penalty?.(session.fixture.parameters);
      const problems: string[] = [];
      if (!isTensor(penalty)) return [`penalty() returned ${Object.prototype.toString.call(penalty)}, expected a scalar tensor`];
      if (penalty.rank !== 0) problems.push(`penalty() has shape [${penalty.shape.join(', ')}], expected a scalar`);
      const [value = Number.NaN] = valuesOf(penalty);
      if (!Number.isFinite(value) || value < 0) problems.push(`penalty() is ${value}, expected a finite number ≥ 0`);
      penalty.dispose();
      const leaked = tf.memory().numTensors - count;
      if (leaked !== 0) problems.push(`${leaked} tensor(s) remain allocated after disposing the penalty`);
      return [...problems, ...changesSince(before)];
    }),
};

/** The penalty has finite gradients with respect to the variables. */
export const penaltyGradientCheck: RegularizerCheck = {
  name: 'penalty is differentiable through the variables',
  skip: withoutPenalty,
  run: (factory, options) =>
    withRegularizerSession(options, (session) => {
      const regularizer = factory();
      const variables = session.fixture.parameters.map((p) => p.variable);
      const count = tf.memory().numTensors;
      let gradients: tf.NamedTensorMap = {};
      let value: tf.Scalar | undefined;
      try {
        ({ value, grads: gradients } = tf.variableGrads(() => regularizer.penalty?.(session.fixture.parameters) ?? tf.scalar(0), variables));
      } catch (error) {
        return [`tf.variableGrads(penalty) failed: ${describeError(error)}`];
      }
      const problems: string[] = [];
      for (const parameter of session.fixture.parameters) {
        const gradient = gradients[parameter.variable.name];
        if (gradient !== undefined && valuesOf(gradient).some((g) => !Number.isFinite(g))) problems.push(`the gradient for '${parameter.name}' is not finite`);
      }
      value.dispose();
      tf.dispose(gradients);
      const leaked = tf.memory().numTensors - count;
      if (leaked !== 0) problems.push(`${leaked} tensor(s) remain allocated after disposing the penalty and its gradients`);
      return problems;
    }),
};
