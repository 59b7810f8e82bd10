import { echoValue, SparseError, deriveSeed } from '@sparse/core';
import type { DeltaPruneOptions } from '../options/delta-prune-options.js';
import { resolveDeltaPruneOptions } from '../options/delta-prune-options.js';
import { sparsifyDeltas, type NamedArrays } from '../tensors/prune-deltas.js';
import type { DeltaPruneReport } from '../report/delta-report.js';

/**
 * One fine-tuned model to merge: its parameters, its weight, and the seed of its drops.
 *
 * @example
 * ```ts
 * import type { MergeInput } from '@sparse/delta';
 *
 * declare const math: Map<string, Float32Array>;
 * const input: MergeInput = { finetuned: math, weight: 0.5, seed: 3 };
 * ```
 */
export interface MergeInput {
  readonly finetuned: NamedArrays;
  /** Its weight `w_t`; default 1. */
  readonly weight?: number;
  /** Seed of its drops; default `deriveSeed(options.seed, 'merge', String(index))`. */
  readonly seed?: number;
}

/**
 * Options of {@link mergeModels}.
 *
 * @example
 * ```ts
 * import type { MergeOptions } from '@sparse/delta';
 *
 * declare const base: Map<string, Float32Array>, a: Map<string, Float32Array>, b: Map<string, Float32Array>;
 * const dareTies: MergeOptions = { base, models: [{ finetuned: a }, { finetuned: b }], method: 'ties', sparsify: { rate: 0.9 } };
 * ```
 */
export interface MergeOptions {
  readonly base: NamedArrays;
  readonly models: readonly MergeInput[];
  /** `task-arithmetic`: sum the weighted deltas; `ties`: elect a sign per entry and keep only agreeing deltas. */
  readonly method: 'task-arithmetic' | 'ties';
  /**
   * How each model's delta is pruned before merging (`seed` is per model, see {@link MergeInput}):
   * DARE `{ rate: 0.9 }`, TIES's trim `{ rate: 0.8, method: 'magnitude' }`, … Default: not pruned.
   */
  readonly sparsify?: Omit<DeltaPruneOptions, 'seed'>;
  /** TIES sign election: `sum` of the weighted deltas (TIES paper, default) or `count` of their signs. */
  readonly consensus?: 'sum' | 'count';
  /**
   * Divide the merged delta by the sum of the weights that contributed to each entry (TIES: of the
   * agreeing models). Default `true` for `ties`, `false` for `task-arithmetic` (as mergekit).
   */
  readonly normalize?: boolean;
  /** `λ`, multiplies the merged delta; default 1. */
  readonly scale?: number;
  /** Seed the per-model seeds derive from; default 0. */
  readonly seed?: number;
}

/**
 * What {@link mergeModels} returns: the merged parameters and, when deltas were pruned, one
 * report per model.
 *
 * @example
 * ```ts
 * import { mergeModels, type MergeResult } from '@sparse/delta';
 *
 * declare const base: Map<string, Float32Array>, a: Map<string, Float32Array>;
 * const result: MergeResult = await mergeModels({ base, models: [{ finetuned: a }], method: 'task-arithmetic' });
 * console.log(result.tensors.size);
 * ```
 */
export interface MergeResult {
  readonly tensors: Map<string, Float32Array>;
  readonly reports: readonly DeltaPruneReport[];
}

function mergeError(message: string, field: string, received?: unknown): SparseError {
  return new SparseError('E_CONFIG', `mergeModels: ${message}`, { field, ...(received === undefined ? {} : { received }) });
}

/**
 * Merges several models fine-tuned from the same base (spec D.1 "merging use"): each model's
 * delta `δ_t = θ_t − θ_base` is optionally pruned (DARE, DAREx-q, magnitude: `sparsify`) and
 * weighted by `w_t`, then
 *
 * - `task-arithmetic`: `θ = θ_base + λ·Σ_t w_t δ̃_t` (divided by `Σ_t w_t` with `normalize`);
 * - `ties`: per entry, the elected sign is that of `Σ_t w_t δ̃_t` (`consensus: 'sum'`) or of
 *   `Σ_t sign(w_t δ̃_t)` (`count`), `+` on a tie; only the deltas of that sign (zeros never)
 *   are summed, and with `normalize` (default) divided by the sum of their weights:
 *   `θ = θ_base + λ·Σ_agree w_t δ̃_t / Σ_agree w_t`.
 *
 * With `sparsify: { rate: p }` these are mergekit's `dare_linear` and `dare_ties`, except that the
 * rescale is explicit (`'dare'` by default here, `'l1'` for mergekit's `rescale: true`) and every
 * model's drops are seeded. Every tensor of the base must be in every model with the same length.
 *
 * @example
 * ```ts
 * import { mergeModels } from '@sparse/delta';
 *
 * declare const base: Map<string, Float32Array>, math: Map<string, Float32Array>, code: Map<string, Float32Array>;
 * const { tensors } = await mergeModels({
 *   base,
 *   models: [{ finetuned: math, weight: 1 }, { finetuned: code, weight: 1 }],
 *   method: 'ties',
 *   sparsify: { rate: 0.9, exclude: [] }, // DARE-TIES
 *   seed: 0,
 * });
 * ```
 */
