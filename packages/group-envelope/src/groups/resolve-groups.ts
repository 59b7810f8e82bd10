import { echoValue, SparseError, type NamedParameter } from '@sparse/core';
import type { GroupMember, GroupSet, ResolvedGroups } from './group-layout.js';
import { GROUP_KINDS, type GroupSpec, type GroupWeighting } from './group-spec.js';

/**
 * Options of {@link resolveGroups}.
 *
 * @example
 * ```ts
 * import type { ResolveGroupsOptions } from '@sparse/group-envelope';
 *
 * const options: ResolveGroupsOptions = { weighting: 'sqrt-size' };
 * ```
 */
export interface ResolveGroupsOptions {
  /** The weighting of sets that do not choose their own. Default `uniform`. */
  readonly weighting?: GroupWeighting;
  /** The field path used in error messages. Default `groups`. */
  readonly field?: string;
}

const identity = (length: number, offset = 0): Int32Array => {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = offset + i;
  return out;
};

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Resolves group specifications against parameters and checks them before any training starts:
 * every named parameter exists with a fitting shape, every group is non-empty, every custom index
 * is in range, set names are unique, and no element belongs to two groups (groups overlapping
 * breaks the exact prox). A "full neuron" (`outgoing`) of one layer and the neurons of the next
 * layer overlap on the next kernel, for example.
 *
 * @param specs - the sets of groups.
 * @param parameters - the parameters they refer to by name.
 * @throws SparseError `E_CONFIG` naming the set (`groups[i]`), the field and the group at fault.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { resolveGroups } from '@sparse/group-envelope';
 *
 * const parameters = [
 *   { name: 'fc1/kernel', role: 'dense-kernel' as const, variable: tf.variable(tf.zeros([784, 512])) },
 *   { name: 'fc1/bias', role: 'bias' as const, variable: tf.variable(tf.zeros([512])) },
 * ];
 * const { sets } = resolveGroups([{ kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' }], parameters);
 * console.log(sets[0]?.name, sets[0]?.count, sets[0]?.sizes[0]); // 'fc1' 512 785
 * ```
 */
export function resolveGroups(specs: readonly GroupSpec[], parameters: readonly NamedParameter[], options: ResolveGroupsOptions = {}): ResolvedGroups {
  const field = options.field ?? 'groups';
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new SparseError('E_CONFIG', `${field} must be a non-empty array of group specifications (kinds: ${GROUP_KINDS.join(', ')}).`, {
      field,
      received: specs,
      allowed: GROUP_KINDS,
    });
  }
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const owners = new Map<string, Int32Array>();
  const labels: { readonly offset: number; readonly name: string }[] = [];
  const sets: GroupSet[] = [];
  const names = new Set<string>();
  let offset = 0;
  specs.forEach((spec, index) => {
    const path = `${field}[${index}]`;
    const set = resolveOne(spec, path, byName, options.weighting ?? 'uniform');
    if (names.has(set.name)) {
      throw new SparseError('E_CONFIG', `${path}: a set named '${set.name}' already exists; give each set a unique name.`, {
        field: `${path}.name`,
        received: set.name,
      });
    }
    names.add(set.name);
    claimElements(set, path, offset, owners, labels);
    offset += set.count;
    sets.push(set);
  });
  const used = new Set<NamedParameter>();
  for (const set of sets) for (const member of set.members) used.add(member.parameter);
  return { sets, totalGroups: offset, parameters: [...used] };
}

function resolveOne(spec: GroupSpec, path: string, byName: ReadonlyMap<string, NamedParameter>, defaultWeighting: GroupWeighting): GroupSet {
  if (typeof spec !== 'object' || spec === null || !(GROUP_KINDS as readonly unknown[]).includes((spec as { kind?: unknown }).kind)) {
    throw new SparseError('E_CONFIG', `${path}.kind must be one of ${GROUP_KINDS.join(', ')}; got ${echoValue((spec as { kind?: unknown } | null)?.kind)}.`, {
      field: `${path}.kind`,
      received: (spec as { kind?: unknown } | null)?.kind,
      allowed: GROUP_KINDS,
    });
  }
  const lookup = (name: unknown, key: string): NamedParameter => {
    if (typeof name !== 'string' || name === '') {
      throw new SparseError('E_CONFIG', `${path}.${key} must be a parameter name; got ${echoValue(name)}.`, { field: `${path}.${key}`, received: name });
    }
    const parameter = byName.get(name);
    if (parameter === undefined) {
      const known = [...byName.keys()];
      throw new SparseError(
        'E_CONFIG',
        `${path}.${key}: no parameter named '${name}' among the ${known.length} given (${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}). ` +
          'Biases and next-layer kernels must be among the parameters the regularizer sees: bind it with regularizer.bind(parameters).',
        { field: `${path}.${key}`, received: name, allowed: known },
      );
    }
    return parameter;
  };
  const shapeError = (key: string, parameter: NamedParameter, expected: string): SparseError =>
    new SparseError('E_CONFIG', `${path}.${key}: '${parameter.name}' has shape [${parameter.variable.shape.join(', ')}], expected ${expected}.`, {
      field: `${path}.${key}`,
      received: parameter.variable.shape,
      allowed: expected,
    });
  const baseName = (name: string): string => name.replace(/\/kernel$/, '');
  const members: GroupMember[] = [];
  let count = 0;
  let name: string;

  switch (spec.kind) {
    case 'dense-neurons':
    case 'dense-inputs': {
      const kernel = lookup(spec.kernel, 'kernel');
      const [inputs, outputs] = kernel.variable.shape;
      if (kernel.variable.shape.length !== 2 || inputs === undefined || outputs === undefined) throw shapeError('kernel', kernel, 'a dense kernel [in, out]');
      name = spec.name ?? baseName(kernel.name);
      if (spec.kind === 'dense-inputs') {
        count = inputs;
        members.push({ parameter: kernel, outer: 1, axis: inputs, inner: outputs, groupOf: identity(inputs) });
        break;
      }
      count = outputs;
      members.push({ parameter: kernel, outer: inputs, axis: outputs, inner: 1, groupOf: identity(outputs) });
      addBias(spec.bias, outputs);
      if (spec.outgoing !== undefined) {
        const next = lookup(spec.outgoing, 'outgoing');
        const [rows, columns] = next.variable.shape;
        if (next.variable.shape.length !== 2 || rows !== outputs || columns === undefined) throw shapeError('outgoing', next, `a dense kernel [${outputs}, next]`);
        members.push({ parameter: next, outer: 1, axis: outputs, inner: columns, groupOf: identity(outputs) });
      }
      break;
    }
    case 'conv-filters':
    case 'conv-channels':
    case 'filter-shapes': {
      const kernel = lookup(spec.kernel, 'kernel');
      const shape = kernel.variable.shape;
      if (shape.length !== 4) throw shapeError('kernel', kernel, 'a conv kernel [kh, kw, cin, cout]');
      const [kh = 0, kw = 0, cin = 0, cout = 0] = shape;
      name = spec.name ?? baseName(kernel.name);
      if (spec.kind === 'conv-channels') {
        count = cin;
        members.push({ parameter: kernel, outer: kh * kw, axis: cin, inner: cout, groupOf: identity(cin) });
        break;
      }
      if (spec.kind === 'filter-shapes') {
        count = kh * kw * cin;
        members.push({ parameter: kernel, outer: 1, axis: count, inner: cout, groupOf: identity(count) });
        break;
      }
      count = cout;
      members.push({ parameter: kernel, outer: kh * kw * cin, axis: cout, inner: 1, groupOf: identity(cout) });
      addBias(spec.bias, cout);
      if (spec.outgoing !== undefined) {
        const next = lookup(spec.outgoing, 'outgoing');
        const nextShape = next.variable.shape;
        if (nextShape.length === 4 && nextShape[2] === cout) {
          const [nh = 0, nw = 0, , nout = 0] = nextShape;
          members.push({ parameter: next, outer: nh * nw, axis: cout, inner: nout, groupOf: identity(cout) });
        } else if (nextShape.length === 2 && cout > 0 && (nextShape[0] ?? 0) % cout === 0) {
          const [rows = 0, columns = 0] = nextShape;
          members.push({ parameter: next, outer: rows / cout, axis: cout, inner: columns, groupOf: identity(cout) });
        } else {
          throw shapeError('outgoing', next, `a conv kernel [kh, kw, ${cout}, cout'] or a dense kernel whose rows are a multiple of ${cout} (after Flatten)`);
        }
      }
      break;
    }
    case 'tensors': {
      const list = parameterList(spec.parameters);
      name = spec.name ?? list[0]?.name ?? 'tensors';
      list.forEach((parameter, g) => {
        members.push({ parameter, outer: 1, axis: 1, inner: product(parameter.variable.shape), groupOf: Int32Array.of(g) });
      });
      count = list.length;
      break;
    }
    case 'unstructured': {
      const list = parameterList(spec.parameters);
      name = spec.name ?? list[0]?.name ?? 'unstructured';
      for (const parameter of list) {
        const size = product(parameter.variable.shape);
        members.push({ parameter, outer: 1, axis: size, inner: 1, groupOf: identity(size, count) });
        count += size;
      }
      break;
    }
    case 'custom': {
      name = spec.name ?? path;
      if (!Array.isArray(spec.groups) || spec.groups.length === 0) {
        throw new SparseError('E_CONFIG', `${path}.groups must be a non-empty array of groups, each a list of { parameter, indices }.`, {
          field: `${path}.groups`,
          received: spec.groups,
        });
      }
      const maps = new Map<NamedParameter, Int32Array>();
      spec.groups.forEach((group, g) => {
        if (!Array.isArray(group)) {
          throw new SparseError('E_CONFIG', `${path}.groups[${g}] must be an array of { parameter, indices }.`, { field: `${path}.groups[${g}]`, received: group });
        }
        group.forEach((part, p) => {
          const parameter = lookup(part?.parameter, `groups[${g}][${p}].parameter`);
          const size = product(parameter.variable.shape);
          let map = maps.get(parameter);
          if (map === undefined) {
            map = new Int32Array(size).fill(-1);
            maps.set(parameter, map);
          }
          const indices: unknown = part.indices;
          if (!Array.isArray(indices)) {
            throw new SparseError('E_CONFIG', `${path}.groups[${g}][${p}].indices must be an array of flat indices into '${parameter.name}'.`, {
              field: `${path}.groups[${g}][${p}].indices`,
              received: indices,
            });
          }
          for (const index of indices as unknown[]) {
            if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= size) {
              throw new SparseError(
                'E_CONFIG',
                `${path}.groups[${g}][${p}].indices: ${String(index)} is out of range for '${parameter.name}' (${size} elements; allowed 0 … ${size - 1}).`,
                { field: `${path}.groups[${g}][${p}].indices`, received: index, allowed: `integers in [0, ${size - 1}]` },
              );
            }
            const previous = map[index] as number;
            if (previous !== -1) {
              throw new SparseError(
                'E_CONFIG',
                `${path}: groups overlap: element ${index} of '${parameter.name}' is in group ${previous} and in group ${g}; groups must be disjoint.`,
                { field: `${path}.groups[${g}]`, received: index },
              );
            }
            map[index] = g;
          }
        });
      });
      for (const [parameter, map] of maps) members.push({ parameter, outer: 1, axis: map.length, inner: 1, groupOf: map });
      count = spec.groups.length;
      break;
    }
  }

  const sizes = new Float64Array(count);
  for (const member of members) {
    const perIndex = member.outer * member.inner;
    for (let a = 0; a < member.axis; a++) {
      const g = member.groupOf[a] as number;
      if (g >= 0) sizes[g] = (sizes[g] as number) + perIndex;
    }
  }
  if (count === 0) {
    throw new SparseError('E_CONFIG', `${path} ('${name}') defines no group: its tensors have no element along the grouped axis.`, { field: path });
  }
  const empty = sizes.findIndex((size) => size === 0);
  if (empty >= 0) {
    throw new SparseError('E_CONFIG', `${path} ('${name}'): group ${empty} is empty; every group needs at least one element.`, {
      field: path,
      received: empty,
    });
  }
  const weights = resolveWeights(spec.weighting ?? defaultWeighting, sizes, `${path}.weighting`);
  return { name, kind: spec.kind, count, members, sizes, weights };

  function addBias(biasName: string | undefined, units: number): void {
    if (biasName === undefined) return;
    const bias = lookup(biasName, 'bias');
    if (bias.variable.shape.length !== 1 || bias.variable.shape[0] !== units) throw shapeError('bias', bias, `a bias [${units}]`);
    members.push({ parameter: bias, outer: 1, axis: units, inner: 1, groupOf: identity(units) });
  }

  function parameterList(list: unknown): NamedParameter[] {
    if (!Array.isArray(list) || list.length === 0) {
      throw new SparseError('E_CONFIG', `${path}.parameters must be a non-empty array of parameter names.`, { field: `${path}.parameters`, received: list });
    }
    const seen = new Set<string>();
    return (list as unknown[]).map((entry, i) => {
      const parameter = lookup(entry, `parameters[${i}]`);
      if (seen.has(parameter.name)) {
        throw new SparseError('E_CONFIG', `${path}.parameters lists '${parameter.name}' twice; groups must be disjoint.`, {
          field: `${path}.parameters[${i}]`,
          received: parameter.name,
        });
      }
      seen.add(parameter.name);
      return parameter;
    });
  }
}

