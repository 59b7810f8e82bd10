/**
 * Times exact-count selection (`pruneLowest`) on random float32 scores and checks each result.
 *
 *   pnpm exec tsx packages/core/bench/selection.bench.ts [sizes…]   (default: 1e6 1e7 1e8)
 *
 * Prints the best of several repetitions per size (the machine may be shared) and, as a peer,
 * the time of a full `Float32Array.prototype.sort` of the same scores (a sort-based selection's
 * lower bound) for sizes up to 1e7.
 */
import { pruneLowest } from '../src/selection/select.js';
import { Random } from '../src/random/random.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const run = sizes.length > 0 ? sizes : [1e6, 1e7, 1e8];

for (const size of run) {
  const scores = new Random(size).fillUniform(new Float32Array(size), -1, 1);
  const alive = new Uint8Array(size).fill(1);
  const count = Math.floor(size * 0.9);
  const repetitions = size >= 1e8 ? 3 : 7;
  let best = Infinity;
  let kept = 0;
  for (let r = 0; r < repetitions; r++) {
    const start = performance.now();
    const keep = pruneLowest(scores, alive, count);
    best = Math.min(best, performance.now() - start);
    kept = 0;
    for (let i = 0; i < size; i++) kept += keep[i] as number;
  }
  if (kept !== size - count) throw new Error(`wrong count at ${size}: kept ${kept}, expected ${size - count}`);
  let line = `n=${size.toExponential(0)}  pruneLowest best of ${repetitions}: ${best.toFixed(1)} ms  (${((best * 1e6) / size).toFixed(2)} ns/element)`;
  if (size <= 1e7) {
    const copy = scores.slice();
    const start = performance.now();
    copy.sort();
    const sortMs = performance.now() - start;
    line += `  full sort: ${sortMs.toFixed(0)} ms  (sort / select = ${(sortMs / best).toFixed(1)}x)`;
  }
  console.log(line);
}

// End to end: ScorePruner on tensors (dataSync of scores and masks, selection, mask tensors).
{
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const { createPruner } = await import('../src/pruning/score-pruner.js');
  const size = 1e7;
  const variable = tf.variable(tf.zeros([size / 1000, 1000]));
  const half = tf.variable(tf.zeros([size / 2000, 1000]));
  const values = new Random(1).fillUniform(new Float32Array(size), -1, 1);
  const scores = tf.tensor(values, [size / 1000, 1000]);
  const halfScores = tf.tensor(values.subarray(0, size / 2), [size / 2000, 1000]);
  const pruner = createPruner({ onWarning: () => {} });
  for (const [label, parameters, scoreSet] of [
    ['layerwise, one 1e7 tensor', [{ name: 'w', role: 'dense-kernel' as const, variable }], new Map([['w', scores]])],
    [
      'global, 1e7 + 5e6 tensors',
      [
        { name: 'w', role: 'dense-kernel' as const, variable },
        { name: 'h', role: 'dense-kernel' as const, variable: half },
      ],
      new Map([
        ['w', scores],
        ['h', halfScores],
      ]),
    ],
  ] as const) {
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      const masks = pruner.prune({
        parameters,
        scores: scoreSet,
        masks: new Map(),
        target: { sparsity: 0.9, scope: label.startsWith('global') ? 'global' : 'layerwise' },
      });
      best = Math.min(best, performance.now() - start);
      tf.dispose([...masks.values()]);
    }
    console.log(`ScorePruner.prune (${label}, cpu backend): best of 3 ${best.toFixed(0)} ms`);
  }
  tf.dispose([variable, half, scores, halfScores]);
}
