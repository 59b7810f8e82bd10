import { echoValue, SparseError, type NamedParameter } from '@sparse/core';
import type { GroupCompute } from '../groups/group-data.js';
import { GROUP_KINDS, type GroupSpec, type GroupWeighting } from '../groups/group-spec.js';

/**
 * Which groups a regularizer acts on: explicit {@link GroupSpec}s, or a shortcut resolved against
 * the parameters it is given:
 *
 * - `output-units`: the neurons / filters of every kernel but the last, each with its bias
 *   ({@link outputUnitGroups});
 * - `unstructured`: every scalar of every dense and conv kernel, one set per kernel (GSEF = SEF).
 *
 * @example
 * ```ts
 * import type { GroupSelector } from '@sparse/group-envelope';
 *
 * const neurons: GroupSelector = 'output-units';
 * const explicit: GroupSelector = [{ kind: 'conv-channels', kernel: 'conv2/kernel' }];
 * ```
 */
export type GroupSelector = 'output-units' | 'unstructured' | readonly GroupSpec[];

/**
 * What a proximal step reports through `onStep`: the step, the strength `τ = η·λ` used, and for
 * each set how many of its groups are nonzero afterwards.
 *
 * @example
 * ```ts
 * import type { GroupProxEvent } from '@sparse/group-envelope';
 *
 * const log = (e: GroupProxEvent) => console.log(e.step, e.sets.map((s) => `${s.name} ${s.nonzero}/${s.groups}`).join(' '));
 * ```
 */
export interface GroupProxEvent {
  readonly step: number;
  /** The prox strength `τ = learningRate · λ(step)`. */
  readonly strength: number;
  readonly sets: readonly { readonly name: string; readonly groups: number; readonly nonzero: number }[];
}

/**
 * Options shared by {@link gsef} and {@link groupLasso}.
 *
 * @example
 * ```ts
 * import type { GroupRegularizerOptions } from '@sparse/group-envelope';
 *
 * const options: GroupRegularizerOptions = { groups: 'output-units', lambda: 1e-2, warmupSteps: 500 };
 * ```
 */
export interface GroupRegularizerOptions {
  /** The groups. Default `output-units`. */
  readonly groups?: GroupSelector;
  /**
   * The regularisation weight `λ ≥ 0`, or a function of the step (a ramp, say). Each proximal
   * step uses `τ = learningRate · λ(step)`.
   */
  readonly lambda: number | ((step: number) => number);
  /** Steps without the prox at the start (warm-up). Default `0`. */
  readonly warmupSteps?: number;
  /** The first step without the prox (e.g. where the hard selection happens). Default: never. */
  readonly endStep?: number;
  /** Where norms and scaling run (see {@link GroupCompute}). Default `backend`. */
  readonly compute?: GroupCompute;
  /** Weighting of sets that do not choose their own: `uniform` (default) or `sqrt-size`. */
  readonly weighting?: Exclude<GroupWeighting, readonly number[]>;
  /** Called after every proximal step with the nonzero groups per set. */
  readonly onStep?: (event: GroupProxEvent) => void;
}

/** The option keys of {@link GroupRegularizerOptions}. */
export const BASE_OPTION_KEYS: readonly string[] = ['groups', 'lambda', 'warmupSteps', 'endStep', 'compute', 'weighting', 'onStep'];

/** Checks options once, at construction. */
export function checkBaseOptions(options: GroupRegularizerOptions, caller: string, allowedKeys: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SparseError('E_CONFIG', `${caller}: expected an options object such as { lambda: 1e-3, groups: 'output-units' }.`, { field: 'options', received: options });
  }
  for (const key of Object.keys(options)) {
    if (!allowedKeys.includes(key)) {
      throw new SparseError('E_CONFIG', `${caller}: unknown option '${key}'; allowed: ${allowedKeys.join(', ')}.`, { field: key, allowed: allowedKeys });
    }
  }
  const { lambda, warmupSteps, endStep, compute, weighting, groups, onStep } = options;
  if (typeof lambda !== 'function' && !(typeof lambda === 'number' && Number.isFinite(lambda) && lambda >= 0)) {
    throw new SparseError('E_CONFIG', `${caller}: lambda must be a finite number ≥ 0 or a function of the step; got ${echoValue(lambda)}.`, {
      field: 'lambda',
      received: lambda,
      allowed: 'a finite number ≥ 0',
    });
  }
  for (const [field, value] of [['warmupSteps', warmupSteps], ['endStep', endStep]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      throw new SparseError('E_CONFIG', `${caller}: ${field} must be an integer ≥ 0; got ${echoValue(value)}.`, { field, received: value, allowed: 'an integer ≥ 0' });
    }
  }
  if (compute !== undefined && compute !== 'host' && compute !== 'backend') {
    throw new SparseError('E_CONFIG', `${caller}: compute must be 'host' or 'backend'; got ${echoValue(compute)}.`, {
      field: 'compute',
      received: compute,
      allowed: ['host', 'backend'],
    });
  }
  if (weighting !== undefined && weighting !== 'uniform' && weighting !== 'sqrt-size') {
    throw new SparseError('E_CONFIG', `${caller}: weighting must be 'uniform' or 'sqrt-size' (per-group arrays go in a group specification); got ${echoValue(weighting)}.`, {
      field: 'weighting',
      received: weighting,
      allowed: ['uniform', 'sqrt-size'],
    });
  }
  if (onStep !== undefined && typeof onStep !== 'function') {
    throw new SparseError('E_CONFIG', `${caller}: onStep must be a function.`, { field: 'onStep', received: typeof onStep });
  }
  if (groups !== undefined && groups !== 'output-units' && groups !== 'unstructured') {
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new SparseError('E_CONFIG', `${caller}: groups must be 'output-units', 'unstructured' or a non-empty array of group specifications.`, {
        field: 'groups',
        received: groups,
        allowed: ['output-units', 'unstructured', 'GroupSpec[]'],
      });
    }
    (groups as readonly GroupSpec[]).forEach((spec, i) => {
      if (typeof spec !== 'object' || spec === null || !GROUP_KINDS.includes(spec.kind)) {
        throw new SparseError('E_CONFIG', `${caller}: groups[${i}].kind must be one of ${GROUP_KINDS.join(', ')}; got ${echoValue((spec as { kind?: unknown } | null)?.kind)}.`, {
          field: `groups[${i}].kind`,
          received: (spec as { kind?: unknown } | null)?.kind,
          allowed: GROUP_KINDS,
        });
      }
    });
  }
}

/** The specifications a selector stands for, given the parameters. */
export function specsOf(selector: GroupSelector, parameters: readonly NamedParameter[], outputUnits: (p: readonly NamedParameter[]) => GroupSpec[]): readonly GroupSpec[] {
  if (selector === 'output-units') {
    const specs = outputUnits(parameters);
    if (specs.length === 0) {
      throw new SparseError('E_CONFIG', "groups 'output-units' found no kernel to group: it needs at least two dense or conv kernels among the parameters (the last one's units are the outputs and stay).", {
        field: 'groups',
        received: parameters.map((p) => p.name),
      });
    }
    return specs;
  }
  if (selector === 'unstructured') {
    const kernels = parameters.filter((p) => p.role === 'dense-kernel' || p.role === 'conv-kernel');
    if (kernels.length === 0) {
      throw new SparseError('E_CONFIG', "groups 'unstructured' found no dense or conv kernel among the parameters.", { field: 'groups' });
    }
    return kernels.map((p) => ({ kind: 'unstructured' as const, name: p.name.replace(/\/kernel$/, ''), parameters: [p.name] }));
  }
  return selector;
}
