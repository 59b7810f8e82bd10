import { z } from 'zod';

const pattern = {
  /** Kept weights per group. */
  n: z.number().int().min(1).default(2).describe('weights kept in every group of m consecutive input weights'),
  /** Group size. */
  m: z.number().int().min(2).default(4).describe('consecutive input weights per group'),
};

const fraction = (fallback: number, what: string): z.ZodDefault<z.ZodNumber> => z.number().min(0).max(1).default(fallback).describe(what);

const nBelowM = (options: { n: number; m: number }): boolean => options.n < options.m;
const nBelowMMessage = { message: 'n (kept per group) must be less than m', path: ['n'] };
const phasesFit = (options: { denseFraction: number; fineTuneFraction: number }): boolean => options.denseFraction + options.fineTuneFraction <= 1;
const phasesFitMessage = { message: 'denseFraction + fineTuneFraction must be at most 1', path: ['fineTuneFraction'] };

const steShape = {
  ...pattern,
  denseFraction: fraction(0.1, 'fraction of the steps trained dense first (warm-up)'),
  fineTuneFraction: fraction(0.1, 'fraction of the steps at the end fine-tuned with hard N:M masks'),
  fineTuneMask: z
    .enum(['recompute', 'fixed'])
    .default('recompute')
    .describe("fine-tune masks: recomputed from the dense weights every step (the reference) or fixed when the fine-tune starts"),
};

const nmRetrainOptionsDefinition = z
  .strictObject({
    ...pattern,
    denseFraction: fraction(0.5, 'fraction of the steps trained dense before the one-shot N:M mask; the rest retrains masked'),
    resetOptimizer: z.boolean().default(true).describe('start a fresh Adam for the masked retraining'),
    route: z
      .enum(['engine', 'tfjs'])
      .default('engine')
      .describe("'engine': the training engine (dense-trainer or fused), phases in whole epochs; 'tfjs': the tfjs-ste loop, phases in steps"),
  })
  .refine(nBelowM, nBelowMMessage)
  .refine((options) => options.route === 'tfjs' || options.resetOptimizer, { message: "the 'engine' route always starts a fresh Adam for the retraining; use route 'tfjs' to keep it", path: ['resetOptimizer'] });

/**
 * Options of `nm-retrain`: the pattern `n:m` (kept per group of `m`), the fraction of the budget
 * trained dense before the one-shot mask (the rest retrains with the mask fixed), whether the
 * retraining starts a fresh Adam (Mishra et al.: "retrain with the original schedule"), and the
 * route: `engine` (default: the context's training engine, or the fastest that accepts the model,
 * `dense-trainer` else `fused`, like the `dense` baseline; the split rounded to whole epochs,
 * `round(denseFraction·epochs)`, each phase's data order starting at epoch 0) or `tfjs` (the
 * `tfjs-ste` loop of the other N:M methods, split in steps, with a per-step hook for tests).
 *
 * @example
 * ```ts
 * import { nmRetrainOptions } from '@sparse/sparse-training';
 *
 * console.log(nmRetrainOptions.parse({ n: 2, m: 4 })); // { n: 2, m: 4, denseFraction: 0.5, resetOptimizer: true, route: 'engine' }
 * ```
 */
export const nmRetrainOptions: z.ZodObject = nmRetrainOptionsDefinition;

const steOptionsDefinition = z.strictObject(steShape).refine(nBelowM, nBelowMMessage).refine(phasesFit, phasesFitMessage);

/**
 * Options of `ste` (hard-mask STE): the pattern, the dense warm-up and hard fine-tune fractions of
 * the budget (default 10% each), and the fine-tune's masks.
 *
 * @example
 * ```ts
 * import { steOptions } from '@sparse/sparse-training';
 *
 * const options = steOptions.parse({ n: 1, m: 8, denseFraction: 0.2 });
 * console.log(options.fineTuneFraction); // 0.1
 * ```
 */
export const steOptions: z.ZodObject = steOptionsDefinition;

const srSteOptionsDefinition = z
  .strictObject({ ...steShape, srDecay: z.number().min(0).default(2e-4).describe('SR-STE λ_W: weight of (1−m)⊙w added to the gradient') })
  .refine(nBelowM, nBelowMMessage)
  .refine(phasesFit, phasesFitMessage);

/**
 * Options of `sr-ste`: those of `ste` plus `srDecay`, SR-STE's λ_W (default 2e-4, the reference's
 * `SparseSRSTE` default), the weight of `(1−m)⊙w` added to the gradient.
 *
 * @example
 * ```ts
 * import { srSteOptions } from '@sparse/sparse-training';
 *
 * console.log(srSteOptions.parse({}).srDecay); // 0.0002
 * ```
 */
