import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed, glorotUniform, type NamedParameter, type ParameterRole } from '@sparse/core';

let created = 0;

/** Makes named variables with seeded initial values (each parameter its own derived stream). */
export class ParameterFactory {
  readonly parameters: NamedParameter[] = [];

  constructor(private readonly seed: number) {}

  /** Glorot-uniform `[fanIn, fanOut]` kernel: core's `glorotUniform` from `deriveSeed(seed, 'init', name)`. */
  kernel(name: string, fanIn: number, fanOut: number): tf.Variable {
    const values = glorotUniform(new Random(deriveSeed(this.seed, 'init', name)), fanIn, fanOut);
    return this.add(name, 'dense-kernel', tf.tensor2d(values, [fanIn, fanOut]));
  }

  /** Normal values of standard deviation `std`. */
  normal(name: string, shape: number[], std: number, role: ParameterRole): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Random(deriveSeed(this.seed, 'init', name)).fillNormal(new Float32Array(size), 0, std);
    return this.add(name, role, tf.tensor(values, shape));
  }

  /** A constant vector. */
  constant(name: string, size: number, value: number, role: ParameterRole): tf.Variable {
    return this.add(name, role, tf.fill([size], value));
  }

  private add(name: string, role: ParameterRole, initial: tf.Tensor): tf.Variable {
    created += 1;
    const variable = tf.variable(initial, true, `sparse-activation/${name}#${created}`);
    initial.dispose();
    this.parameters.push({ name, role, variable });
    return variable;
  }
}

/** RMSNorm: `x / sqrt(mean(x², last axis) + ε) · gain`. */
export function rmsNorm(x: tf.Tensor, gain: tf.Tensor, epsilon = 1e-6): tf.Tensor {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, epsilon))), gain);
}

/** SiLU (swish): `x · sigmoid(x)`. */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}
