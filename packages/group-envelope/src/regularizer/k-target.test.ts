import { createRuntime, type NamedParameter } from '@sparse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, mlpParameters } from '../../test/support/parameters.js';
import { resolveGroups } from '../groups/resolve-groups.js';
import { resolveTarget } from './k-target.js';

let parameters: NamedParameter[];
beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
  parameters = mlpParameters([784, 512, 256, 10], 1);
});
afterAll(() => disposeAll(parameters));

const groups = () =>
  resolveGroups(
    [
      { kind: 'dense-neurons', kernel: 'fc1/kernel', bias: 'fc1/bias' },
      { kind: 'dense-neurons', kernel: 'fc2/kernel', bias: 'fc2/bias' },
    ],
    parameters,
  );

describe('resolveTarget (spec B.4: k = round((1 − s)·m))', () => {
  it('per layer from a target group sparsity, counts, or per-layer maps', () => {
    expect(resolveTarget({ targetGroupSparsity: 0.75 }, groups())).toEqual({ scope: 'layerwise', perSet: [128, 64] });
    expect(resolveTarget({ targetGroupSparsity: { fc1: 0.5, fc2: 0.9 } }, groups())).toEqual({ scope: 'layerwise', perSet: [256, 26] });
    expect(resolveTarget({ k: { fc1: 100, fc2: 10 } }, groups())).toEqual({ scope: 'layerwise', perSet: [100, 10] });
    expect(resolveTarget({ k: 7 }, groups())).toEqual({ scope: 'layerwise', perSet: [7, 7] });
  });

  it('globally over all groups', () => {
    expect(resolveTarget({ targetGroupSparsity: 0.75, scope: 'global' }, groups())).toEqual({ scope: 'global', k: 192 });
    expect(resolveTarget({ k: 300, scope: 'global' }, groups())).toEqual({ scope: 'global', k: 300 });
  });

  it.each([
    [{}, /exactly one of k/, 'k'],
    [{ k: 3, targetGroupSparsity: 0.5 }, /exactly one of k/, 'targetGroupSparsity'],
    [{ targetGroupSparsity: 1 }, /must be a number in \[0, 1\)/, 'targetGroupSparsity'],
    [{ k: 0 }, /must be an integer ≥ 1/, 'k'],
    [{ k: 300 }, /the set 'fc2' asks to keep 300 groups but has only 256/, 'k.fc2'],
    [{ targetGroupSparsity: 0.999 }, /the set 'fc2' would keep no group/, 'targetGroupSparsity.fc2'],
    [{ k: { fc1: 10 } }, /no entry for the set 'fc2'/, 'k.fc2'],
    [{ k: { fc1: 10, fc2: 5, fc3: 1 } }, /names 'fc3', which is not a set/, 'k.fc3'],
    [{ k: { fc1: 10, fc2: 5 }, scope: 'global' }, /single number/, 'k'],
    [{ k: 5, scope: 'everywhere' }, /scope must be/, 'scope'],
  ])('%j is an E_CONFIG error', (target, message, field) => {
    expect(() => resolveTarget(target as never, groups())).toThrow(expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field }) }));
    expect(() => resolveTarget(target as never, groups())).toThrow(message);
  });
});
