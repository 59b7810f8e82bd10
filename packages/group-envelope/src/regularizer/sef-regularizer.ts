import { GsefRegularizer, type GsefOptions } from './gsef-regularizer.js';

/**
 * Options of {@link sef}: those of {@link gsef} without `groups` and `weighting`.
 *
 * @example
 * ```ts
 * import type { SefRegularizerOptions } from '@sparse/group-envelope';
 *
 * const options: SefRegularizerOptions = { lambda: 0.5, targetGroupSparsity: 0.9, warmupSteps: 100 };
 * ```
 */
export type SefRegularizerOptions = Omit<GsefOptions, 'groups' | 'weighting'>;

/**
 * The sparse envelope `SEF_k` as a proximal step on single weights: {@link GsefRegularizer} with
 * every scalar of every dense and convolution kernel as its own group, one set per kernel
 * (`groups: 'unstructured'`), so `k` counts the weights each kernel keeps (unstructured
 * sparsity). Registered as `sef` by {@link groupEnvelopePlugin}.
 *
 * @example
 * ```ts
 * import { SefRegularizer, sef } from '@sparse/group-envelope';
 *
 * const regularizer = sef({ lambda: 0.5, targetGroupSparsity: 0.9 });
 * console.log(regularizer instanceof SefRegularizer, regularizer.name); // true 'sef'
 * ```
 */
export class SefRegularizer extends GsefRegularizer {
  override readonly name: string = 'sef';

  constructor(options: SefRegularizerOptions) {
    super({ ...options, groups: 'unstructured' });
  }
}

/**
 * Creates a {@link SefRegularizer}; options are checked at once (`SparseError` `E_CONFIG`).
 *
 * @example
 * ```ts
 * import { sef } from '@sparse/group-envelope';
 * import type { NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * const regularizer = sef({ lambda: 0.5, k: 1000, warmupSteps: 200 });
 * const binding = regularizer.bind(parameters); // for train({ regularizers: [binding] })
 * ```
 */
export function sef(options: SefRegularizerOptions): SefRegularizer {
  return new SefRegularizer(options);
}
