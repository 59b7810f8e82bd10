import { echoValue, SparseError } from '@sparse/core';

/**
 * A copy of `target` with the value at a dot-separated field path replaced (`"rates.default"`,
 * `"model.layerSizes.1"`): objects along the path are copied, missing object fields are created,
 * a numeric segment indexes an existing array. `target` is not changed.
 *
 * @throws SparseError `E_CONFIG` when the path runs through a value that is neither an object nor
 * an array, or indexes past an array's end; `field` names the path.
 *
 * @example
 * ```ts
 * import { setFieldPath } from '@sparse/sweep';
 *
 * console.log(setFieldPath({ rates: { default: 0.2 } }, 'rates.default', 0.5, 'grid')); // { rates: { default: 0.5 } }
 * ```
 */
export function setFieldPath(target: Readonly<Record<string, unknown>>, path: string, value: unknown, field: string): Record<string, unknown> {
  const segments = path.split('.');
  function set(node: unknown, index: number): unknown {
    const key = segments[index] ?? '';
    const last = index === segments.length - 1;
    if (Array.isArray(node)) {
      const position = /^[0-9]+$/.test(key) ? Number(key) : Number.NaN;
      if (!(position < node.length)) {
        throw new SparseError('E_CONFIG', `${field} "${path}": "${segments.slice(0, index).join('.')}" is a list of ${node.length}; "${key}" is not an index in it (0 to ${node.length - 1}).`, { field, received: path });
      }
      const copy = [...(node as unknown[])];
      copy[position] = last ? value : set(copy[position], index + 1);
      return copy;
    }
    if (typeof node === 'object' && node !== null) {
      const copy: Record<string, unknown> = { ...(node as Record<string, unknown>) };
      copy[key] = last ? value : set(copy[key] ?? {}, index + 1);
      return copy;
    }
    throw new SparseError('E_CONFIG', `${field} "${path}": "${segments.slice(0, index).join('.')}" is ${echoValue(node)}, not an object or a list, so it has no field "${key}".`, { field, received: path });
  }
  return set(target, 0) as Record<string, unknown>;
}

/**
 * The value at a dot-separated field path, or `undefined` when the path does not lead anywhere.
 *
 * @example
 * ```ts
 * import { getFieldPath } from '@sparse/sweep';
 *
 * console.log(getFieldPath({ model: { layerSizes: [784, 300, 10] } }, 'model.layerSizes.1')); // 300
 * ```
 */
export function getFieldPath(target: unknown, path: string): unknown {
  let node = target;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