function resolveWeights(weighting: GroupWeighting, sizes: Float64Array, field: string): Float64Array | undefined {
  if (weighting === 'uniform') return undefined;
  if (weighting === 'sqrt-size') return sizes.map(Math.sqrt);
  if (!Array.isArray(weighting)) {
    throw new SparseError('E_CONFIG', `${field} must be 'uniform', 'sqrt-size' or an array of one weight > 0 per group; got ${echoValue(weighting)}.`, {
      field,
      received: weighting,
      allowed: ['uniform', 'sqrt-size', 'number[]'],
    });
  }
  if (weighting.length !== sizes.length) {
    throw new SparseError('E_CONFIG', `${field} has ${weighting.length} weights but the set has ${sizes.length} groups.`, {
      field,
      received: weighting.length,
      allowed: `${sizes.length} weights`,
    });
  }
  const weights = Float64Array.from(weighting as readonly number[]);
  const bad = weights.findIndex((w) => !(Number.isFinite(w) && w > 0));
  if (bad >= 0) {
    throw new SparseError('E_CONFIG', `${field}[${bad}] is ${String(weighting[bad])}; every weight must be finite and > 0.`, {
      field: `${field}[${bad}]`,
      received: weighting[bad],
      allowed: 'finite numbers > 0',
    });
  }
  return weights;
}

