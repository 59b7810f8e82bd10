/**
 * How the weights `d_j` of a set of groups are chosen (see {@link SefOptions}):
 *
 * - `uniform`: `d_j = 1` (the unweighted GSEF of spec B.3; the default);
 * - `sqrt-size`: `d_j = √|G_j|`, the number of elements of the group (the group-lasso habit, for
 *   groups of unequal size);
 * - an array: one weight `> 0` per group, in group order.
 *
 * @example
 * ```ts
 * import type { GroupWeighting } from '@sparse/group-envelope';
 *
 * const bySize: GroupWeighting = 'sqrt-size';
 * const byCost: GroupWeighting = [1, 1, 2, 2]; // e.g. proportional to each group's FLOPs
 * ```
 */
export type GroupWeighting = 'uniform' | 'sqrt-size' | readonly number[];

/** Fields every group specification has. */
interface GroupSpecBase {
  /**
   * The name of the set ("layer") for per-layer `k`, reports and errors. Default: the kernel's
   * name without a trailing `/kernel` (`fc1/kernel` → `fc1`), or the first parameter's name.
   */
  readonly name?: string;
  /** The weights of this set's groups. Default: the regularizer's `weighting` (`uniform`). */
  readonly weighting?: GroupWeighting;
}

/**
 * Output units of a dense layer (neurons): group `j` is `kernel[:, j]` of a `[in, out]` kernel,
 * plus `bias[j]` when `bias` is given, plus the next layer's `outgoing[j, :]` when `outgoing` is
 * given (the "full neuron", its incoming and outgoing weights).
 *
 * @example
 * ```ts
 * import type { DenseNeuronGroups } from '@sparse/group-envelope';
 *
 * const spec: DenseNeuronGroups = { kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' };
 * ```
 */
export interface DenseNeuronGroups extends GroupSpecBase {
  readonly kind: 'dense-neurons';
  /** The dense kernel `[in, out]`. */
  readonly kernel: string;
  /** Its bias `[out]`. */
  readonly bias?: string;
  /** The next dense layer's kernel `[out, next]`, whose row `j` joins group `j`. */
  readonly outgoing?: string;
}

/**
 * Input features of a dense layer: group `i` is `kernel[i, :]`.
 *
 * @example
 * ```ts
 * import type { DenseInputGroups } from '@sparse/group-envelope';
 *
 * const spec: DenseInputGroups = { kind: 'dense-inputs', kernel: 'fc1/kernel' };
 * ```
 */
export interface DenseInputGroups extends GroupSpecBase {
  readonly kind: 'dense-inputs';
  readonly kernel: string;
}

/**
 * Filters of a 2-D convolution: group `o` is `kernel[:, :, :, o]` of a `[kh, kw, cin, cout]`
 * kernel, plus `bias[o]`, plus the consumer's weights of channel `o` when `outgoing` is given: a
 * convolution kernel's `[:, :, o, :]`, or the rows `r` with `r mod cout = o` of a dense kernel
 * after a `Flatten` (channels-last order).
 *
 * @example
 * ```ts
 * import type { ConvFilterGroups } from '@sparse/group-envelope';
 *
 * const spec: ConvFilterGroups = { kind: 'conv-filters', kernel: 'conv1/kernel', bias: 'conv1/bias', outgoing: 'conv2/kernel' };
 * ```
 */
export interface ConvFilterGroups extends GroupSpecBase {
  readonly kind: 'conv-filters';
  readonly kernel: string;
  readonly bias?: string;
  readonly outgoing?: string;
}

/**
 * Input channels of a 2-D convolution: group `c` is `kernel[:, :, c, :]`.
 *
 * @example
 * ```ts
 * import type { ConvChannelGroups } from '@sparse/group-envelope';
 *
 * const spec: ConvChannelGroups = { kind: 'conv-channels', kernel: 'conv2/kernel' };
 * ```
 */
