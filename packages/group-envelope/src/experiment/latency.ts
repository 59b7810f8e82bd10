import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Random, deriveSeed, measureLatency } from '@sparse/core';
import type { RunDirectory } from '@sparse/experiments';
import { compactModel, modelParameters } from '@sparse/layers';
import type { GroupEnvelopeExperimentConfig } from './config.js';
import { createMlp } from './mlp.js';
import { loadFinalModel } from './model-store.js';
import type { PlannedUnit } from './plan.js';

/**
 * Median inference latency of one model, in ms.
 *
 * @example
 * ```ts
 * import type { ModelLatency } from '@sparse/group-envelope';
 *
 * const latency: ModelLatency = { batch1: 0.07, batch256: 6.7 };
 * ```
 */
export interface ModelLatency {
  readonly batch1: number;
  readonly batch256: number;
}

/**
 * What `latency.json` holds: wall-clock timings, kept apart from `results.json`.
 *
 * @example
 * ```ts
 * import type { LatencyRecord } from '@sparse/group-envelope';
 *
 * const record: LatencyRecord = { backend: 'wasm', rounds: 3, seed: 1, models: { dense: { batch1: 0.07, batch256: 6.7 } } };
 * ```
 */
export interface LatencyRecord {
  readonly backend: string;
  readonly rounds: number;
  readonly seed: number;
  /** By model: `dense`, `<method> (masked)`, `<method> (compacted)`. */
  readonly models: Readonly<Record<string, ModelLatency>>;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : 0.5 * ((sorted[mid - 1] as number) + (sorted[mid] as number));
};

/**
 * Inference latency of the first seed's final models on the active backend: the dense network,
 * and each regularized network masked (dense shapes, zeros) and compacted (`compactModel`). The
 * models are measured in `rounds` rounds, interleaved within each round so a busy period of a
 * shared machine hits all alike; per model, the median over rounds of each round's median
 * (200 calls at batch 1, 40 at batch 256, after a warm-up), on inputs from a derived seed.
 */
export async function measureLatencies(run: RunDirectory, config: GroupEnvelopeExperimentConfig, units: readonly PlannedUnit[], backend: string, onRound: (round: number) => void): Promise<LatencyRecord> {
  const seed = units[0]?.seed ?? 0;
  const models = new Map<string, tfl.LayersModel>();
  const features = config.model.layerSizes[0] as number;
  const random = new Random(deriveSeed(seed, 'latency-input'));
  const one = tf.tensor2d(random.fillUniform(new Float32Array(features)), [1, features]);
  const many = tf.tensor2d(random.fillUniform(new Float32Array(256 * features)), [256, features]);
  try {
    for (const unit of units.filter((candidate) => candidate.seed === seed)) {
      const saved = await loadFinalModel(run, unit.id);
      const model = createMlp(config.model.layerSizes, seed);
      for (const p of modelParameters(model)) {
        const values = saved.parameters.get(p.name);
        if (values !== undefined) tf.tidy(() => p.variable.assign(tf.tensor(values, p.variable.shape, 'float32')));
      }
      if (unit.method.ref === undefined) {
        models.set(unit.method.label, model);
        continue;
      }
      models.set(`${unit.method.label} (masked)`, model);
      const masks = new Map([...saved.masks].map(([name, { shape, values }]) => [name, tf.tensor(values, [...shape], 'float32')] as const));
      try {
        models.set(`${unit.method.label} (compacted)`, compactModel(model, { masks }).model);
      } finally {
        tf.dispose([...masks.values()]);
      }
    }
    const samples = new Map<string, { batch1: number[]; batch256: number[] }>();
    for (let round = 0; round < config.latencyRounds; round += 1) {
      for (const [name, model] of models) {
        const batch1 = await measureLatency(() => model.predict(one) as tf.Tensor, { warmup: 20, runs: 200 });
        const batch256 = await measureLatency(() => model.predict(many) as tf.Tensor, { warmup: 5, runs: 40 });
        const entry = samples.get(name) ?? { batch1: [], batch256: [] };
        entry.batch1.push(batch1.medianMs);
        entry.batch256.push(batch256.medianMs);
        samples.set(name, entry);
      }
      onRound(round + 1);
    }
    return {
      backend,
      rounds: config.latencyRounds,
      seed,
      models: Object.fromEntries([...samples].map(([name, entry]) => [name, { batch1: median(entry.batch1), batch256: median(entry.batch256) }])),
    };
  } finally {
    tf.dispose([one, many]);
    for (const model of models.values()) model.dispose();
  }
}
