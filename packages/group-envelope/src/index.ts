export type { NumericArray } from './sef/validate.js';
export { sefValue, type SefOptions } from './sef/sef-value.js';
export { sefProx, type SefProxOptions } from './sef/sef-prox.js';
export { sefConjugate } from './sef/sef-conjugate.js';
export { gsefScales, groupLassoScales, groupSefValue, type GroupScaleOptions } from './sef/group-prox.js';

export {
  GROUP_KINDS,
  type GroupSpec,
  type GroupWeighting,
  type DenseNeuronGroups,
  type DenseInputGroups,
  type ConvFilterGroups,
  type ConvChannelGroups,
  type FilterShapeGroups,
  type TensorGroups,
  type UnstructuredGroups,
  type CustomGroups,
} from './groups/group-spec.js';
export type { GroupMember, GroupSet, ResolvedGroups } from './groups/group-layout.js';
export { resolveGroups, type ResolveGroupsOptions } from './groups/resolve-groups.js';
export { outputUnitGroups, type OutputUnitGroupsOptions } from './groups/auto-groups.js';
export type { GroupCompute } from './groups/group-data.js';

export { resolveTarget, type GroupScope, type GroupTarget, type ResolvedTarget } from './regularizer/k-target.js';
export type { GroupSelector, GroupProxEvent, GroupRegularizerOptions } from './regularizer/options.js';
export { GroupProxRegularizer, type SetCount } from './regularizer/group-prox-regularizer.js';
export { GsefRegularizer, gsef, type GsefOptions } from './regularizer/gsef-regularizer.js';
export { GroupLassoRegularizer, groupLasso, type GroupLassoOptions } from './regularizer/group-lasso.js';
export { SefRegularizer, sef, type SefRegularizerOptions } from './regularizer/sef-regularizer.js';

export { keepTopK, type GroupSelection, type SetSelection } from './selection/top-groups.js';
export { selectTopGroups, type SelectTopGroupsOptions } from './selection/select-top-groups.js';

export { groupSpecSchema, groupSelectorSchema } from './options/group-selector-schema.js';
export { gsefOptionsSchema, sefOptionsSchema, groupLassoOptionsSchema } from './options/regularizer-schemas.js';

export { groupEnvelopeConfigSchema, type GroupEnvelopeExperimentConfig } from './experiment/config.js';
export type { GroupEnvelopeMethodResult } from './experiment/method-result.js';
export { groupEnvelopeKind } from './experiment/kind.js';
export { resultsRow, GROUP_ENVELOPE_ENGINE, type GroupEnvelopeResultsRow } from './experiment/results-row.js';
export type { LatencyRecord, ModelLatency } from './experiment/latency.js';
export type { ScalingRow } from './experiment/appendix.js';
export { methodFamily, lambdaOf } from './results/method-family.js';
export { chooseLambdas, TUNING_TOLERANCE, type TuningCandidate, type TuningChoice } from './results/choose-lambda.js';
export { renderGroupEnvelopePage, groupEnvelopeClaims, GROUP_ENVELOPE_PAPER, type GroupEnvelopeData, type GroupEnvelopePageInput } from './results/group-envelope-page.js';

export { groupEnvelopePlugin, GROUP_ENVELOPE_PLUGIN_ID, type GroupEnvelopePluginOptions } from './plugin.js';
export { groupEnvelopePlugin as default } from './plugin.js';
