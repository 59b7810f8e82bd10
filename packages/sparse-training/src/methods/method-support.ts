import type { z } from 'zod';
import { SparseError, configErrorFromIssues, optionIssuesFromZod, type DenseMlp, type ErkTensor } from '@sparse/core';
import type { JsonObject } from '@sparse/experiments';
import type { MethodContext, MethodResult } from '../contracts/method.js';

/**
 * The prunable tensors of a dense MLP (its kernels, spec §0), input first, as
 * {@link layerBudgets} takes them.
 *
 * @example
 * ```ts
 * import { createDenseMlp, heNormal } from '@sparse/core';
 * import { kernelTensors } from '@sparse/sparse-training';
 *
 * const model = createDenseMlp({ layerSizes: [784, 300, 100, 10], initializer: heNormal, seed: 0 });
 * console.log(kernelTensors(model)); // [{ name: 'fc1/kernel', shape: [784, 300] }, …]
 * model.dispose();
 * ```
 */
export function kernelTensors(model: DenseMlp): ErkTensor[] {
  return model.denseLayers.map(({ kernel }) => ({ name: kernel.name, shape: [...kernel.variable.shape] }));
}

/**
 * Measured sparsity of a model's kernels: the fraction of exact zeros over all kernels together,
 * and each kernel's density (fraction of nonzeros), from the weights the model holds now.
 *
 * @example
 * ```ts
 * import { createDenseMlp, heNormal } from '@sparse/core';
 * import { measureKernelSparsity } from '@sparse/sparse-training';
 *
 * const model = createDenseMlp({ layerSizes: [4, 3, 2], initializer: heNormal, seed: 0 });
 * console.log(measureKernelSparsity(model)); // { sparsity: 0, layerDensities: { 'fc1/kernel': 1, 'fc2/kernel': 1 } }
 * model.dispose();
 * ```
 */
export function measureKernelSparsity(model: DenseMlp): { sparsity: number; layerDensities: Record<string, number> } {
  const weights = model.read();
  const layerDensities: Record<string, number> = {};
  let zeros = 0;
  let total = 0;
  for (const { kernel } of model.denseLayers) {
    const values = weights.get(kernel.name) as Float32Array;
    let nonzero = 0;
    for (let i = 0; i < values.length; i += 1) nonzero += values[i] === 0 ? 0 : 1;
    layerDensities[kernel.name] = values.length === 0 ? 1 : nonzero / values.length;
    zeros += values.length - nonzero;
    total += values.length;
  }
  return { sparsity: total === 0 ? 0 : zeros / total, layerDensities };
}

/**
 * The target sparsity of a unit of a method that uses one, checked: a number in `(0, 1)`.
 *
 * @throws SparseError `E_CONFIG` (field `sparsities`) otherwise.
 *
 * @example
 * ```ts
 * import { requireSparsity, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const sparsity = requireSparsity(context, 'rigl');
 * ```
 */
export function requireSparsity(context: Pick<MethodContext, 'sparsity'>, method: string): number {
  const s = context.sparsity;
  if (s === undefined || !Number.isFinite(s) || s <= 0 || s >= 1) {
    throw new SparseError('E_CONFIG', `sparsities: the method '${method}' needs a target sparsity in (0, 1) for each unit, got ${String(s)}.`, { field: 'sparsities', received: s, allowed: '(0, 1)' });
  }
  return s;
}

/**
 * A method's options parsed by its zod schema (defaults filled in).
 *
 * @throws SparseError `E_CONFIG` naming the bad option (`methods.rigl.updateEvery`) and what is allowed.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { parseMethodOptions } from '@sparse/sparse-training';
 *
 * const schema = z.strictObject({ rounds: z.int().min(1).default(5) });
 * console.log(parseMethodOptions(schema, {}, 'imp')); // { rounds: 5 }
 * ```
 */
export function parseMethodOptions<S extends z.ZodType>(schema: S, options: unknown, method: string): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, options, ['methods', method], schema));
  return result.data;
}

/**
 * The {@link MethodResult} of a trained model: validation and test accuracy of its current
 * weights, measured kernel sparsity and per-layer densities, and what the method reports.
 *
 * @example
 * ```ts
 * import { methodResult, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const model = context.createModel();
 * const result = methodResult(context, model, { engine: 'fused', curve: [], steps: 0 });
 * model.dispose();
 * ```
 */
export function methodResult(
  context: MethodContext,
  model: DenseMlp,
  run: { readonly engine: string; readonly curve: readonly { readonly epoch: number; readonly validationAccuracy: number }[]; readonly steps: number; readonly details?: JsonObject },
): MethodResult {
  const validation = context.evaluate(model, 'validation');
  const test = context.evaluate(model, 'test');
  const { sparsity, layerDensities } = measureKernelSparsity(model);
  return {
    engine: run.engine,
    validationAccuracy: validation.accuracy,
    testAccuracy: test.accuracy,
    sparsity,
    layerDensities,
    curve: run.curve.map(({ epoch, validationAccuracy }) => ({ epoch, validationAccuracy })),
    steps: run.steps,
    ...(run.details === undefined ? {} : { details: run.details }),
  };
}
