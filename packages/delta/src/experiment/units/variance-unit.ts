import type { JsonValue, RunUnit } from '@sparse/experiments';
import { sparsifyDeltas } from '../../tensors/prune-deltas.js';
import type { DenseMlpLayer } from '@sparse/core';
import { createMlp, inputMeans } from '../mlp.js';
import type { VarianceRow } from '../results.js';
import { modelId, type DeltaRunState } from '../run-state.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const variance = (values: readonly number[]) => {
  const m = mean(values);
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1);
};

/**
 * The last hidden layer of a model: the layer before the head.
 *
 * @example
 * ```ts
 * import { mlpLayers } from '../mlp.js';
 * import { lastHiddenLayer } from './variance-unit.js';
 *
 * console.log(lastHiddenLayer(mlpLayers([256, 128])).name); // fc2
 * ```
 */
export function lastHiddenLayer(layers: readonly DenseMlpLayer[]): DenseMlpLayer {
  return layers[layers.length - 2] as DenseMlpLayer;
}

/**
 * The unit that checks the mean and variance of the change of one unit of the last hidden layer
 * under random drops with rescale `1/q`, over many drop seeds, against the closed forms of DAREx
 * (Deng et al., 2025): with `c_j = δ_j x̄_j` (`x̄` the mean layer input on the calibration inputs),
 * `E[Δh] = (1 − (1−p)/q) Σ c_j` and `Var[Δh] = ((1−p)p/q²) Σ c_j²`.
 *
 * @example
 * ```ts
 * import { type DeltaRunState } from '../run-state.js';
 * import { varianceUnit } from './variance-unit.js';
 *
 * declare const state: DeltaRunState;
 * console.log(varianceUnit(state).id); // variance
 * ```
 */
export function varianceUnit(state: DeltaRunState): RunUnit {
  const check = state.config.varianceCheck;
  if (check === undefined) throw new Error('varianceUnit needs varianceCheck in the config.');
  const layer = lastHiddenLayer(state.layers);
  return {
    id: 'variance',
    label: `variance check (${check.regime}, ${layer.name} unit ${check.unit})`,
    async run(unit) {
      const [base, tuned] = await Promise.all([state.weights(modelId()), state.weights(modelId(check.regime))]);
      const model = createMlp(state.layers, tuned);
      let x: Float32Array;
      try {
        x = inputMeans(model, state.data.calibration).get(layer.name) as Float32Array;
      } finally {
        model.dispose();
      }
      const kernel = tuned.get(`${layer.name}/kernel`) as Float32Array;
      const baseKernel = base.get(`${layer.name}/kernel`) as Float32Array;
      const delta = Float32Array.from({ length: layer.inputs }, (_, j) => (kernel[j * layer.outputs + check.unit] as number) - (baseKernel[j * layer.outputs + check.unit] as number));
      const c = delta.map((d, j) => d * (x[j] as number));
      const sumC = c.reduce((a, b) => a + b, 0);
      const sumC2 = c.reduce((a, b) => a + b * b, 0);
      const name = `${layer.name}/unit${check.unit}`;
      const rows: VarianceRow[] = [];
      for (const [k, { rate, q }] of check.points.entries()) {
        const changes: number[] = [];
        let dropped = 0;
        for (let seed = 0; seed < check.seeds; seed++) {
          if (seed % 256 === 0) unit.signal.throwIfAborted();
          const { tensors, report } = await sparsifyDeltas(new Map([[name, delta]]), { rate, rescale: { q }, seed, exclude: [] });
          const pruned = tensors.get(name) as Float32Array;
          let h = 0;
          for (let j = 0; j < layer.inputs; j++) h += (c[j] as number) - (pruned[j] as number) * (x[j] as number);
          changes.push(h);
          dropped += report.droppedElements;
        }
        const row: VarianceRow = {
          rate,
          q,
          realizedRate: dropped / (check.seeds * layer.inputs),
          mean: mean(changes),
          expectedMean: (1 - (1 - rate) / q) * sumC,
          variance: variance(changes),
          expectedVariance: (((1 - rate) * rate) / (q * q)) * sumC2,
          seeds: check.seeds,
        };
        rows.push(row);
        await unit.metric({ phase: 'variance', ...row });
        unit.progress(k + 1, check.points.length);
      }
      return { regime: check.regime, layer: layer.name, unit: check.unit, rows } as unknown as JsonValue;
    },
  };
}