export async function mergeModels(options: MergeOptions): Promise<MergeResult> {
  const { base, models, method } = options;
  if (method !== 'task-arithmetic' && method !== 'ties') throw mergeError(`method must be 'task-arithmetic' or 'ties'; got ${echoValue(method)}.`, 'method', method);
  if (!Array.isArray(models) || models.length === 0) throw mergeError('models must be a non-empty array of { finetuned, weight?, seed? }.', 'models');
  const consensus = options.consensus ?? 'sum';
  if (consensus !== 'sum' && consensus !== 'count') throw mergeError(`consensus must be 'sum' or 'count'; got ${echoValue(consensus)}.`, 'consensus', consensus);
  const normalize = options.normalize ?? method === 'ties';
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale)) throw mergeError(`scale must be a finite number; got ${scale}.`, 'scale', scale);
  const runSeed = options.seed ?? 0;
  const weights = models.map((model, index) => {
    const weight = model.weight ?? 1;
    if (!Number.isFinite(weight)) throw mergeError(`models[${index}].weight must be a finite number; got ${weight}.`, `models[${index}].weight`, weight);
    return weight;
  });
  if (options.sparsify !== undefined) resolveDeltaPruneOptions({ ...options.sparsify, seed: 0 });
  for (const [index, model] of models.entries()) {
    for (const [name, values] of base) {
      const other = model.finetuned.get(name);
      if (other === undefined || other.length !== values.length) {
        throw new SparseError('E_ARGUMENT', `mergeModels: models[${index}] ${other === undefined ? 'lacks' : `has another length (${other.length}) for`} tensor '${name}' (base: ${values.length} entries).`, {
          field: `models[${index}].finetuned`,
          received: name,
        });
      }
    }
  }

  const deltas: Map<string, Float32Array>[] = [];
  const reports: DeltaPruneReport[] = [];
  for (const [index, model] of models.entries()) {
    const delta = new Map<string, Float32Array>();
    for (const [name, values] of base) {
      const tuned = model.finetuned.get(name) as Float32Array;
      const d = new Float32Array(values.length);
      for (let i = 0; i < d.length; i++) d[i] = (tuned[i] as number) - (values[i] as number);
      delta.set(name, d);
    }
    if (options.sparsify === undefined) deltas.push(delta);
    else {
      const seed = model.seed ?? deriveSeed(runSeed, 'merge', String(index));
      const { tensors, report } = await sparsifyDeltas(delta, { ...options.sparsify, seed });
      deltas.push(tensors);
      reports.push(report);
    }
  }

  const merged = new Map<string, Float32Array>();
  for (const [name, values] of base) {
    const out = new Float32Array(values.length);
    const parts = deltas.map((delta) => delta.get(name) as Float32Array);
    for (let i = 0; i < out.length; i++) {
      let mixed = 0;
      let divisor = 0;
      if (method === 'task-arithmetic') {
        for (let t = 0; t < parts.length; t++) {
          mixed += (weights[t] as number) * ((parts[t] as Float32Array)[i] as number);
          divisor += weights[t] as number;
        }
        if (Math.abs(divisor) < 1e-8) divisor = 1;
      } else {
        let election = 0;
        for (let t = 0; t < parts.length; t++) {
          const weighted = (weights[t] as number) * ((parts[t] as Float32Array)[i] as number);
          election += consensus === 'sum' ? weighted : Math.sign(weighted);
        }
        const sign = election >= 0 ? 1 : -1;
        for (let t = 0; t < parts.length; t++) {
          const weighted = (weights[t] as number) * ((parts[t] as Float32Array)[i] as number);
          if (Math.sign(weighted) === sign) {
            mixed += weighted;
            divisor += weights[t] as number;
          }
        }
        if (divisor === 0) divisor = 1;
      }
      out[i] = (values[i] as number) + scale * (normalize ? mixed / divisor : mixed);
    }
    merged.set(name, out);
  }
  return { tensors: merged, reports };
}
