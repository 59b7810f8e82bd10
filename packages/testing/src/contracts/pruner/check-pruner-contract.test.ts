import { createRuntime, type Pruner, type PruneRequest } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { exactCountPruner, failedChecks } from '../../../test/support/reference-implementations.js';
import { checkPrunerContract, describePrunerContract } from './check-pruner-contract.js';

await createRuntime({ backend: 'cpu' });

describePrunerContract('exact-count (reference)', exactCountPruner);

const REVIVES = 'never revives pruned weights';
const SPARSITY = 'reaches the target sparsity exactly (within one weight per tensor)';
const IDEMPOTENT = 'is idempotent: pruning again with its own masks changes nothing';
const INPUTS = 'does not modify or dispose its inputs, and returns new tensors';
const BINARY = "returns binary float32 masks of each parameter's shape";
const LEAKS = 'leaks no tensors';

/** A pruner that runs the reference on a rewritten request, or rewrites its result. */
const around = (prune: (request: PruneRequest, reference: Pruner) => ReturnType<Pruner['prune']>): (() => Pruner) => () => {
  const reference = exactCountPruner();
  return { name: 'broken', prune: (request) => prune(request, reference) };
};

describe('checkPrunerContract', () => {
  beforeAll(async () => {
    await createRuntime({ backend: 'cpu' });
  });

  it('finds nothing wrong with the exact-count reference, whatever the seed, and leaks nothing itself', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const before = tf.memory().numTensors;
        expect(await checkPrunerContract(exactCountPruner, { seed })).toEqual([]);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 3 },
    );
  });

  it('catches a pruner that revives pruned weights', async () => {
    const reviving = around((request, reference) => reference.prune({ ...request, masks: new Map() }));
    expect(failedChecks(await checkPrunerContract(reviving, { scopes: ['layerwise', 'global', 'erk'], bases: ['total'] }))).toEqual([REVIVES]);
    const violations = await checkPrunerContract(reviving);
    expect(failedChecks(violations)).toEqual([REVIVES, SPARSITY].sort());
    expect(violations.find((v) => v.check === REVIVES)?.message).toMatch(/^layerwise 75% over existing 30% masks on the highest scores: 'conv\/kernel' revives \d+ pruned weight\(s\), e\.g\. at \[/);
  });

  it('catches a threshold pruner that over-prunes ties', async () => {
    const threshold = (): Pruner => ({
      name: 'threshold',
      prune: ({ parameters, scores, target }) =>
        new Map(
          parameters.map((p) => {
            const values = Array.from(scores.get(p.name)?.dataSync() ?? []).sort((a, b) => a - b);
            const cut = values[Math.round(target.sparsity * values.length) - 1] ?? -Infinity;
            return [p.name, tf.tidy(() => tf.cast(tf.greater(scores.get(p.name) ?? p.variable, cut), 'float32'))];
          }),
        ),
    });
    const violations = await checkPrunerContract(threshold, { scopes: ['layerwise'] });
    expect(failedChecks(violations)).toContain(SPARSITY);
    expect(violations.map((v) => v.message).join('\n')).toMatch(/all scores equal: 'conv\/kernel': 54 of 54 weights pruned, layerwise 0\.5 wants 27\.00 ± 1/);
  });

  it('catches a pruner that keeps pruning what remains (not idempotent)', async () => {
    const greedy = around((request, reference) => {
      const remaining = request.masks.size === 0 ? 0 : 0.5;
      return reference.prune({ ...request, target: { ...request.target, sparsity: Math.min(1, request.target.sparsity + remaining * (1 - request.target.sparsity)) } });
    });
    expect(failedChecks(await checkPrunerContract(greedy, { bases: ['total'] }))).toEqual([SPARSITY, IDEMPOTENT].sort());
  });

  it('catches non-binary masks, masks for unknown parameters, and a leak', async () => {
    const halves = around(async (request, reference) => {
      const masks = await reference.prune(request);
      return new Map([...masks].map(([name, mask]) => [name, tf.tidy(() => tf.mul(mask, 0.5))]));
    });
    expect(failedChecks(await checkPrunerContract(halves))).toEqual(expect.arrayContaining([BINARY, LEAKS]));
    const extra = around(async (request, reference) => new Map([...(await reference.prune(request)), ['ghost', tf.ones([1])]]));
    expect((await checkPrunerContract(extra)).map((v) => v.message)).toContain('layerwise 50%, random scores: mask for unknown parameter "ghost"');
  });

  it('catches a pruner that modifies its scores through dataSync, disposes a mask, or returns an input mask', async () => {
    const scribbling = around((request, reference) => {
      for (const score of request.scores.values()) (score.dataSync() as Float32Array).fill(0);
      return reference.prune(request);
    });
    expect((await checkPrunerContract(scribbling, { scopes: ['global'] })).map((v) => v.message)).toContain("global 50%, random scores: score 'conv/kernel' was modified");
    const disposing = around(async (request, reference) => {
      const masks = await reference.prune(request);
      for (const mask of request.masks.values()) mask.dispose();
      return masks;
    });
    expect(failedChecks(await checkPrunerContract(disposing))).toContain(INPUTS);
    const aliasing = around(async (request, reference) => {
      const masks = new Map(await reference.prune(request));
      for (const [name, mask] of request.masks) {
        masks.get(name)?.dispose();
        masks.set(name, mask);
      }
      return masks;
    });
    expect((await checkPrunerContract(aliasing)).map((v) => v.message).join('\n')).toMatch(/the mask for 'conv\/kernel' is the input tensor mask 'conv\/kernel'/);
  });

  it('runs only the scopes a pruner supports', async () => {
    const layerwiseOnly = around((request, reference) => {
      if (request.target.scope !== 'layerwise') throw new Error('global is not supported');
      return reference.prune(request);
    });
    expect(await checkPrunerContract(layerwiseOnly, { scopes: ['layerwise'] })).toEqual([]);
    expect((await checkPrunerContract(layerwiseOnly))[0]?.message).toBe('threw: global is not supported');
    await expect(checkPrunerContract(exactCountPruner, { scopes: ['blockwise' as never] })).rejects.toMatchObject({ code: 'E_ARGUMENT' });
  });
});
