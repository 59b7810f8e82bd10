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

export { keepTopK, type GroupSelection, type SetSelection } from './selection/top-groups.js';
export { selectTopGroups, type SelectTopGroupsOptions } from './selection/select-top-groups.js';

export { groupEnvelope, GROUP_ENVELOPE_PLUGIN_ID, type GroupEnvelopePluginOptions } from './plugin.js';
