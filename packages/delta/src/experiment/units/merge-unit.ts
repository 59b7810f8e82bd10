import { deriveSeed } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';
import type { JsonValue, RunUnit } from '@sparse/experiments';
import { mergeModels } from '../../merge/merge-models.js';
import type { DeltaMergeConfig } from '../config.js';
import { accuracy, createMlp, onlyClasses, type Weights } from '../mlp.js';
import { modelId, type DeltaRunState } from '../run-state.js';

/**
 * The test sets a merge is scored on: each task's own classes, and `all`, every class of any task.
 *
 * @example
 * ```ts
 * import { mergeTestSets } from './merge-unit.js';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const test: ImageSet<Float32Array>;
 * const sets = mergeTestSets(test, [{ id: 'bags', classes: [0, 8] }, { id: 'boots', classes: [0, 9] }]);
 * console.log([...sets.keys()]); // ['bags', 'boots', 'all']
 * ```
 */
export function mergeTestSets(test: ImageSet<Float32Array>, tasks: readonly { readonly id: string; readonly classes: readonly number[] }[]): Map<string, ImageSet<Float32Array>> {
  const sets = new Map<string, ImageSet<Float32Array>>();
  for (const task of tasks) sets.set(task.id, onlyClasses(test, task.classes));
  sets.set('all', onlyClasses(test, [...new Set(tasks.flatMap((task) => task.classes))].sort((a, b) => a - b)));
  return sets;
}

/**
 * The model id of a merge task's fine-tuned model.
 *
 * @example
 * ```ts
 * import { mergeModelId } from './merge-unit.js';
 *
 * console.log(mergeModelId('bags')); // merge-task-bags
 * ```
 */
export function mergeModelId(task: string): string {
  return `merge-task-${task}`;
}

/**
 * What one merge unit measured: the method (`task-arithmetic`, `ties`, or `single:<task>` for one
 * fine-tune alone, `pretrained` for the base), the DARE rate applied before merging, and test
 * accuracy on every test set for every drop seed (one value when nothing random happened).
 *
 * @example
 * ```ts
 * import type { MergeResultRow } from './merge-unit.js';
 *
 * const row: MergeResultRow = { method: 'ties', rate: 0.9, accuracy: { bags: [0.9], boots: [0.91], all: [0.88] } };
 * ```
 */
export interface MergeResultRow {
  readonly method: string;
  readonly rate: number;
  readonly accuracy: Readonly<Record<string, readonly number[]>>;
}

function scoreOn(state: DeltaRunState, sets: Map<string, ImageSet<Float32Array>>, weights: Weights): Record<string, number> {
  const model = createMlp(state.layers, weights);
  try {
    return Object.fromEntries([...sets].map(([id, set]) => [id, accuracy(model, set)]));
  } finally {
    model.dispose();
  }
}

/**
 * The unit that scores the pretrained model and every merge task's fine-tune alone on every merge
 * test set (the baselines a merge is compared with). Outputs {@link MergeResultRow}s.
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from '../run-state.js';
 * import { mergeBaselinesUnit } from './merge-unit.js';
 *
 * declare const state: DeltaRunState;
 * console.log(mergeBaselinesUnit(state, state.config.merge!).id); // merge/baselines
 * ```
 */
export function mergeBaselinesUnit(state: DeltaRunState, merge: DeltaMergeConfig): RunUnit {
  return {
    id: 'merge/baselines',
    label: 'merge: baselines',
    async run() {
      const sets = mergeTestSets(state.data.testAll, merge.tasks);
      const rows: MergeResultRow[] = [];
      const single = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([id, value]) => [id, [value]]));
      rows.push({ method: 'pretrained', rate: 0, accuracy: single(scoreOn(state, sets, await state.weights(modelId()))) });
      for (const task of merge.tasks) rows.push({ method: `single:${task.id}`, rate: 0, accuracy: single(scoreOn(state, sets, await state.weights(mergeModelId(task.id)))) });
      return rows as unknown as JsonValue;
    },
  };
}

/**
 * The unit that merges the tasks' deltas with one method at one DARE rate (every drop seed when
 * the rate is above 0) and scores the merged model on every merge test set. Outputs a
 * {@link MergeResultRow}.
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from '../run-state.js';
 * import { mergeUnit } from './merge-unit.js';
 *
 * declare const state: DeltaRunState;
 * console.log(mergeUnit(state, state.config.merge!, 'ties', 0.9).id); // merge/ties/p0.9
 * ```
 */
export function mergeUnit(state: DeltaRunState, merge: DeltaMergeConfig, method: 'task-arithmetic' | 'ties', rate: number): RunUnit {
  const seeds = rate > 0 ? state.config.dropSeeds : state.config.dropSeeds.slice(0, 1);
  return {
    id: `merge/${method}/p${rate}`,
    label: `merge: ${method} after DARE p = ${rate}`,
    async run(unit) {
      const sets = mergeTestSets(state.data.testAll, merge.tasks);
      const base = await state.weights(modelId());
      const tuned = await Promise.all(merge.tasks.map((task) => state.weights(mergeModelId(task.id))));
      const accuracy: Record<string, number[]> = Object.fromEntries([...sets.keys()].map((id) => [id, []]));
      for (const [s, seed] of seeds.entries()) {
        unit.signal.throwIfAborted();
        const { tensors } = await mergeModels({
          base,
          models: tuned.map((finetuned, index) => ({ finetuned, seed: deriveSeed(seed, 'merge', String(index)) })),
          method,
          scale: merge.scale,
          ...(rate > 0 ? { sparsify: { rate, exclude: state.exclude } } : {}),
        });
        for (const [id, value] of Object.entries(scoreOn(state, sets, tensors))) accuracy[id]?.push(value);
        unit.progress(s + 1, seeds.length);
      }
      const row: MergeResultRow = { method, rate, accuracy };
      state.log(`merge ${method}, DARE p = ${rate}: ${Object.entries(accuracy).map(([id, values]) => `${id} ${((100 * values.reduce((a, b) => a + b, 0)) / values.length).toFixed(2)}%`).join(', ')}\n`);
      return row as unknown as JsonValue;
    },
  };
}
