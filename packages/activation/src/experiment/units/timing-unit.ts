import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { JsonObject, RunUnit } from '@sparse/experiments';
import { denseHook, type ActivationHook } from '../../hooks/activation-hook.js';
import { thresholdHook } from '../../hooks/threshold-hook.js';
import { evaluateModel } from '../../training/evaluate.js';
import { levelLabel } from '../plan.js';
import { loadTrainedWeights } from '../weights.js';
import { calibratedThresholds } from './calibrate.js';
import { initSeed, modelKey, type UnitEnv } from './unit-env.js';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Wall-clock forward time of the trained model, dense and with the first sparsifier's thresholds at
 * every level, in this process: `repeats` rounds, each timing one pass of every variant over the
 * same `examples` test images in turn (after one untimed warm-up pass each); the median per variant.
 * Its output differs from run to run (it is a time), so it is opt-in (`timing`). @internal
 */
export function timingUnit(id: string, env: UnitEnv): RunUnit<JsonObject> {
  const { plan, data } = env;
  const timing = plan.config.timing as { readonly examples: number; readonly repeats: number };
  const planned = plan.sparsifiers[0];
  return {
    id,
    label: `${plan.id}: forward time, dense vs thresholded`,
    async run(ctx) {
      const model = plan.builder.create(initSeed(env));
      const hooks: { label: string; target: number | null; hook: ActivationHook; dispose: () => void }[] = [];
      try {
        await loadTrainedWeights(env.run, modelKey(env), model);
        hooks.push({ label: 'dense', target: null, hook: denseHook, dispose: () => undefined });
        if (planned !== undefined) {
          for (const level of planned.levels) {
            const file = calibratedThresholds(env, model, planned.sparsifier, level);
            const hook = thresholdHook(file);
            hooks.push({ label: levelLabel(level), target: file.target, hook, dispose: () => hook.dispose() });
          }
        }
        const examples = Math.min(timing.examples, data.test.count);
        const loadBefore = loadavg().map((value) => Math.round(value * 100) / 100);
        const pass = (hook: ActivationHook): number => {
          const start = performance.now();
          evaluateModel(model, data.test, { hook, limit: examples, batchSize: Math.min(examples, 500) });
          return performance.now() - start;
        };
        for (const variant of hooks) pass(variant.hook);
        const times = hooks.map(() => [] as number[]);
        for (let r = 0; r < timing.repeats; r += 1) {
          hooks.forEach((variant, i) => times[i]?.push(pass(variant.hook)));
          ctx.progress(r + 1, timing.repeats);
        }
        const dense = median(times[0] ?? []);
        const result = {
          method: planned?.sparsifier.label ?? '',
          examples,
          repeats: timing.repeats,
          loadAverage: loadBefore,
          denseMs: dense,
          denseRunsMs: times[0] ?? [],
          levels: hooks.slice(1).map((variant, i) => ({ levelLabel: variant.label, target: variant.target, ms: median(times[i + 1] ?? []), runsMs: times[i + 1] ?? [] })),
        };
        await ctx.metric({ denseMs: dense, levels: result.levels.map((level) => level.ms) });
        return result as unknown as JsonObject;
      } finally {
        for (const variant of hooks) variant.dispose();
        model.dispose();
      }
    },
  };
}