export const srSteOptions: z.ZodObject = srSteOptionsDefinition;

const mdgfOptionsDefinition = z
  .strictObject({
    ...steShape,
    decay: z.enum(['linear', 'exponential']).default('linear').describe('mask decay: linear max(0, 1 − c·t) or exponential exp(−c·t)'),
    decayCoefficient: z.number().min(0).default(2e-4).describe('c, per step of the sparse stage'),
  })
  .refine(nBelowM, nBelowMMessage)
  .refine(phasesFit, phasesFitMessage);

/**
 * Options of `mdgf`: those of `ste` plus `decay` (`linear` α = max(0, 1 − c·t) or `exponential`
 * α = exp(−c·t)) and `decayCoefficient` c per step (default 2e-4, the reference `train.py`'s
 * `--decay-coef` default; linear α reaches 0 after 1/c = 5000 steps of the sparse stage).
 *
 * @example
 * ```ts
 * import { mdgfOptions } from '@sparse/sparse-training';
 *
 * console.log(mdgfOptions.parse({ n: 1, m: 16, decay: 'exponential' }).decayCoefficient); // 0.0002
 * ```
 */
export const mdgfOptions: z.ZodObject = mdgfOptionsDefinition;

const sdgfOptionsDefinition = steOptions;

/**
 * Options of `sdgf`: those of `ste` (the pattern steps `m−1:m, m/2:m, …, n:m` over equal frames
 * of the sparse stage).
 *
 * @example
 * ```ts
 * import { sdgfOptions } from '@sparse/sparse-training';
 *
 * console.log(sdgfOptions.parse({ n: 1, m: 16 }).denseFraction); // 0.1
 * ```
 */
export const sdgfOptions: z.ZodObject = sdgfOptionsDefinition;

/**
 * Parsed `nm-retrain` options.
 *
 * @example
 * ```ts
 * import type { NmRetrainOptions } from '@sparse/sparse-training';
 *
 * const options: NmRetrainOptions = { n: 2, m: 4, denseFraction: 0.5, resetOptimizer: true, route: 'engine' };
 * ```
 */
export interface NmRetrainOptions {
  readonly n: number;
  readonly m: number;
  readonly denseFraction: number;
  readonly resetOptimizer: boolean;
  readonly route: 'engine' | 'tfjs';
}

/**
 * Parsed `ste` and `sdgf` options.
 *
 * @example
 * ```ts
 * import type { SteOptions } from '@sparse/sparse-training';
 *
 * const options: SteOptions = { n: 2, m: 4, denseFraction: 0.1, fineTuneFraction: 0.1, fineTuneMask: 'recompute' };
 * ```
 */
export interface SteOptions {
  readonly n: number;
  readonly m: number;
  readonly denseFraction: number;
  readonly fineTuneFraction: number;
  readonly fineTuneMask: 'recompute' | 'fixed';
}

/**
 * Parsed `sr-ste` options.
 *
 * @example
 * ```ts
 * import type { SrSteOptions } from '@sparse/sparse-training';
 *
 * const options: SrSteOptions = { n: 2, m: 4, denseFraction: 0.1, fineTuneFraction: 0.1, fineTuneMask: 'recompute', srDecay: 2e-4 };
 * ```
 */
export interface SrSteOptions extends SteOptions {
  readonly srDecay: number;
}

/**
 * Parsed `mdgf` options.
 *
 * @example
 * ```ts
 * import type { MdgfOptions } from '@sparse/sparse-training';
 *
 * const options: MdgfOptions = { n: 1, m: 8, denseFraction: 0.1, fineTuneFraction: 0.1, fineTuneMask: 'recompute', decay: 'linear', decayCoefficient: 2e-4 };
 * ```
 */
export interface MdgfOptions extends SteOptions {
  readonly decay: 'linear' | 'exponential';
  readonly decayCoefficient: number;
}

// The interfaces above are what the schemas parse to: a compile-time check in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatch: [
  Same<NmRetrainOptions, Readonly<z.output<typeof nmRetrainOptionsDefinition>>>,
  Same<SteOptions, Readonly<z.output<typeof steOptionsDefinition>>>,
  Same<SrSteOptions, Readonly<z.output<typeof srSteOptionsDefinition>>>,
  Same<MdgfOptions, Readonly<z.output<typeof mdgfOptionsDefinition>>>,
] = [true, true, true, true];
void schemasMatch;