export interface ConvChannelGroups extends GroupSpecBase {
  readonly kind: 'conv-channels';
  readonly kernel: string;
}

/**
 * Filter shapes of a 2-D convolution: group `(i, j, c)` is `kernel[i, j, c, :]` (one kernel
 * position of one input channel across all filters).
 *
 * @example
 * ```ts
 * import type { FilterShapeGroups } from '@sparse/group-envelope';
 *
 * const spec: FilterShapeGroups = { kind: 'filter-shapes', kernel: 'conv1/kernel' };
 * ```
 */
export interface FilterShapeGroups extends GroupSpecBase {
  readonly kind: 'filter-shapes';
  readonly kernel: string;
}

/**
 * Whole tensors: each listed parameter is one group (e.g. a layer on a skip path: "layer depth").
 *
 * @example
 * ```ts
 * import type { TensorGroups } from '@sparse/group-envelope';
 *
 * const spec: TensorGroups = { kind: 'tensors', name: 'blocks', parameters: ['block1/kernel', 'block2/kernel'] };
 * ```
 */
export interface TensorGroups extends GroupSpecBase {
  readonly kind: 'tensors';
  readonly parameters: readonly string[];
}

/**
 * Single parameters: every scalar of the listed tensors is its own group, so `GSEF_k = SEF_k` on
 * the flattened weights (unstructured sparsity).
 *
 * @example
 * ```ts
 * import type { UnstructuredGroups } from '@sparse/group-envelope';
 *
 * const spec: UnstructuredGroups = { kind: 'unstructured', parameters: ['fc1/kernel'] };
 * ```
 */
export interface UnstructuredGroups extends GroupSpecBase {
  readonly kind: 'unstructured';
  readonly parameters: readonly string[];
}

/**
 * Groups listed element by element: each group is a list of (parameter, flat row-major indices).
 *
 * @example
 * ```ts
 * import type { CustomGroups } from '@sparse/group-envelope';
 *
 * const spec: CustomGroups = {
 *   kind: 'custom',
 *   name: 'pairs',
 *   groups: [
 *     [{ parameter: 'w', indices: [0, 1] }],
 *     [{ parameter: 'w', indices: [2, 3] }, { parameter: 'b', indices: [0] }],
 *   ],
 * };
 * ```
 */
export interface CustomGroups extends GroupSpecBase {
  readonly kind: 'custom';
  readonly groups: readonly (readonly { readonly parameter: string; readonly indices: readonly number[] }[])[];
}

/**
 * One set of disjoint groups over named parameters: a layer's neurons, filters, input channels,
 * filter shapes, whole tensors, single scalars or explicit lists. A regularizer takes a list of
 * them; every group of every set must be disjoint from every other and non-empty, or resolving
 * them fails with a `SparseError` naming the set and the group.
 *
 * @example
 * ```ts
 * import type { GroupSpec } from '@sparse/group-envelope';
 *
 * const specs: GroupSpec[] = [
 *   { kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' },
 *   { kind: 'dense-neurons', kernel: 'fc2/kernel', bias: 'fc2/bias' },
 * ];
 * ```
 */
export type GroupSpec =
  | DenseNeuronGroups
  | DenseInputGroups
  | ConvFilterGroups
  | ConvChannelGroups
  | FilterShapeGroups
  | TensorGroups
  | UnstructuredGroups
  | CustomGroups;

/**
 * The kinds of {@link GroupSpec}.
 *
 * @example
 * ```ts
 * import { GROUP_KINDS } from '@sparse/group-envelope';
 *
 * console.log(GROUP_KINDS.includes('conv-filters')); // true
 * ```
 */
export const GROUP_KINDS: readonly GroupSpec['kind'][] = Object.freeze([
  'dense-neurons',
  'dense-inputs',
  'conv-filters',
  'conv-channels',
  'filter-shapes',
  'tensors',
  'unstructured',
  'custom',
]);
