import * as tf from '@tensorflow/tfjs-core';
import { SparseError, binaryToMaskSet, type BinaryMaskSet, type NamedParameter, type Scorer, type ScoringInput } from '@sparse/core';

/**
 * Scores the given parameters with any {@link Scorer} and reads the scores to the host. The
 * scorer sees the current masks as tensors; data-driven scorers get `extra` (batch, loss, model,
 * seed). Every tensor made here is disposed.
 *
 * @throws SparseError `E_ARGUMENT` when the scorer needs data that `extra` lacks, or returns no or
 * wrongly-sized scores for a parameter.
 *
 * @example
 * ```ts
 * import { magnitudeScorer } from '@sparse/core';
 * import { createMlp, scoreParameters } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
 * const kernels = model.parameters.filter((p) => p.role === 'dense-kernel');
 * const scores = await scoreParameters(magnitudeScorer(), kernels, new Map());
 * model.dispose();
 * ```
 */
export async function scoreParameters(
  scorer: Scorer,
  parameters: readonly NamedParameter[],
  masks: BinaryMaskSet,
  extra: Omit<ScoringInput, 'parameters' | 'masks'> = {},
): Promise<Map<string, Float32Array>> {
  if (scorer.requiresData && (extra.batch === undefined || extra.loss === undefined)) {
    throw new SparseError('E_ARGUMENT', `Scorer '${scorer.name}' needs a batch and the loss.`, { field: 'scorer', received: scorer.name });
  }
  const maskTensors = binaryToMaskSet(new Map([...masks].filter(([name]) => parameters.some((p) => p.name === name))));
  let scores: ReadonlyMap<string, tf.Tensor> | undefined;
  try {
    scores = await scorer.score({ ...extra, parameters, masks: maskTensors });
    const out = new Map<string, Float32Array>();
    for (const { name, variable } of parameters) {
      const score = scores.get(name);
      if (score === undefined || score.size !== variable.size) {
        throw new SparseError('E_ARGUMENT', `Scorer '${scorer.name}' returned ${score === undefined ? 'no scores' : `${score.size} scores`} for '${name}' (${variable.size} elements).`, {
          field: name,
        });
      }
      const data = score.dtype === 'float32' ? (score.dataSync() as Float32Array) : Float32Array.from(score.dataSync());
      out.set(name, Float32Array.from(data));
    }
    return out;
  } finally {
    tf.dispose([...maskTensors.values()]);
    if (scores !== undefined) tf.dispose([...scores.values()]);
  }
}
