import type { ImplementationRef } from '@sparse/core';
import { methodFamily } from '../results/method-family.js';
import type { GroupEnvelopeExperimentConfig } from './config.js';

/** One method of the comparison: the dense baseline (no ref) or a regularizer. */
export interface PlannedMethod {
  /** Its name in tables, plots and unit ids: the regularizer's name (with a non-uniform `weighting`: `gsef-sqrt-size`), `-2`, `-3`… when repeated. */
  readonly label: string;
  /** The regularizer ref; absent for the dense baseline. */
  readonly ref?: ImplementationRef;
  /** The config field that names it (`methods[1]`), for errors. */
  readonly field?: string;
}

/** One unit of the run directory: a method trained from one seed. */
export interface PlannedUnit {
  readonly id: string;
  readonly seed: number;
  readonly method: PlannedMethod;
  /** Epochs it trains (training plus fine-tune). */
  readonly epochs: number;
}

/** The methods of a config, dense first, with unique labels. */
export function planMethods(config: Pick<GroupEnvelopeExperimentConfig, 'dense' | 'methods'>): PlannedMethod[] {
  const methods: PlannedMethod[] = config.dense ? [{ label: 'dense' }] : [];
  const seen = new Map<string, number>(config.dense ? [['dense', 1]] : []);
  config.methods.forEach((ref, index) => {
    const name = methodFamily(ref);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    methods.push({ label: count === 1 ? name : `${name}-${count}`, ref, field: `methods[${index}]` });
  });
  return methods;
}

/** The units of a run: every method for every seed, seed after seed. */
export function planUnits(config: Pick<GroupEnvelopeExperimentConfig, 'dense' | 'methods' | 'seeds' | 'epochs' | 'fineTuneEpochs'>): PlannedUnit[] {
  const methods = planMethods(config);
  return config.seeds.flatMap((seed) =>
    methods.map((method) => ({
      id: `seed-${seed}/${method.label.replace(/[^A-Za-z0-9._-]/g, '_')}`,
      seed,
      method,
      epochs: config.epochs + (method.ref === undefined ? 0 : config.fineTuneEpochs),
    })),
  );
}