/** Marks every element of the set's groups, failing on the first element already claimed. */
function claimElements(
  set: GroupSet,
  path: string,
  offset: number,
  owners: Map<string, Int32Array>,
  labels: { readonly offset: number; readonly name: string }[],
): void {
  labels.push({ offset, name: set.name });
  const label = (id: number): string => {
    const owner = labels.findLast((entry) => entry.offset <= id);
    return owner === undefined ? 'another group' : `group ${id - owner.offset} of '${owner.name}'`;
  };
  for (const member of set.members) {
    const { parameter, outer, axis, inner, groupOf } = member;
    let owner = owners.get(parameter.name);
    if (owner === undefined) {
      owner = new Int32Array(outer * axis * inner);
      owners.set(parameter.name, owner);
    }
    for (let o = 0; o < outer; o++) {
      for (let a = 0; a < axis; a++) {
        const g = groupOf[a] as number;
        if (g < 0) continue;
        const base = (o * axis + a) * inner;
        for (let i = 0; i < inner; i++) {
          const previous = owner[base + i] as number;
          if (previous !== 0) {
            throw new SparseError(
              'E_CONFIG',
              `${path}: groups overlap: element ${base + i} of '${parameter.name}' is in ${label(previous - 1)} and in group ${g} of '${set.name}'; groups must be disjoint (e.g. a layer's "outgoing" weights are the next layer's neurons).`,
              { field: path, received: parameter.name },
            );
          }
          owner[base + i] = offset + g + 1;
        }
      }
    }
  }
}
