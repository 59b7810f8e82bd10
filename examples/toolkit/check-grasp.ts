/**
 * Diagnostic behind the `grasp` / `grasp-fd` rows of E.4.3: GraSP scores of the untrained MLP
 * (seed 0, the 512-image calibration batch) with the exact Hessian-gradient product (double
 * backprop, what Synaptic-Flow's PyTorch code computes) vs. the finite-difference product that
 * `graspScorer()` uses by default, at several steps; on the ReLU MLP of the experiments and on the
 * same MLP with a smooth activation `x + x²/2`. Prints the cosine similarity per kernel and the
 * overlap of the weights kept at 90 % (global).
 *
 *   pnpm exec tsx examples/toolkit/check-grasp.ts [--data DIR | --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { createPruner, graspScorer, type ScoreSet, type ScoringModel } from '@sparse/core';
import { createContext, isMain, type Context } from './context.js';
import { calibrationBatch } from './data.js';
import { log } from './log.js';
import { createMlp, initialWeights, type Mlp } from './mlp.js';

export interface GraspAgreement {
  readonly network: string;
  readonly step: number;
  /** Cosine similarity of the finite-difference and exact scores, per kernel. */
  readonly cosine: Readonly<Record<string, number>>;
  /** Fraction of the weights kept at 90 % (global) by the exact scores that the finite-difference scores keep too. */
  readonly keptInCommon: number;
}

export const CHECK_STEPS = [1e-1, 1e-2, 1e-3, 1e-4] as const;

function cosine(mlp: Mlp, a: ScoreSet, b: ScoreSet): Record<string, number> {
  const result: Record<string, number> = {};
  for (const p of mlp.kernels) {
    const x = a.get(p.name)?.dataSync() ?? new Float32Array();
    const y = b.get(p.name)?.dataSync() ?? new Float32Array();
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < x.length; i += 1) {
      xy += (x[i] ?? 0) * (y[i] ?? 0);
      xx += (x[i] ?? 0) ** 2;
      yy += (y[i] ?? 0) ** 2;
    }
    result[p.name.replace('/kernel', '')] = xy / Math.sqrt(xx * yy);
  }
  return result;
}

function keptInCommon(mlp: Mlp, fd: ScoreSet, exact: ScoreSet): number {
  const pruner = createPruner({ allowLayerCollapse: true, warnAbove: 1 });
  const target = { sparsity: 0.9, scope: 'global' } as const;
  const ma = pruner.prune({ parameters: mlp.kernels, scores: fd, masks: new Map(), target });
  const mb = pruner.prune({ parameters: mlp.kernels, scores: exact, masks: new Map(), target });
  let kept = 0;
  let both = 0;
  for (const p of mlp.kernels) {
    const x = ma.get(p.name)?.dataSync() ?? new Float32Array();
    const y = mb.get(p.name)?.dataSync() ?? new Float32Array();
    for (let i = 0; i < x.length; i += 1) {
      if (y[i] === 1) {
        kept += 1;
        if (x[i] === 1) both += 1;
      }
    }
  }
  tf.dispose([...ma.values(), ...mb.values()]);
  return both / kept;
}

/** Compares the finite-difference GraSP scores with the exact ones, on the ReLU MLP of seed 0 and on its smooth twin. */
export function graspAgreement(context: Context): GraspAgreement[] {
  const mlp = createMlp(initialWeights(0));
  const batch = calibrationBatch(context.data, 0, context.settings.calibrationSize);
  const variables = mlp.parameters.map((p) => p.variable);
  const [w1, b1, w2, b2, w3, b3] = variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const smooth = (x: tf.Tensor) => tf.add(x, tf.mul(0.5, tf.square(x)));
  const smoothModel: ScoringModel = {
    forward: (x) => tf.add(tf.matMul(smooth(tf.add(tf.matMul(smooth(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1)), w2), b2)), w3), b3),
    variables,
  };
  const rows: GraspAgreement[] = [];
  try {
    for (const [network, model] of [['ReLU MLP (the experiments)', mlp.scoringModel], ['smooth MLP (x + x²/2)', smoothModel]] as const) {
      const input = { parameters: mlp.kernels, masks: new Map(), batch, model };
      const exact = graspScorer({ hessian: 'exact' }).score(input);
      for (const step of CHECK_STEPS) {
        const fd = graspScorer({ step }).score(input);
        rows.push({ network, step, cosine: cosine(mlp, fd, exact), keptInCommon: keptInCommon(mlp, fd, exact) });
        tf.dispose([...fd.values()]);
      }
      tf.dispose([...exact.values()]);
    }
  } finally {
    tf.dispose([batch.x, batch.y]);
    mlp.dispose();
  }
  return rows;
}

export function describeAgreement(row: GraspAgreement): string {
  const cos = Object.entries(row.cosine).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(', ');
  return `${row.network} · finite-difference step ${row.step}${row.step === 1e-3 ? ' (default)' : ''} vs exact · cosine ${cos} · kept at 90 % in common ${(100 * row.keptInCommon).toFixed(1)}%`;
}

if (isMain(import.meta.url)) {
  const context = await createContext();
  for (const row of graspAgreement(context)) log(describeAgreement(row));
}
