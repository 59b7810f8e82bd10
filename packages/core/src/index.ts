export { SparseError, isSparseError, type SparseErrorCode, type SparseErrorDetails } from './errors.js';
export { createToken, type Token } from './token.js';
export { Scorers, Pruners, Schedules, Regularizers, CoreTokens } from './tokens.js';

export type { NamedParameter, ParameterRole } from './contracts/parameter.js';
export { DEFAULT_PRUNABLE_ROLES } from './contracts/parameter.js';
export type { MaskSet, ScoreSet } from './contracts/mask.js';
export type { StepContext } from './contracts/step-context.js';
export type { Batch, LossFunction } from './contracts/batch.js';
export type { Scorer, ScoringInput } from './contracts/scorer.js';
export type { SparsityScope, SparsityTarget } from './contracts/sparsity-target.js';
export type { Pruner, PruneRequest } from './contracts/pruner.js';
export type { Schedule } from './contracts/schedule.js';
export type { Regularizer } from './contracts/regularizer.js';

export { defineImplementationKind, type ImplementationFactory, type ImplementationKind } from './runtime/implementation-kind.js';
export type { CatalogEntry } from './runtime/catalog-entry.js';
export { definePlugin, provideImplementation, type PluginRegistry, type SparsePlugin } from './runtime/plugin.js';
export { createRuntime, type RuntimeOptions, type SparseRuntime } from './runtime/create-runtime.js';

export type { BackendProvider } from './backends/backend-provider.js';
export { cpuBackend, cpuBackendProvider, CPU_BACKEND_PLUGIN_ID } from './backends/cpu-backend.js';
export {
  selectBackend,
  type BackendAttempt,
  type BackendRequestSource,
  type BackendSelection,
} from './backends/select-backend.js';
