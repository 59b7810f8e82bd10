import type { SparsityScope, SparsityTarget } from '@sparse/core';

/** How the scores of a scenario are drawn. */
export type ScoreKind = 'random' | 'ties' | 'constant';

/** What a target's sparsity is a fraction of. */
export type SparsityBasis = 'total' | 'remaining';

/** One pruning request the contract runs: a target, the kind of scores, existing masks. */
export interface PruningScenario {
  readonly label: string;
  readonly target: SparsityTarget;
  readonly scores: ScoreKind;
  /**
   * Existing masks pruning this fraction of every tensor, chosen among its highest scores so a
   * pruner that re-ranks pruned weights would revive them.
   */
  readonly existing?: number;
}

/**
 * The scenarios of one scope: plain, ties, equal scores, existing masks, 0 and 100%, overrides
 * of one tensor (which leave the shared budget), and with `basis: 'remaining'` (layerwise and
 * global only) a step over existing masks.
 */
export function scenariosFor(scope: SparsityScope, names: readonly string[], bases: readonly SparsityBasis[]): PruningScenario[] {
  const [first = '', , third = first] = names;
  const target = (sparsity: number, extra: Partial<SparsityTarget> = {}): SparsityTarget => ({ sparsity, scope, ...extra });
  const scenarios: PruningScenario[] = [];
  if (bases.includes('total')) {
    scenarios.push(
      { label: `${scope} 50%, random scores`, target: target(0.5), scores: 'random' },
      { label: `${scope} 37%, random scores`, target: target(0.37), scores: 'random' },
      { label: `${scope} 60%, many tied scores`, target: target(0.6), scores: 'ties' },
      { label: `${scope} 50%, all scores equal`, target: target(0.5), scores: 'constant' },
      { label: `${scope} 75% over existing 30% masks on the highest scores`, target: target(0.75), scores: 'random', existing: 0.3 },
      { label: `${scope} 0%`, target: target(0), scores: 'random' },
      { label: `${scope} 100%`, target: target(1), scores: 'random' },
      { label: `${scope} 40% with '${first}' at 80% and '${third}' at 10%`, target: target(0.4, { perParameter: { [first]: 0.8, [third]: 0.1 } }), scores: 'random' },
    );
  }
  if (bases.includes('remaining') && (scope === 'layerwise' || scope === 'global')) {
    scenarios.push({ label: `${scope} 50% of the remaining weights over existing 30% masks`, target: target(0.5, { basis: 'remaining' }), scores: 'random', existing: 0.3 });
  }
  return scenarios;
}

/** A count the pruned weights of some tensors must reach. */
export interface CountConstraint {
  readonly tensors: readonly string[];
  readonly wanted: number;
  readonly tolerance: number;
  readonly rule: string;
}

/** What the contract knows about one tensor before the pruning step. */
export interface TensorBefore {
  readonly name: string;
  readonly size: number;
  readonly zeros: number;
}

/**
 * The exact-count rule of every scope. A named tensor (`perParameter`) reaches its own sparsity
 * and leaves the shared budget. `layerwise`: each other tensor within one weight; `global`: the
 * pool of the others within one weight; `erk`: that pool within one weight per tensor (ERK
 * rounds per tensor); `custom`: the others keep their zeros. `remaining` counts the fraction of
 * the weights still alive, on top of the existing zeros. Pruned weights stay pruned, so a count
 * below the existing zeros means the existing zeros. At 100%, a pool may keep one weight per
 * tensor alive (a layer-collapse guard).
 */
export function countConstraints(target: SparsityTarget, tensors: readonly TensorBefore[]): CountConstraint[] {
  const remaining = target.basis === 'remaining';
  const wanted = (rate: number, size: number, zeros: number): number => (remaining ? zeros + rate * (size - zeros) : Math.max(rate * size, zeros));
  const named = tensors.filter((t) => target.perParameter?.[t.name] !== undefined);
  const pool = tensors.filter((t) => target.perParameter?.[t.name] === undefined);
  const constraints: CountConstraint[] = named.map((t) => ({
    tensors: [t.name],
    wanted: wanted(target.perParameter?.[t.name] ?? 0, t.size, t.zeros),
    tolerance: 1,
    rule: `its perParameter sparsity ${target.perParameter?.[t.name] ?? 0}`,
  }));
  if (target.scope === 'layerwise' || target.scope === 'custom') {
    for (const t of pool) {
      constraints.push(
        target.scope === 'custom'
          ? { tensors: [t.name], wanted: t.zeros, tolerance: 0, rule: 'custom scope: not named, so not pruned' }
          : { tensors: [t.name], wanted: wanted(target.sparsity, t.size, t.zeros), tolerance: 1, rule: `layerwise ${target.sparsity}` },
      );
    }
  } else if (pool.length > 0) {
    const size = pool.reduce((sum, t) => sum + t.size, 0);
    const zeros = pool.reduce((sum, t) => sum + t.zeros, 0);
    const perTensor = target.scope === 'erk' || target.sparsity === 1;
    constraints.push({
      tensors: pool.map((t) => t.name),
      wanted: wanted(target.sparsity, size, zeros),
      tolerance: perTensor ? pool.length : 1,
      rule: `${target.scope} ${target.sparsity} over the pool`,
    });
  }
  return constraints;
}
