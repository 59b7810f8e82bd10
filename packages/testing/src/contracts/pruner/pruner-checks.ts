import { echoValue } from '@sparse/core';
import type { MaskSet, Pruner } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import type { ContractCheck } from '../shared/contract-check.js';
import { aliasingProblems, changesSince, coordinates, isTensor, sameValues, snapshot, valuesOf } from '../shared/tensor-inspection.js';
import type { PrunerContractOptions } from './pruner-contract-options.js';
import { countConstraints } from './pruning-scenarios.js';
import { forEachScenario, withPrunedMasks, type PreparedScenario } from './pruning-session.js';

type PrunerCheck = ContractCheck<Pruner, PrunerContractOptions>;

/** The values of each parameter's mask; a parameter without a mask is dense (all ones). */
function maskValues(masks: MaskSet, prepared: PreparedScenario): Map<string, number[]> {
  return new Map(
    prepared.request.parameters.map((p) => {
      const mask = masks.get(p.name);
      return [p.name, isTensor(mask) ? valuesOf(mask) : new Array<number>(p.variable.size).fill(1)] as const;
    }),
  );
}

const zeros = (values: readonly number[]): number => values.filter((value) => value === 0).length;

const binaryMasksCheck: PrunerCheck = {
  name: "returns binary float32 masks of each parameter's shape",
  run: (factory, options) =>
    forEachScenario(options, (prepared) =>
      withPrunedMasks(factory(), prepared, (masks: unknown) => {
        if (!(masks instanceof Map)) return [`prune() must return a Map of tensors, got ${Object.prototype.toString.call(masks)}`];
        const problems: string[] = [];
        const parameters = new Map(prepared.request.parameters.map((p) => [p.name, p] as const));
        for (const [name, mask] of masks as Map<unknown, unknown>) {
          const parameter = parameters.get(name as string);
          if (parameter === undefined) problems.push(`mask for unknown parameter ${echoValue(name)}`);
          else if (!isTensor(mask)) problems.push(`mask of '${parameter.name}' is not a tensor`);
          else if (mask.dtype !== 'float32') problems.push(`mask of '${parameter.name}' is ${mask.dtype}, expected float32`);
          else if (mask.shape.join(',') !== parameter.variable.shape.join(',')) {
            problems.push(`mask of '${parameter.name}' has shape [${mask.shape.join(', ')}], expected [${parameter.variable.shape.join(', ')}]`);
          } else {
            const values = valuesOf(mask);
            const bad = values.findIndex((value) => value !== 0 && value !== 1);
            if (bad >= 0) problems.push(`mask of '${parameter.name}' holds ${values[bad]} at ${coordinates(bad, mask.shape)}, expected only 0 and 1`);
          }
        }
        return problems;
      }),
    ),
};

const sparsityCheck: PrunerCheck = {
  name: 'reaches the target sparsity exactly (within one weight per tensor)',
  skip: (_pruner, options) => (options.exactCount === false ? 'options.exactCount is false (a structured pattern)' : undefined),
  run: (factory, options) =>
    forEachScenario(options, (prepared) => {
      const before = maskValues(prepared.request.masks, prepared);
      const tensors = prepared.request.parameters.map((p) => ({ name: p.name, size: p.variable.size, zeros: zeros(before.get(p.name) ?? []) }));
      return withPrunedMasks(factory(), prepared, (masks) => {
        const after = maskValues(masks, prepared);
        return countConstraints(prepared.request.target, tensors).flatMap(({ tensors: names, wanted, tolerance, rule }) => {
          const pruned = names.reduce((sum, name) => sum + zeros(after.get(name) ?? []), 0);
          const size = tensors.filter((t) => names.includes(t.name)).reduce((sum, t) => sum + t.size, 0);
          const which = names.length === 1 ? `'${names[0] ?? ''}'` : `${names.map((n) => `'${n}'`).join(' + ')}`;
          return Math.abs(pruned - wanted) <= tolerance ? [] : [`${which}: ${pruned} of ${size} weights pruned, ${rule} wants ${wanted.toFixed(2)} ± ${tolerance}`];
        });
      });
    }),
};

const monotoneCheck: PrunerCheck = {
  name: 'never revives pruned weights',
  run: (factory, options) =>
    forEachScenario(options, (prepared) => {
      if (prepared.request.masks.size === 0) return Promise.resolve([]);
      const before = maskValues(prepared.request.masks, prepared);
      return withPrunedMasks(factory(), prepared, (masks) => {
        const after = maskValues(masks, prepared);
        return prepared.request.parameters.flatMap((p) => {
          const old = before.get(p.name) ?? [];
          const revived = (after.get(p.name) ?? []).flatMap((value, i) => (old[i] === 0 && value !== 0 ? [i] : []));
          const first = revived[0];
          return first === undefined ? [] : [`'${p.name}' revives ${revived.length} pruned weight(s), e.g. at ${coordinates(first, p.variable.shape)}`];
        });
      });
    }),
};

const idempotenceCheck: PrunerCheck = {
  name: 'is idempotent: pruning again with its own masks changes nothing',
  run: (factory, options) =>
    forEachScenario(options, (prepared) => {
      if (prepared.request.target.basis === 'remaining') return Promise.resolve([]);
      const pruner = factory();
      return withPrunedMasks(pruner, prepared, async (first) => {
        const again: PreparedScenario = { ...prepared, request: { ...prepared.request, masks: first }, inputs: withMasks(prepared.inputs, first) };
        const firstValues = maskValues(first, prepared);
        return withPrunedMasks(pruner, again, (second) => {
          const secondValues = maskValues(second, prepared);
          return prepared.request.parameters.flatMap((p) =>
            sameValues(secondValues.get(p.name) ?? [], firstValues.get(p.name) ?? []) ? [] : [`a second pruning changes the mask of '${p.name}'`],
          );
        });
      });
    }),
};

const inputsCheck: PrunerCheck = {
  name: 'does not modify or dispose its inputs, and returns new tensors',
  run: (factory, options) =>
    forEachScenario(options, (prepared) => {
      const before = snapshot([...prepared.inputs].map(([tensor, label]) => [label, tensor] as const));
      return withPrunedMasks(factory(), prepared, (masks) => [...aliasingProblems(masks, prepared.inputs, 'mask'), ...changesSince(before)]);
    }),
};

const leakCheck: PrunerCheck = {
  name: 'leaks no tensors',
  run: (factory, options) =>
    forEachScenario(options, async (prepared) => {
      const before = tf.memory().numTensors;
      await withPrunedMasks(factory(), prepared, () => undefined);
      const leaked = tf.memory().numTensors - before;
      return leaked === 0 ? [] : [`${leaked} tensor(s) remain allocated after disposing the returned masks`];
    }),
};

function withMasks(inputs: ReadonlyMap<tf.Tensor, string>, masks: MaskSet): Map<tf.Tensor, string> {
  return new Map([...inputs, ...[...masks].map(([name, mask]) => [mask, `mask '${name}'`] as const)]);
}

/** The checks of the pruner contract, in the order they run. */
export const PRUNER_CHECKS: readonly PrunerCheck[] = [binaryMasksCheck, sparsityCheck, monotoneCheck, idempotenceCheck, inputsCheck, leakCheck];
