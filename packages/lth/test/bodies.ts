/**
 * A harness for the IMP branch bodies (src/branches/): runs a schedule through `runImpUnit` with
 * an in-memory store and a stand-in for training that changes the weights deterministically (per
 * level and branch), so the pruning rules can be checked quickly against reference computations.
 * The resumable replicate of `sparse run` runs the same bodies with its run-directory store.
 */
import type { BinaryMaskSet } from '@sparse/core';
import { createMlp, type LthModel } from '../src/model/mlp.js';
import { assignParameterValues, readParameterValues } from '../src/imp/parameter-values.js';
import { pruneCount, type PrunePool } from '../src/imp/prune-masks.js';
import type { BranchRun } from '../src/branches/branch-run.js';
import { runImpUnit } from '../src/branches/run-unit.js';
import { impSchedule, type BranchName, type ImpUnit } from '../src/branches/schedule.js';
import { impSetup, type ImpSetup, type ImpSetupOptions } from '../src/branches/setup.js';
import { memoryImpStore, type MemoryImpStore } from '../src/branches/store.js';

/** What the stand-in training saw and did in one run. */
export interface SeenRun {
  readonly level: number;
  readonly branch: BranchName;
  readonly masks: BinaryMaskSet;
  readonly remaining: number;
  readonly startStep: number;
  readonly rewindStep: number | undefined;
  /** Every parameter after `reset()`. */
  readonly start: Map<string, Float32Array>;
  /** Every parameter after the stand-in training. */
  readonly trained: Map<string, Float32Array>;
  /** What was handed to `rewind` (level 0 with rewinding). */
  readonly handedBack: Map<string, Float32Array> | undefined;
}

export interface BodiesOptions extends Omit<ImpSetupOptions, 'parameters' | 'seed' | 'reinitValues'> {
  readonly seed?: number;
  readonly layerSizes?: readonly number[];
  readonly reinit?: boolean | readonly number[];
  readonly randomPruneLevels?: readonly number[];
}

export interface BodiesResult {
  readonly setup: ImpSetup;
  readonly store: MemoryImpStore;
  readonly units: readonly ImpUnit[];
  readonly runs: readonly SeenRun[];
  readonly theta0: Map<string, Float32Array>;
  readonly reinitDraw: Map<string, Float32Array>;
  /** The ticket's run of a level. */
  ticket(level: number): SeenRun;
  /** The run of a branch at a level. */
  find(level: number, branch: BranchName): SeenRun | undefined;
  /** The ticket's masks at a level (level 0: none). */
  masks(level: number): BinaryMaskSet;
}

function standInTraining(model: LthModel, run: BranchRun): Map<string, Float32Array> {
  const before = readParameterValues(model.parameters);
  const offset = run.level * 1.3 + (run.branch === 'ticket' ? 0 : run.branch.length);
  const trained = new Map(
    [...before].map(([name, values]) => [name, values.map((v, i) => v * (1 + 0.6 * Math.sin(i * 0.37 + offset)) + 0.05 * Math.cos(i * 1.91 + name.length + offset))] as const),
  );
  assignParameterValues(model.parameters, trained, run.masks);
  return readParameterValues(model.parameters);
}

/** Runs the IMP schedule of `options` through the shared branch bodies with stand-in training. */
export async function runBodies(options: BodiesOptions): Promise<BodiesResult> {
  const seed = options.seed ?? 5;
  const model = createMlp({ layerSizes: options.layerSizes ?? [8, 12, 6, 3], seed });
  const { reinit, randomPruneLevels, layerSizes: _layers, seed: _seed, ...rest } = options;
  const setup = impSetup({ ...rest, parameters: model.parameters, seed, reinitValues: () => model.initialValues(seed, 'reinit') });
  const store = memoryImpStore(readParameterValues(model.parameters));
  const units = impSchedule({
    rounds: setup.rounds,
    rewindStep: setup.rewindStep,
    ...(reinit === undefined ? {} : { reinit }),
    ...(randomPruneLevels === undefined ? {} : { randomPruneLevels }),
    oneShotLevels: setup.oneShotLevels,
  });
  const runs: SeenRun[] = [];
  try {
    for (const unit of units) {
      await runImpUnit(
        {
          setup,
          store,
          train: async (run) => {
            await run.reset();
            const start = readParameterValues(model.parameters);
            let handedBack: Map<string, Float32Array> | undefined;
            if (run.rewindStep !== undefined) {
              // θk: the weights a few iterations into dense training
              handedBack = new Map([...start].map(([name, values]) => [name, values.map((v, i) => 0.5 * v + 0.01 * Math.sin(i))] as const));
              await run.rewind?.(handedBack);
            }
            const trained = standInTraining(model, run);
            runs.push({ level: run.level, branch: run.branch, masks: run.masks, remaining: run.remaining, startStep: run.startStep, rewindStep: run.rewindStep, start, trained, handedBack });
            return runs.length - 1;
          },
        },
        unit,
      );
    }
    const reinitDraw = model.initialValues(seed, 'reinit');
    const find = (level: number, branch: BranchName) => runs.find((r) => r.level === level && r.branch === branch);
    return {
      setup,
      store,
      units,
      runs,
      theta0: new Map(store.theta0),
      reinitDraw,
      ticket: (level) => find(level, 'ticket') as SeenRun,
      find,
      masks: (level) => (level === 0 ? new Map() : (store.masks.get(level) ?? new Map())),
    };
  } finally {
    model.dispose();
  }
}

/** The values of `values` where `masks` keeps them, 0 elsewhere (the IMP reset `m ⊙ θ`). */
export function masked(values: ReadonlyMap<string, Float32Array>, masks: BinaryMaskSet): Map<string, Float32Array> {
  return new Map(
    [...values].map(([name, v]) => {
      const kept = masks.get(name)?.kept;
      return [name, kept === undefined ? Float32Array.from(v) : v.map((x, i) => (kept[i] === 1 ? x : 0))] as const;
    }),
  );
}

/** Number of weights a mask keeps (all of `size` when there is no mask). */
export function alive(masks: BinaryMaskSet, name: string, size: number): number {
  const kept = masks.get(name)?.kept;
  return kept === undefined ? size : kept.reduce((a, b) => a + b, 0);
}

/**
 * A reference exact-count prune, written out: in each pool, sort the alive weights by
 * (|w|, pool order, index) and drop the first `floor(rate · alive)`.
 */
export function referencePrune(weights: ReadonlyMap<string, Float32Array>, masks: BinaryMaskSet, pools: readonly PrunePool[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const pool of pools) {
    const candidates: { name: string; index: number; order: number; score: number }[] = [];
    pool.names.forEach((name, order) => {
      const w = weights.get(name) as Float32Array;
      const kept = masks.get(name)?.kept;
      out.set(name, kept === undefined ? new Uint8Array(w.length).fill(1) : Uint8Array.from(kept));
      w.forEach((x, index) => {
        if (kept === undefined || kept[index] === 1) candidates.push({ name, index, order, score: Math.abs(x) });
      });
    });
    candidates.sort((a, b) => a.score - b.score || a.order - b.order || a.index - b.index);
    for (const c of candidates.slice(0, pruneCount(pool.rate, candidates.length))) (out.get(c.name) as Uint8Array)[c.index] = 0;
  }
  return out;
}

/** The kept arrays of a mask set, by name. */
export function keptOf(masks: BinaryMaskSet): Map<string, Uint8Array> {
  return new Map([...masks].map(([name, mask]) => [name, Uint8Array.from(mask.kept)] as const));
}
