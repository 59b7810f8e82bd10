import type { NamedParameter } from '@sparse/core';
import type { GroupSpec } from './group-spec.js';

/**
 * Options of {@link outputUnitGroups}.
 *
 * @example
 * ```ts
 * import type { OutputUnitGroupsOptions } from '@sparse/group-envelope';
 *
 * const options: OutputUnitGroupsOptions = { includeLast: false, bias: true };
 * ```
 */
export interface OutputUnitGroupsOptions {
  /** Also group the last kernel's units (usually the logits, which must stay). Default `false`. */
  readonly includeLast?: boolean;
  /** Put `<layer>/bias` in its unit's group when it is among the parameters. Default `true`. */
  readonly bias?: boolean;
}

/**
 * Group specifications for the output units of every dense and convolution kernel among
 * `parameters` (named `<layer>/kernel`, as `@sparse/layers` names them), in order: a dense
 * kernel's neurons (`dense-neurons`) and a convolution's filters (`conv-filters`), each with its
 * `<layer>/bias` when that is among the parameters. The last kernel is left out unless
 * `includeLast`: its units are the model's outputs.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { outputUnitGroups } from '@sparse/group-envelope';
 *
 * const p = (name: string, role: 'dense-kernel' | 'bias', shape: number[]) => ({ name, role, variable: tf.variable(tf.zeros(shape)) });
 * const parameters = [p('fc1/kernel', 'dense-kernel', [784, 512]), p('fc1/bias', 'bias', [512]), p('fc2/kernel', 'dense-kernel', [512, 10])];
 * console.log(outputUnitGroups(parameters));
 * // [{ kind: 'dense-neurons', name: 'fc1', kernel: 'fc1/kernel', bias: 'fc1/bias' }]
 * ```
 */
export function outputUnitGroups(parameters: readonly NamedParameter[], options: OutputUnitGroupsOptions = {}): GroupSpec[] {
  const names = new Map(parameters.map((p) => [p.name, p]));
  const kernels = parameters.filter((p) => p.role === 'dense-kernel' || p.role === 'conv-kernel');
  const chosen = options.includeLast === true ? kernels : kernels.slice(0, -1);
  return chosen.map((kernel): GroupSpec => {
    const name = kernel.name.replace(/\/kernel$/, '');
    const units = kernel.variable.shape[kernel.variable.shape.length - 1];
    const bias = names.get(`${name}/bias`);
    const withBias = options.bias !== false && bias !== undefined && bias.variable.shape.length === 1 && bias.variable.shape[0] === units;
    const kind = kernel.role === 'dense-kernel' ? 'dense-neurons' : 'conv-filters';
    return withBias ? { kind, name, kernel: kernel.name, bias: `${name}/bias` } : { kind, name, kernel: kernel.name };
  });
}
