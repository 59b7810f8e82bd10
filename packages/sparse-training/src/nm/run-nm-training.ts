import * as tf from '@tensorflow/tfjs-core';
import type { DenseMlp } from '@sparse/core';
import type { JsonObject } from '@sparse/experiments';
import type { MethodContext, MethodResult } from '../contracts/method.js';
import { countNmViolations } from './nm-mask.js';
import type { NmStepPhase } from './nm-schedule.js';
import { createNmStepper, type NmStepReport } from './nm-stepper.js';

/**
 * One step as a step hook sees it: the step index (0-based over the whole budget), its epoch, and
 * what {@link NmStepper.step} reported (the phase and, when asked for, the forward kernels).
 *
 * @example
 * ```ts
 * import type { NmStepEvent } from '@sparse/sparse-training';
 *
 * const hook = (event: NmStepEvent): void => console.log(event.step, event.report.phase.n);
 * ```
 */
export interface NmStepEvent {
  /** The step, 0-based over the whole budget. */
  readonly step: number;
  /** Its epoch. */
  readonly epoch: number;
  /** The phase and, when recorded, the forward kernels. */
  readonly report: NmStepReport;
  /** The model being trained (its variables hold the dense weights after the step; fixed phases: masked). */
  readonly model: DenseMlp;
}

/**
 * What {@link runNmTraining} needs besides the context: the per-step phase and the final hard
 * pattern, plus instrumentation.
 *
 * @example
 * ```ts
 * import type { NmTrainingPlan } from '@sparse/sparse-training';
 *
 * const plan: NmTrainingPlan = {
 *   phaseAt: () => ({ kind: 'ste', stage: 'sparse', n: 2, m: 4, alpha: 0, srDecay: 0 }),
 *   final: { kind: 'ste', stage: 'fine-tune', n: 2, m: 4, alpha: 0, srDecay: 0 },
 *   details: { pattern: '2:4' },
 * };
 * ```
 */
export interface NmTrainingPlan {
  /** The phase of step `step` of `totalSteps`. */
  phaseAt(step: number, totalSteps: number, stepsPerEpoch: number): NmStepPhase;
  /** The phase whose effective kernels become the final model (a hard N:M mask). */
  readonly final: NmStepPhase;
  /** Start a fresh Adam when a fixed-mask phase begins. */
  readonly resetOptimizerOnFixed?: boolean;
  /** Method-specific figures for the result's `details`. */
  readonly details: JsonObject;
  /** Called after every step (tests). */
  readonly onStep?: (event: NmStepEvent) => void;
  /** Ask every step to download the forward kernels for `onStep`. */
  readonly recordForwardKernels?: boolean;
}

/** Assigns `kernels` to the model's kernel variables. */
function writeKernels(model: DenseMlp, kernels: ReadonlyMap<string, Float32Array>): void {
  for (const { kernel } of model.denseLayers) {
    const values = kernels.get(kernel.name);
    if (values !== undefined) tf.tidy(() => kernel.variable.assign(tf.tensor(values, kernel.variable.shape)));
  }
}

/** Evaluates `model` on the validation set with `kernels` in place of its kernels, then puts the kernels back. */
function evaluateWith(context: MethodContext, model: DenseMlp, kernels: ReadonlyMap<string, Float32Array>): number {
  const saved = new Map(model.denseLayers.map(({ kernel }) => [kernel.name, kernel.variable.dataSync().slice() as Float32Array]));
  writeKernels(model, kernels);
  try {
    return context.evaluate(model, 'validation').accuracy;
  } finally {
    writeKernels(model, saved);
  }
}

/**
 * Runs one N:M unit on the tfjs route (engine `tfjs-ste`): a model at θ0, `context.epochs ×
 * stepsPerEpoch` Adam steps through an {@link NmStepper} in the phases `plan.phaseAt` gives,
 * validation accuracy of the forward pass in use after every epoch (the warm-up's dense model,
 * MDGF's decayed kernels, the hard-masked kernels), then the **final model with hard N:M masks**
 * (`plan.final` at the final weights) evaluated on validation and test. The N:M validity of the
 * final kernels is measured (`details.nmViolations`, groups with more than N nonzeros: 0 when
 * valid) along with the sparsity and per-layer density. No tensor outlives the call.
 *
 * @example
 * ```ts
 * import { runNmTraining, type MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const hard = { kind: 'ste', stage: 'fine-tune', n: 2, m: 4, alpha: 0, srDecay: 0 } as const;
 * const result = await runNmTraining(context, { phaseAt: () => hard, final: hard, details: {} });
 * console.log(result.testAccuracy, result.details);
 * ```
 */
