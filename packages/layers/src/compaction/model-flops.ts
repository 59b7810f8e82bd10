import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Floating-point operations of one forward pass of one example through a model's Dense and
 * Conv2D kernels: one multiply and one add per weight and output position (`2·in·out` for Dense,
 * `2·kh·kw·cin·cout·H_out·W_out` for Conv2D), the convention of `@sparse/core`'s accounting.
 * Biases, activations, pooling and normalisation are not counted; other layers count 0.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { modelFlops } from '@sparse/layers';
 *
 * const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [784], units: 512 }), tfl.layers.dense({ units: 10 })] });
 * console.log(modelFlops(model)); // 2·(784·512 + 512·10) = 813 056
 * ```
 */
export function modelFlops(model: tfl.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className !== 'Dense' && className !== 'Conv2D') continue;
    const kernel = layer.weights.find((w) => w.originalName.endsWith('/kernel') || w.originalName === 'kernel');
    if (kernel === undefined) continue;
    const size = kernel.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    let positions = 1;
    if (className === 'Conv2D') {
      const shape = layer.outputShape as (number | null)[];
      positions = (shape[1] ?? 1) * (shape[2] ?? 1);
    }
    total += 2 * size * positions;
  }
  return total;
}
