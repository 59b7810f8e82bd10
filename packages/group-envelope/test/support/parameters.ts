import * as tf from '@tensorflow/tfjs-core';
import type { NamedParameter, ParameterRole } from '@sparse/core';
import { seeded, uniform } from './seeded.js';

/** Named float32 variables with seeded uniform values in [-1, 1). Dispose with {@link disposeAll}. */
let created = 0;

export function makeParameters(layout: readonly { name: string; role: ParameterRole; shape: number[] }[], seed = 1): NamedParameter[] {
  const random = seeded(seed);
  return layout.map(({ name, role, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    created += 1;
    const variable = tf.variable(tf.tensor(uniform(random, size, -1, 1), shape, 'float32'), true, `${name}#${created}`);
    return { name, role, variable };
  });
}

export function disposeAll(parameters: readonly NamedParameter[]): void {
  for (const p of parameters) p.variable.dispose();
}

/** An MLP's parameters: fc1 [in, h1], fc2 [h1, h2], out [h2, classes], each with a bias. */
export function mlpParameters(sizes: readonly number[], seed = 1): NamedParameter[] {
  const layout: { name: string; role: ParameterRole; shape: number[] }[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const name = l + 2 === sizes.length ? 'out' : `fc${l + 1}`;
    layout.push({ name: `${name}/kernel`, role: 'dense-kernel', shape: [sizes[l] as number, sizes[l + 1] as number] });
    layout.push({ name: `${name}/bias`, role: 'bias', shape: [sizes[l + 1] as number] });
  }
  return makeParameters(layout, seed);
}
