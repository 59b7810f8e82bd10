import { SparseError, type MaskSet, type NamedParameter, type Regularizer, type RegularizerBinding, type StepContext } from '@sparse/core';
import { outputUnitGroups } from '../groups/auto-groups.js';
import { GroupData, type GroupCompute } from '../groups/group-data.js';
import type { ResolvedGroups } from '../groups/group-layout.js';
import { resolveGroups } from '../groups/resolve-groups.js';
import { specsOf, type GroupProxEvent, type GroupRegularizerOptions } from './options.js';

/**
 * Nonzero groups of one set.
 *
 * @example
 * ```ts
 * import type { SetCount } from '@sparse/group-envelope';
 *
 * const fraction = (c: SetCount) => c.nonzero / c.groups;
 * ```
 */
export interface SetCount {
  readonly name: string;
  readonly groups: number;
  readonly nonzero: number;
}

/**
 * The machinery shared by {@link GsefRegularizer} and {@link GroupLassoRegularizer}: resolving the
 * groups against the parameters (once per parameter list), the warm-up and end step, the
 * strength `τ = η·λ(step)`, norms and scaling on the host or the backend, and the `onStep` report.
 * Subclasses give the per-group factors of their prox.
 *
 * @example
 * ```ts
 * import { gsef, type GroupProxRegularizer } from '@sparse/group-envelope';
 *
 * const regularizer: GroupProxRegularizer = gsef({ lambda: 1e-2, targetGroupSparsity: 0.75 });
 * ```
 */
export abstract class GroupProxRegularizer<State = unknown> implements Regularizer {
  abstract readonly name: string;
  /** Where norms and scaling run. */
  readonly compute: GroupCompute;
  private readonly cache = new WeakMap<readonly NamedParameter[], { readonly resolved: ResolvedGroups; readonly state: State }>();

  protected constructor(protected readonly baseOptions: GroupRegularizerOptions) {
    this.compute = baseOptions.compute ?? 'backend';
  }

  /**
   * Resolves and checks the groups against `parameters` (cached per array), so configuration
   * errors surface before training. Also checks what the subclass needs (e.g. `k`).
   *
   * @throws SparseError `E_CONFIG` naming the bad group, set or value.
   */
  resolve(parameters: readonly NamedParameter[]): ResolvedGroups {
    return this.resolveWithState(parameters).resolved;
  }

  /** {@link resolve} with the subclass's prepared state. */
  protected resolveWithState(parameters: readonly NamedParameter[]): { readonly resolved: ResolvedGroups; readonly state: State } {
    let entry = this.cache.get(parameters);
    if (entry === undefined) {
      const specs = specsOf(this.baseOptions.groups ?? 'output-units', parameters, (p) => outputUnitGroups(p));
      const resolved = resolveGroups(specs, parameters, { weighting: this.baseOptions.weighting ?? 'uniform' });
      entry = { resolved, state: this.prepare(resolved) };
      this.cache.set(parameters, entry);
    }
    return entry;
  }

  /**
   * Checks the groups against `parameters` now and returns a binding for `train` or `withMasks`:
   * the regularizer sees exactly these parameters (include the biases and next-layer kernels your
   * groups name; a bare regularizer only sees the kernels).
   *
   * @throws SparseError `E_CONFIG` when a group does not fit the parameters.
   */
  bind(parameters: readonly NamedParameter[]): RegularizerBinding {
    this.resolve(parameters);
    return { regularizer: this, parameters };
  }

  /** The Euclidean norm of every group, per set (downloads the grouped tensors). */
  groupNorms(parameters: readonly NamedParameter[]): Float64Array[] {
    const resolved = this.resolve(parameters);
    const data = new GroupData(this.compute);
    return resolved.sets.map((set) => data.squaredNorms(set, new Float64Array(set.count)).map(Math.sqrt));
  }

  /** How many groups of each set are nonzero. */
  nonzeroGroups(parameters: readonly NamedParameter[]): SetCount[] {
    const resolved = this.resolve(parameters);
    return this.groupNorms(parameters).map((norms, s) => ({
      name: resolved.sets[s]?.name ?? '',
      groups: norms.length,
      nonzero: norms.reduce((count, u) => count + (u > 0 ? 1 : 0), 0),
    }));
  }

  /**
   * The proximal step: for steps in `[warmupSteps, endStep)` and `τ = learningRate·λ(step) > 0`,
   * replaces the grouped weights by the prox of `τ·penalty` at their current value.
   *
   * @throws SparseError `E_ARGUMENT` when the step context has no learning rate.
   */
  proximalStep(parameters: readonly NamedParameter[], context: StepContext, _masks: MaskSet): void {
    const { step } = context;
    if (step < (this.baseOptions.warmupSteps ?? 0)) return;
    const { endStep } = this.baseOptions;
    if (endStep !== undefined && step >= endStep) return;
    const { learningRate } = context;
    if (learningRate === undefined) {
      throw new SparseError('E_ARGUMENT', `${this.name}: the step context has no learningRate; give train() or withMasks() a learningRate (the prox strength is learningRate × lambda).`, {
        field: 'learningRate',
      });
    }
    const lambda = typeof this.baseOptions.lambda === 'function' ? this.baseOptions.lambda(step) : this.baseOptions.lambda;
    if (!(Number.isFinite(lambda) && lambda >= 0)) {
      throw new SparseError('E_CONFIG', `${this.name}: lambda(${step}) returned ${String(lambda)}; it must be a finite number ≥ 0.`, { field: 'lambda', received: lambda });
    }
    const strength = learningRate * lambda;
    if (strength === 0) return;
    const { resolved, state } = this.resolveWithState(parameters);
    const data = new GroupData(this.compute);
    const norms = resolved.sets.map((set) => data.squaredNorms(set, new Float64Array(set.count)).map(Math.sqrt));
    const scales = this.scales(resolved, state, norms, strength);
    resolved.sets.forEach((set, s) => data.scale(set, scales[s] ?? new Float64Array(set.count).fill(1)));
    data.commit();
    const { onStep } = this.baseOptions;
    if (onStep !== undefined) {
      const sets = resolved.sets.map((set, s) => {
        const u = norms[s] ?? new Float64Array(0);
        const f = scales[s] ?? new Float64Array(0);
        let nonzero = 0;
        for (let j = 0; j < set.count; j++) if ((u[j] as number) > 0 && (f[j] as number) > 0) nonzero += 1;
        return { name: set.name, groups: set.count, nonzero };
      });
      const event: GroupProxEvent = { step, strength, sets };
      onStep(event);
    }
  }

  /** Checks what the subclass needs of the resolved groups (called once per parameter list). */
  protected abstract prepare(resolved: ResolvedGroups): State;

  /** The factor of each group of each set for the prox of `strength · penalty`. */
  protected abstract scales(resolved: ResolvedGroups, state: State, norms: readonly Float64Array[], strength: number): Float64Array[];
}
