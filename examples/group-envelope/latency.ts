/** Inference latency of a model on the active backend, at batch 1 and batch 256. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Random, measureLatency, type LatencyMeasurement } from '@sparse/core';

export interface Latency {
  readonly batch1: LatencyMeasurement;
  readonly batch256: LatencyMeasurement;
}

export async function latencyOf(model: tfl.LayersModel): Promise<Latency> {
  const random = new Random(7);
  const one = tf.tensor2d(random.fillUniform(new Float32Array(784)), [1, 784]);
  const many = tf.tensor2d(random.fillUniform(new Float32Array(256 * 784)), [256, 784]);
  try {
    const batch1 = await measureLatency(() => model.predict(one) as tf.Tensor, { warmup: 20, runs: 200 });
    const batch256 = await measureLatency(() => model.predict(many) as tf.Tensor, { warmup: 5, runs: 40 });
    return { batch1, batch256 };
  } finally {
    tf.dispose([one, many]);
  }
}

/**
 * Latency of several models measured in rounds, the models interleaved within each round, so a
 * busy period of the (shared) machine hits all of them alike; reports, per model, the median over
 * the rounds of each round's median.
 */
export async function interleavedLatency(models: ReadonlyMap<string, tfl.LayersModel>, rounds: number, log: (line: string) => void): Promise<Map<string, { batch1: number; batch256: number }>> {
  const samples = new Map<string, { batch1: number[]; batch256: number[] }>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, model] of models) {
      const { batch1, batch256 } = await latencyOf(model);
      const entry = samples.get(name) ?? { batch1: [], batch256: [] };
      entry.batch1.push(batch1.medianMs);
      entry.batch256.push(batch256.medianMs);
      samples.set(name, entry);
    }
    log(`latency round ${round + 1}/${rounds} done`);
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? (s[mid] as number) : 0.5 * ((s[mid - 1] as number) + (s[mid] as number));
  };
  return new Map([...samples].map(([name, entry]) => [name, { batch1: median(entry.batch1), batch256: median(entry.batch256) }]));
}
