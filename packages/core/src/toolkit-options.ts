import { z } from 'zod';
import { MovementScores } from './scoring/movement.js';

const fraction = (description: string) => z.number().min(0).lt(1).meta({ description });
const step = (description: string) => z.number().int().min(0).meta({ description });
const positiveStep = (description: string) => z.number().int().min(1).meta({ description });

/**
 * The options schemas of core's built-in implementations, by kind and name: what a config may
 * give beside `name`, checked before the implementation is built.
 *
 * Internal to the toolkit plugin: read an implementation's schema with
 * `runtime.describe(Scorers, 'random')?.options`.
 */
export const TOOLKIT_OPTIONS = Object.freeze({
  scorer: {
    random: z.object({
      seed: z.number().int().min(0).max(2 ** 32 - 1).optional().meta({ description: 'The seed used when the scoring input has none.' }),
      distribution: z.enum(['uniform', 'normal']).optional().meta({ description: 'Distribution of the scores. Default uniform.' }),
    }),
    grasp: z.object({
      temperature: z.number().positive().finite().optional().meta({ description: 'Softmax temperature of the loss. Default 200.' }),
      hessian: z.enum(['finite-difference', 'exact']).optional().meta({ description: 'How the Hessian-gradient product is computed. Default exact.' }),
      step: z.number().positive().finite().optional().meta({ description: 'Finite-difference step relative to the weights. Default 1e-3.' }),
    }),
    taylor: z.object({ criterion: z.enum(['squared', 'abs']).optional().meta({ description: '(g·w)² or |g·w|. Default squared.' }) }),
    movement: z.object({
      source: z.custom<MovementScores>((value) => value instanceof MovementScores, { message: 'expected the MovementScores object that owns the scores' }),
    }),
  },
  schedule: {
    'one-shot': z.object({ step: step('The step of the single prune.'), sparsity: z.number().min(0).max(1).meta({ description: 'Sparsity to prune to.' }) }),
    constant: z.object({
      sparsity: fraction('The sparsity applied at every pruning step.'),
      begin: step('First step at which masks are updated. Default 0.').optional(),
      end: z.number().int().min(-1).optional().meta({ description: 'Last step at which masks may be updated, or -1 for forever. Default -1.' }),
      frequency: positiveStep('Steps between mask updates. Default 100.').optional(),
    }),
    polynomial: z.object({
      initialSparsity: fraction('Sparsity at begin. Default 0.').optional(),
      finalSparsity: fraction('Sparsity from end on.'),
      begin: step('First pruning step. Default 0.').optional(),
      end: step('Last pruning step.'),
      power: z.number().positive().finite().optional().meta({ description: 'Exponent of the decay. Default 3.' }),
      frequency: positiveStep('Steps between mask updates. Default 100.').optional(),
    }),
    cubic: z.object({
      initialSparsity: fraction('s_i, the sparsity at t0. Default 0.').optional(),
      finalSparsity: fraction('s_f, reached at t0 + nΔt.'),
      begin: step('t0, the first pruning step. Default 0.').optional(),
      frequency: positiveStep('Δt, steps between two mask updates.'),
      pruningSteps: positiveStep('n, the number of pruning intervals.'),
    }),
    iterative: z.object({
      rate: z.number().gt(0).lt(1).meta({ description: 'Fraction of the remaining weights pruned each round.' }),
      rounds: positiveStep('Number of pruning rounds.'),
      stepsPerRound: positiveStep('Training steps in each round.'),
      begin: step('Step at which round 0 starts. Default 0.').optional(),
    }),
  },
  pattern: {
    unstructured: z.object({}),
    'n:m': z.object({ n: z.number().int().min(1).meta({ description: 'Weights kept in each group.' }), m: z.number().int().min(1).meta({ description: 'Group size.' }) }),
    block: z.object({
      rows: z.number().int().min(1),
      cols: z.number().int().min(1),
      pooling: z.enum(['mean', 'max']).optional().meta({ description: 'How a block is scored. Default mean.' }),
    }),
    groups: z.object({
      group: z.enum(['neuron', 'filter', 'output', 'channel', 'input']).meta({ description: 'Which weights form a group.' }),
      norm: z.enum(['l1', 'l2']).optional().meta({ description: 'How a group is scored. Default l2.' }),
    }),
  },
});
