import { deriveSeed } from '@sparse/core';
import { createBatchLoader, type BatchLoader } from '@sparse/datasets';
import { trainingSplit, type ExperimentData } from '../experiment/data.js';
import { createSetEvaluator, type SetEvaluator } from '../experiment/evaluator.js';
import type { PretrainedMasksConfig } from './config.js';

/**
 * One replicate's data: the pretraining loader (`batchSize`), the search loader
 * (`search.batchSize`), both over the same training images, and evaluators of the validation split
 * and the test set.
 */
export interface PretrainedReplicate {
  readonly pretrain: BatchLoader;
  readonly search: BatchLoader;
  readonly validation: SetEvaluator;
  readonly test: SetEvaluator;
  readonly trainCount: number;
  dispose(): void;
}

/**
 * A replicate's split and batch orders, from its seed: `validation-split`, `data-order` (pretraining)
 * and `search-order` (the searches and the fine-tune).
 */
export function pretrainedReplicate(data: ExperimentData, config: Pick<PretrainedMasksConfig, 'validationSize' | 'trainSize' | 'batchSize' | 'search'>, seed: number): PretrainedReplicate {
  const { fit, validation } = trainingSplit(data, config, seed);
  const pretrain = createBatchLoader(fit, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  const search = createBatchLoader(fit, { batchSize: config.search.batchSize, seed: deriveSeed(seed, 'search-order') });
  const validationEvaluator = createSetEvaluator(validation);
  const testEvaluator = createSetEvaluator(data.test);
  return {
    pretrain,
    search,
    validation: validationEvaluator,
    test: testEvaluator,
    trainCount: fit.count,
    dispose() {
      pretrain.dispose();
      search.dispose();
      validationEvaluator.dispose();
      testEvaluator.dispose();
    },
  };
}
