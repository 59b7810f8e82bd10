import type { Variable } from '@tensorflow/tfjs-core';

/**
 * What a parameter is for. Scorers, allocations and patterns read it: by default only kernels are
 * prunable, and N:M or group patterns need to know a tensor's layout.
 *
 * - `dense-kernel`: a fully-connected weight in TensorFlow layout `[in, out]`.
 * - `conv-kernel`: a 2-D convolution weight in TensorFlow layout `[kh, kw, cin, cout]`.
 * - `bias`, `norm` (normalisation gain or shift), `embedding`, `other`: not pruned by default.
 *
 * @example
 * ```ts
 * import type { ParameterRole } from '@sparse/core';
 *
 * const role: ParameterRole = 'dense-kernel';
 * ```
 */
export type ParameterRole = 'dense-kernel' | 'conv-kernel' | 'bias' | 'norm' | 'embedding' | 'other';

/**
 * A named, trainable tensor of a model together with its role. Core knows parameters, not
 * layers: adapters such as `@sparse/layers` map a model onto a list of these.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { NamedParameter } from '@sparse/core';
 *
 * const kernel: NamedParameter = {
 *   name: 'dense_1/kernel',
 *   role: 'dense-kernel',
 *   variable: tf.variable(tf.randomNormal([784, 300])),
 * };
 * ```
 */
export interface NamedParameter {
  /** Unique name within the model, stable across runs (used to key masks and seeds). */
  readonly name: string;
  /** What the parameter is for. */
  readonly role: ParameterRole;
  /** The trainable tensor itself. */
  readonly variable: Variable;
}

/**
 * The roles pruned when a configuration does not say otherwise: dense and convolution kernels.
 *
 * @example
 * ```ts
 * import { DEFAULT_PRUNABLE_ROLES } from '@sparse/core';
 *
 * console.log(DEFAULT_PRUNABLE_ROLES.includes('bias')); // false
 * ```
 */
export const DEFAULT_PRUNABLE_ROLES: readonly ParameterRole[] = Object.freeze([
  'dense-kernel',
  'conv-kernel',
]);
