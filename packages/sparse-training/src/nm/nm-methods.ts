import type { z } from 'zod';
import { echoValue, configErrorFromIssues, optionIssuesFromZod, type PluginRegistry } from '@sparse/core';
import type { MethodContext, MethodResult, SparseTrainingMethod } from '../contracts/method.js';
import { SparseTrainingMethods } from '../tokens.js';
import { mdgfOptions, nmRetrainOptions, sdgfOptions, srSteOptions, steOptions, type MdgfOptions, type NmRetrainOptions, type SrSteOptions, type SteOptions } from './nm-options.js';
import { maskDecayFactor, splitNmBudget, structureDecayFrame, structureDecayPatterns, type NmStepPhase } from './nm-schedule.js';
import { runNmRetrainOnEngine } from './nm-retrain-engine.js';
import { runNmTraining, type NmStepEvent, type NmTrainingPlan } from './run-nm-training.js';

/**
 * The names of the N:M methods in {@link SparseTrainingMethods}.
 *
 * @example
 * ```ts
 * import { NM_METHOD_NAMES } from '@sparse/sparse-training';
 *
 * console.log(NM_METHOD_NAMES.join(', ')); // nm-retrain, ste, sr-ste, mdgf, sdgf
 * ```
 */
export const NM_METHOD_NAMES = ['nm-retrain', 'ste', 'sr-ste', 'mdgf', 'sdgf'] as const;

/**
 * One of {@link NM_METHOD_NAMES}.
 *
 * @example
 * ```ts
 * import type { NmMethodName } from '@sparse/sparse-training';
 *
 * const name: NmMethodName = 'mdgf';
 * ```
 */
export type NmMethodName = (typeof NM_METHOD_NAMES)[number];

/**
 * Instrumentation for tests and benchmarks: a hook after every step, optionally with the kernels the
 * step's forward pass used.
 *
 * @example
 * ```ts
 * import type { NmInstrumentation } from '@sparse/sparse-training';
 *
 * const instrumentation: NmInstrumentation = { recordForwardKernels: true, onStep: (event) => console.log(event.step) };
 * ```
 */
export interface NmInstrumentation {
  /** Called after every step of the `tfjs-ste` loop (not on nm-retrain's engine route). */
  readonly onStep?: (event: NmStepEvent) => void;
  /** Download the kernels each step's forward pass used, into the event. */
  readonly recordForwardKernels?: boolean;
}

const schemas = { 'nm-retrain': nmRetrainOptions, ste: steOptions, 'sr-ste': srSteOptions, mdgf: mdgfOptions, sdgf: sdgfOptions } as const;

function parse<S extends z.ZodType>(schema: S, given: unknown, name: string): z.output<S> {
  const value = given ?? {};
  const result = schema.safeParse(value);
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, value, [name]));
  return result.data;
}

const phase = (kind: NmStepPhase['kind'], stage: NmStepPhase['stage'], n: number, m: number, alpha = 0, srDecay = 0): NmStepPhase => ({ kind, stage, n, m, alpha, srDecay });

/** The phases of `nm-retrain`: dense, then the one-shot mask fixed for the rest. */
function retrainPlan(options: NmRetrainOptions): Omit<NmTrainingPlan, 'details'> {
  const { n, m } = options;
  const hard = phase('fixed', 'fine-tune', n, m);
  return {
    phaseAt(step, total) {
      const { denseSteps } = splitNmBudget(total, options.denseFraction, 0);
      return step < denseSteps ? phase('dense', 'dense', m, m, 1) : hard;
    },
    final: hard,
    resetOptimizerOnFixed: options.resetOptimizer,
  };
}

