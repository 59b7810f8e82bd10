import { deriveSeed } from '@sparse/core';
import type { RunDirectory } from '@sparse/experiments';
import type { ActivationExperimentConfig } from '../config.js';
import type { ActivationData } from '../data.js';
import type { ModelPlan } from '../plan.js';

/** What every unit of a model works with. @internal */
export interface UnitEnv {
  readonly config: ActivationExperimentConfig;
  readonly data: ActivationData;
  readonly run: RunDirectory;
  readonly plan: ModelPlan;
}

/** The initialisation seed of a model (the same for every unit that rebuilds it). @internal */
export function initSeed(env: UnitEnv): number {
  return deriveSeed(env.config.seed, 'init', env.plan.id);
}