export async function runNmTraining(context: MethodContext, plan: NmTrainingPlan): Promise<MethodResult> {
  const { loader } = context;
  const stepsPerEpoch = loader.stepsPerEpoch;
  const totalSteps = context.epochs * stepsPerEpoch;
  const model = context.createModel();
  const stepper = createNmStepper(model, context.learningRate, { resetOptimizerOnFixed: plan.resetOptimizerOnFixed === true });
  try {
    const curve: { epoch: number; validationAccuracy: number }[] = [];
    let step = 0;
    for (let epoch = 0; epoch < context.epochs; epoch++) {
      let phase: NmStepPhase | undefined;
      for (let s = 0; s < stepsPerEpoch; s++, step++) {
        context.signal?.throwIfAborted();
        phase = plan.phaseAt(step, totalSteps, stepsPerEpoch);
        const batch = loader.batch(epoch, s);
        let report: NmStepReport;
        try {
          report = stepper.step(batch, phase, plan.recordForwardKernels === true);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        plan.onStep?.({ step, epoch, report, model });
        if ((step + 1) % 20 === 0) context.progress(step + 1);
      }
      if (phase !== undefined) curve.push({ epoch, validationAccuracy: evaluateWith(context, model, stepper.effectiveKernels(phase)) });
      // Let progress, logs and an abort through between epochs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    context.progress(totalSteps);

    writeKernels(model, stepper.effectiveKernels(plan.final));
    const measured = measureNmModel(context, model, plan.final.n, plan.final.m);
    return {
      engine: 'tfjs-ste',
      validationAccuracy: measured.validationAccuracy,
      testAccuracy: measured.testAccuracy,
      sparsity: measured.sparsity,
      layerDensities: measured.layerDensities,
      curve,
      steps: totalSteps,
      details: { ...plan.details, nmViolations: measured.nmViolations, backend: tf.getBackend(), maskRoute: 'host' },
    };
  } finally {
    stepper.dispose();
    model.dispose();
  }
}

/**
 * The final figures of an N:M model (its variables hold the final kernels): validation and test
 * accuracy, the measured sparsity and per-layer density of the kernels, and `nmViolations`, the
 * number of groups with more than `n` nonzeros (0 when every kernel is N:M-valid). Logs one line.
 *
 * @example
 * ```ts
 * import { measureNmModel, type MethodContext } from '@sparse/sparse-training';
 * import type { DenseMlp } from '@sparse/core';
 *
 * declare const context: MethodContext;
 * declare const model: DenseMlp;
 * console.log(measureNmModel(context, model, 2, 4).nmViolations); // 0 for a 2:4 model
 * ```
 */
export function measureNmModel(
  context: MethodContext,
  model: DenseMlp,
  n: number,
  m: number,
): { validationAccuracy: number; testAccuracy: number; sparsity: number; layerDensities: Record<string, number>; nmViolations: number } {
  let zeros = 0;
  let total = 0;
  let violations = 0;
  const layerDensities: Record<string, number> = {};
  for (const { kernel } of model.denseLayers) {
    const values = kernel.variable.dataSync();
    const [inputs = 0, outputs = 0] = kernel.variable.shape;
    let z = 0;
    for (const v of values) if (v === 0) z++;
    zeros += z;
    total += values.length;
    layerDensities[kernel.name] = 1 - z / values.length;
    violations += countNmViolations(values, inputs, outputs, n, m);
  }
  const validation = context.evaluate(model, 'validation');
  const test = context.evaluate(model, 'test');
  context.log(`${n}:${m} final: validation ${(validation.accuracy * 100).toFixed(2)}%, test ${(test.accuracy * 100).toFixed(2)}%, ${violations} N:M violations`);
  return { validationAccuracy: validation.accuracy, testAccuracy: test.accuracy, sparsity: total === 0 ? 0 : zeros / total, layerDensities, nmViolations: violations };
}