/** The phases of the STE family: dense warm-up, the method's sparse stage, the hard fine-tune. */
function stePlan(name: Exclude<NmMethodName, 'nm-retrain'>, options: SteOptions | SrSteOptions | MdgfOptions): Omit<NmTrainingPlan, 'details'> {
  const { n, m } = options;
  const fineTune = phase(options.fineTuneMask === 'fixed' ? 'fixed' : 'ste', 'fine-tune', n, m);
  const patterns = name === 'sdgf' ? structureDecayPatterns(n, m) : [n];
  return {
    phaseAt(step, total) {
      const { denseSteps, sparseSteps } = splitNmBudget(total, options.denseFraction, options.fineTuneFraction);
      if (step < denseSteps) return phase('dense', 'dense', m, m, 1);
      const r = step - denseSteps;
      if (r >= sparseSteps) return fineTune;
      switch (name) {
        case 'ste':
          return phase('ste', 'sparse', n, m);
        case 'sr-ste':
          return phase('ste', 'sparse', n, m, 0, (options as SrSteOptions).srDecay);
        case 'mdgf': {
          const { decay, decayCoefficient } = options as MdgfOptions;
          return phase('decay', 'sparse', n, m, maskDecayFactor(decay, decayCoefficient, r));
        }
        case 'sdgf':
          return phase('ste', 'sparse', patterns[structureDecayFrame(r, sparseSteps, patterns.length)] as number, m);
      }
    },
    // The final model: hard N:M masks of the final weights (the fixed fine-tune mask when fixed).
    final: fineTune,
  };
}

function label(name: NmMethodName, options: Record<string, unknown>): string {
  const pattern = `${String(options['n'])}:${String(options['m'])}`;
  if (name === 'mdgf') return `mdgf ${pattern} ${String(options['decay'])}`;
  return `${name} ${pattern}`;
}

/**
 * Builds an N:M method (not registered; {@link registerNmMethods} registers all five):
 *
 * - `nm-retrain`: dense training for `denseFraction` of the budget, a one-shot N:M magnitude mask,
 *   masked retraining (gradients masked, `w ← m⊙w` after every step, a fresh Adam by default) for
 *   the rest (Mishra et al. 2021; the "hard mask" baseline; the retraining gets the remaining
 *   budget, not a second full schedule, so every method trains the same number of steps). By
 *   default on the training engine ({@link runNmRetrainOnEngine}, `route: 'engine'`), or on the
 *   `tfjs-ste` loop (`route: 'tfjs'`).
 * - `ste`: after the dense warm-up, the N:M mask is recomputed from the dense weights every step,
 *   forward `w⊙m`, gradient straight through to the dense weights (SR-STE with λ_W = 0).
 * - `sr-ste`: the same plus `λ_W (1−m)⊙w` added to the gradient (Zhou et al. 2021; the
 *   reference's `SparseSRSTE`). The fine-tune stage drops the λ_W term.
 * - `mdgf`: forward `w⊙(m + (1−m)·α(t))`, α linear `max(0, 1−c·t)` or exponential `exp(−c·t)`,
 *   `t` counted from the end of the warm-up ({@link maskDecayFactor}), dense (straight-through)
 *   gradient, mask recomputed from |w| every step (the reference's `LinearDecay` /
 *   `ExponentialDecay`).
 * - `sdgf`: binary masks whose pattern tightens `m−1:m, m/2:m, …, n:m` over equal frames of the
 *   sparse stage ({@link structureDecayPatterns}; the reference's `sparsify` structure decay).
 *
 * The budget is `context.epochs` epochs: the first `floor(denseFraction·steps)` steps dense, the last
 * `floor(fineTuneFraction·steps)` with hard N:M masks (recomputed every step like the reference's
 * `StepDecay`, or fixed with `fineTuneMask: 'fixed'`), the method's stage between. Deliberate
 * differences from the reference (abhibambhaniya/progressive_gradient_flow_nm_sparsity): stages are
 * counted in steps, not whole epochs; the fine-tune covers exactly its share (the reference's
 * `current_epoch > total − fine_tune` gives it one epoch less); ties in the mask follow spec §0
 * (the reference's `argsort` is unspecified on ties); SR-STE also gets the warm-up and fine-tune
 * (the reference's SR-STE path ignores both; set the fractions to 0 for that). The final model
 * always carries hard N:M masks, and its validity is measured. Options are checked before any work
 * (`E_CONFIG` naming the field).
 *
 * @example
 * ```ts
 * import { createNmMethod } from '@sparse/sparse-training';
 *
 * const method = createNmMethod('mdgf', { n: 1, m: 8, decay: 'exponential', decayCoefficient: 1e-3 });
 * console.log(method.label); // mdgf 1:8 exponential
 * ```
 */
