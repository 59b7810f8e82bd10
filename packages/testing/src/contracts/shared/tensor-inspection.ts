import * as tf from '@tensorflow/tfjs-core';

/** Whether a value is a TensorFlow.js tensor (works across copies of tfjs-core). */
export function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/** The values of a tensor as plain numbers. */
export function valuesOf(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync() as ArrayLike<number>);
}

/** Whether two lists hold the same numbers bit for bit (NaN equals NaN). */
export function sameValues(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]) || value === b[index]);
}

/** The coordinates of a flat index in a shape, for messages. */
export function coordinates(index: number, shape: readonly number[]): string {
  const coords: number[] = [];
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dimension = shape[axis] ?? 1;
    coords.unshift(rest % dimension);
    rest = Math.floor(rest / dimension);
  }
  return `[${coords.join(', ')}]`;
}

/** A record of tensors' values, to tell later whether they were changed or disposed. */
export interface TensorSnapshot {
  readonly entries: readonly { readonly label: string; readonly tensor: tf.Tensor; readonly values: readonly number[] }[];
}

/** Records the current values of labelled tensors. */
export function snapshot(tensors: readonly (readonly [string, tf.Tensor])[]): TensorSnapshot {
  return { entries: tensors.map(([label, tensor]) => ({ label, tensor, values: valuesOf(tensor) })) };
}

/** One message per tensor of the snapshot that was disposed or whose values changed. */
export function changesSince(before: TensorSnapshot): string[] {
  const problems: string[] = [];
  for (const { label, tensor, values } of before.entries) {
    if (tensor.isDisposed) problems.push(`${label} was disposed`);
    else if (!sameValues(valuesOf(tensor), values)) problems.push(`${label} was modified`);
  }
  return problems;
}

/**
 * Disposes the tensors of a returned map once each, except any that are also inputs (so that a
 * broken implementation that returns an input does not make the check destroy its own fixture).
 */
export function disposeReturned(returned: unknown, inputs: ReadonlySet<tf.Tensor>): void {
  if (!(returned instanceof Map)) return;
  const seen = new Set<tf.Tensor>();
  for (const value of returned.values() as Iterable<unknown>) {
    if (isTensor(value) && !seen.has(value) && !inputs.has(value) && !value.isDisposed) {
      seen.add(value);
      value.dispose();
    }
  }
}

/** Messages for returned tensors that are inputs, or that appear under two names. */
export function aliasingProblems(returned: ReadonlyMap<string, unknown>, inputs: ReadonlyMap<tf.Tensor, string>, what: string): string[] {
  const problems: string[] = [];
  const owners = new Map<tf.Tensor, string>();
  for (const [name, value] of returned) {
    if (!isTensor(value)) continue;
    const input = inputs.get(value);
    if (input !== undefined) problems.push(`the ${what} for '${name}' is the input tensor ${input}; return a new tensor, the caller disposes it`);
    const owner = owners.get(value);
    if (owner !== undefined) problems.push(`the ${what}s for '${owner}' and '${name}' are the same tensor object; the caller disposes each`);
    owners.set(value, name);
  }
  return problems;
}
