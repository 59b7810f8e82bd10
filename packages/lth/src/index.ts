export { createMlp, type LthModel, type MlpOptions } from './model/mlp.js';

export { readParameterValues, assignParameterValues, type ParameterValues } from './imp/parameter-values.js';
export { tensorRates, type PruningRates } from './imp/rates.js';
export { pruneMasks, prunePools, pruneCount, remainingFraction, type PruneMasksOptions, type PrunePool, type PruningScope } from './imp/prune-masks.js';
export { scoreParameters } from './imp/scoring.js';
export { shuffleMasks, SHUFFLE_MODES, type ShuffleMode } from './imp/shuffle-masks.js';
export { percentile, percentileMasks } from './imp/percentile-masks.js';
export { impPruneStep, defaultPrunable, mirlPrunable, oneShotPools, type ImpPruneStepOptions, type ImpSelection } from './imp/prune-step.js';
export { runImp, type BranchName, type ImpLevel, type ImpOptions, type ImpResult, type ImpTrainContext } from './imp/run-imp.js';
export type { ImpUnit } from './branches/schedule.js';
export type { InstabilityRun, TrainInstability } from './branches/instability.js';
export { instability, type InstabilityOptions, type InstabilityResult } from './imp/instability.js';

export { earlyStopping, type EarlyStop, type EvalRecord } from './training/early-stopping.js';
export { createEvaluator, type Evaluation, type Evaluator } from './training/evaluator.js';
export { trainRound, type BatchProvider, type RoundCheckpoint, type RoundResult, type TrainRoundOptions } from './training/train-round.js';
export { resolveTrainingEngine } from '@sparse/experiments';

export { lthPlugin, LTH_PLUGIN_ID, type LthPluginOptions } from './plugin.js';
export { lthPlugin as default } from './plugin.js';
export { lthKind } from './experiment/kind.js';
export { lthConfigSchema, type LthExperimentConfig } from './experiment/config.js';
export { validateLthConfig } from './experiment/validate-config.js';
export { checkLthExperiment, type CheckedLthExperiment } from './experiment/check-experiment.js';
export { replicateMemory, checkReplicateMemory } from './experiment/memory.js';
export { planExperiment, predictedRemaining, unitWork, FASHION_MNIST_TRAIN_COUNT, type ExperimentPlan, type PlannedUnit } from './experiment/plan.js';
export { encodeRoundCheckpoint, decodeRoundCheckpoint, valuesToSnapshot, snapshotToValues } from './experiment/checkpoint-codec.js';
export { runReplicate, isInstabilitySummary, type ReplicatePayload, type UnitSummary, type InstabilitySummary, type LthUnitOutput } from './experiment/replicate-job.js';
export { runLthExperiment, type LthExperimentOutcome } from './experiment/run-experiment.js';
export { summarizeLevels, type LevelStats, type Spread } from './report/summarize.js';
export { buildLthReport, resultsTable, lthFindings } from './report/lth-report.js';
export { readLthSummaries, writeLthResults } from './report/write-results.js';
export { parseLthRows, parseInstabilityRows, type LthResultRow } from './results/lth-rows.js';
export { lthClaims, levelComparisons, budgetCapped, percentRemaining, LTH_PAPER, type LthClaim, type LevelComparison, type Compared } from './results/lth-claims.js';
export { renderLthPage, lthSetupText, LTH_RESULT_SETS, comparisonTable, type LthPage, type LthPageData } from './results/lth-page.js';
export { instabilityLevels, rewindComparisons, rewindingClaims, LMC_PAPER, STABLE_BELOW, MATCHING_TOLERANCE, type InstabilityLevel, type RewindComparison, type RewindSet } from './results/rewinding-claims.js';
export { renderRewindingPage, instabilityTable, LTH_REWINDING_SETS, type RewindingPageData } from './results/rewinding-page.js';
export { renderLthResults } from './results/render-all.js';