export function createNmMethod(name: NmMethodName, given: Readonly<Record<string, unknown>> = {}, instrumentation: NmInstrumentation = {}): SparseTrainingMethod {
  const schema = schemas[name] as z.ZodType;
  if (schema === undefined) throw configErrorFromIssues([{ path: ['name'], message: `unknown N:M method ${echoValue(name)}; allowed: ${NM_METHOD_NAMES.join(', ')}` }]);
  const options = parse(schema, given, name) as Record<string, unknown>;
  const plan = name === 'nm-retrain' ? retrainPlan(options as unknown as NmRetrainOptions) : stePlan(name, options as unknown as SteOptions);
  const details = { method: name, pattern: `${String(options['n'])}:${String(options['m'])}`, options: options as Record<string, string | number | boolean> };
  return {
    name,
    label: label(name, options),
    usesSparsity: false,
    plannedSteps: (budget) => budget.epochs * budget.stepsPerEpoch,
    async run(context: MethodContext): Promise<MethodResult> {
      if (name === 'nm-retrain' && (options as unknown as NmRetrainOptions).route === 'engine') return runNmRetrainOnEngine(context, options as unknown as NmRetrainOptions, details);
      const total = context.epochs * context.loader.stepsPerEpoch;
      const split =
        name === 'nm-retrain'
          ? splitNmBudget(total, (options as unknown as NmRetrainOptions).denseFraction, 0)
          : splitNmBudget(total, (options as unknown as SteOptions).denseFraction, (options as unknown as SteOptions).fineTuneFraction);
      const stages = name === 'nm-retrain' ? { denseSteps: split.denseSteps, retrainSteps: split.sparseSteps } : split;
      return runNmTraining(context, {
        ...plan,
        details: { ...details, ...stages, ...(name === 'sdgf' ? { patterns: structureDecayPatterns(options['n'] as number, options['m'] as number).map((k) => `${k}:${String(options['m'])}`) } : {}) },
        ...(instrumentation.onStep === undefined ? {} : { onStep: instrumentation.onStep }),
        ...(instrumentation.recordForwardKernels === undefined ? {} : { recordForwardKernels: instrumentation.recordForwardKernels }),
      });
    },
  };
}

/**
 * Registers `nm-retrain`, `ste`, `sr-ste`, `mdgf` and `sdgf` in {@link SparseTrainingMethods}, each
 * with its options schema ({@link nmRetrainOptions}, {@link steOptions}, {@link srSteOptions},
 * {@link mdgfOptions}, {@link sdgfOptions}).
 *
 * @example
 * ```ts
 * import { createRuntime, definePlugin } from '@sparse/core';
 * import { SparseTrainingMethods, registerNmMethods } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('my-nm', registerNmMethods)] });
 * const mdgf = runtime.resolve(SparseTrainingMethods, { name: 'mdgf', n: 1, m: 16 });
 * ```
 */
export function registerNmMethods(registry: PluginRegistry): void {
  const summaries: Record<NmMethodName, string> = {
    'nm-retrain': 'dense training, one-shot N:M magnitude mask, masked retraining (Mishra et al.)',
    ste: 'N:M mask recomputed every step, straight-through gradient to the dense weights',
    'sr-ste': 'STE plus λ_W (1−m)⊙w in the gradient (Zhou et al.)',
    mdgf: 'mask decay gradient flow: pruned weights scaled by a decaying α(t) (Bambhaniya et al.)',
    sdgf: 'structure decay gradient flow: m−1:m → … → n:m (Bambhaniya et al.)',
  };
  for (const name of NM_METHOD_NAMES) {
    registry.provide(SparseTrainingMethods, name, (options) => createNmMethod(name, options), { options: schemas[name], summary: summaries[name] });
  }
}
