import { refName, type ImplementationRef, type SparseRuntime } from '@sparse/core';
import type { SparseTrainingMethod } from '../contracts/method.js';
import { SparseTrainingMethods } from '../tokens.js';
import type { SparseTrainingExperimentConfig } from './config.js';

/** One method of the comparison, built through the runtime. */
export interface PlannedMethod {
  /** Its name in tables and unit ids: the method's label, `-2`, `-3`… when repeated. */
  readonly label: string;
  readonly ref: ImplementationRef;
  readonly method: SparseTrainingMethod;
  /** The config field that names it (`methods[1]`). */
  readonly field: string;
}

/** One unit of the run directory: a method trained from one seed at one sparsity (or none). */
export interface PlannedUnit {
  readonly id: string;
  readonly seed: number;
  readonly sparsity: number | undefined;
  readonly planned: PlannedMethod;
}

/** The config's methods, built by the runtime (options checked), with unique labels. */
export function planMethods(config: Pick<SparseTrainingExperimentConfig, 'methods'>, runtime: SparseRuntime): PlannedMethod[] {
  const seen = new Map<string, number>();
  return config.methods.map((ref, index) => {
    const field = `methods[${index}]`;
    const method = runtime.resolve(SparseTrainingMethods, ref, field);
    const base = method.label || refName(ref);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { label: count === 1 ? base : `${base}-${count}`, ref, method, field };
  });
}

const idPart = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_');

/** Every unit: seed after seed, method after method, sparsity after sparsity for methods that use one. */
export function planUnits(config: Pick<SparseTrainingExperimentConfig, 'seeds' | 'sparsities'>, methods: readonly PlannedMethod[]): PlannedUnit[] {
  return config.seeds.flatMap((seed) =>
    methods.flatMap((planned): PlannedUnit[] =>
      planned.method.usesSparsity
        ? config.sparsities.map((sparsity) => ({ id: `seed-${seed}/${idPart(planned.label)}/s${sparsity}`, seed, sparsity, planned }))
        : [{ id: `seed-${seed}/${idPart(planned.label)}`, seed, sparsity: undefined, planned }],
    ),
  );
}
