import { deriveSeed } from '@sparse/core';
import type { RunDirectory } from '@sparse/experiments';
import type { ActivationExperimentConfig } from '../config.js';
import type { ActivationData } from '../data.js';
import type { ModelPlan } from '../plan.js';

/** What every unit of a model of one replicate works with. @internal */
export interface UnitEnv {
  readonly config: ActivationExperimentConfig;
  /** The replicate's seed (every draw of its units derives from it). */
  readonly seed: number;
  readonly data: ActivationData;
  readonly run: RunDirectory;
  readonly plan: ModelPlan;
}

/** The initialisation seed of a model (the same for every unit that rebuilds it). @internal */
export function initSeed(env: UnitEnv): number {
  return deriveSeed(env.seed, 'init', env.plan.id);
}

/** `seed-<seed>/<model id>`: where a replicate's model keeps its weights and thresholds in the run. @internal */
export function modelKey(env: UnitEnv): string {
  return `seed-${env.seed}/${env.plan.id}`;
}
