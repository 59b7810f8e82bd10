import type { Regularizer } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ContractCheck } from '../shared/contract-check.js';
import { changesSince, coordinates, snapshot, valuesOf } from '../shared/tensor-inspection.js';
import type { RegularizerContractOptions } from './regularizer-contract-options.js';
import { withRegularizerSession } from './regularizer-session.js';

type RegularizerCheck = ContractCheck<Regularizer, RegularizerContractOptions>;

/** Relative change allowed at learning rate 0, for float re-association (`w·1`, `w − 0`). */
const NO_OP_TOLERANCE = 1e-6;

const withoutProximalStep = (regularizer: Regularizer): string | undefined =>
  typeof regularizer.proximalStep === 'function' ? undefined : 'the regularizer has no proximalStep';

const learningRatesOf = (options: RegularizerContractOptions): number[] => [...new Set([options.learningRate ?? 0.1, 1])];

/** Masked weights are exactly zero after a proximal step. */
export const maskedZeroCheck: RegularizerCheck = {
  name: 'proximalStep keeps masked weights at zero',
  skip: withoutProximalStep,
  run: async (factory, options) => {
    const problems: string[] = [];
    for (const learningRate of learningRatesOf(options)) {
      const found = await withRegularizerSession(options, (session) => {
        factory().proximalStep?.(session.fixture.parameters, { step: 1, learningRate }, session.masks);
        return session.fixture.parameters.flatMap((p) => {
          const mask = session.masks.get(p.name);
          if (mask === undefined) return [];
          const keep = valuesOf(mask);
          const revived = valuesOf(p.variable).flatMap((w, i) => (keep[i] === 0 && w !== 0 ? [i] : []));
          const first = revived[0];
          return first === undefined ? [] : [`learning rate ${learningRate}: ${revived.length} masked weight(s) of '${p.name}' are non-zero, e.g. at ${coordinates(first, p.variable.shape)}`];
        });
      });
      problems.push(...found);
    }
    return problems;
  },
};

/** At learning rate 0 the weights do not move. */
export const noOpCheck: RegularizerCheck = {
  name: 'proximalStep is a no-op at learning rate 0',
  skip: withoutProximalStep,
  run: (factory, options) =>
    withRegularizerSession(options, (session) => {
      const before = new Map(session.fixture.parameters.map((p) => [p.name, valuesOf(p.variable)] as const));
      factory().proximalStep?.(session.fixture.parameters, { step: 1, learningRate: 0 }, session.masks);
      return session.fixture.parameters.flatMap((p) => {
        const old = before.get(p.name) ?? [];
        const moved = valuesOf(p.variable).flatMap((w, i) => (Math.abs(w - (old[i] ?? 0)) > NO_OP_TOLERANCE * Math.abs(old[i] ?? 0) ? [i] : []));
        const first = moved[0];
        return first === undefined ? [] : [`${moved.length} weight(s) of '${p.name}' change, e.g. at ${coordinates(first, p.variable.shape)}: ${old[first]} → ${valuesOf(p.variable)[first]}`];
      });
    }),
};

/** No leaked tensor; variables stay the same objects, shapes and dtypes; masks untouched. */
export const proximalHygieneCheck: RegularizerCheck = {
  name: 'proximalStep leaks no tensors and keeps its variables and masks',
  skip: withoutProximalStep,
  run: (factory, options) =>
    withRegularizerSession(options, (session) => {
      const masks = snapshot([...session.maskLabels].map(([mask, label]) => [label, mask] as const));
      const shapes = session.fixture.parameters.map((p) => `${p.variable.dtype}[${p.variable.shape.join(',')}]`);
      const count = tf.memory().numTensors;
      factory().proximalStep?.(session.fixture.parameters, { step: 1, learningRate: options.learningRate ?? 0.1 }, session.masks);
      const problems: string[] = [];
      const leaked = tf.memory().numTensors - count;
      if (leaked !== 0) problems.push(`${leaked} tensor(s) remain allocated after the proximal step`);
      session.fixture.parameters.forEach((p, i) => {
        if (p.variable.isDisposed) problems.push(`variable '${p.name}' was disposed`);
        else if (`${p.variable.dtype}[${p.variable.shape.join(',')}]` !== shapes[i]) problems.push(`variable '${p.name}' changed to ${p.variable.dtype}[${p.variable.shape.join(',')}]`);
      });
      return [...problems, ...changesSince(masks)];
    }),
};
