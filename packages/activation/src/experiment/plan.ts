import { refName, type SparseRuntime } from '@sparse/core';
import type { ModelBuilder } from '../models/model-builder.js';
import type { Sparsifier, SparsityLevel } from '../sparsifiers/sparsifier.js';
import { ActivationModels, Sparsifiers } from '../tokens.js';
import type { ActivationExperimentConfig, ActivationModelConfig } from './config.js';
import { resolveAt } from './resolve-at.js';

/** A sparsifier of a model, resolved, with its levels. @internal */
export interface PlannedSparsifier {
  readonly sparsifier: Sparsifier;
  /** Its label made into a unit-id segment (`cats-histogram`). */
  readonly slug: string;
  readonly levels: readonly SparsityLevel[];
  /** The config field that names it. */
  readonly field: string;
}

/** One model of a run: its builder, sparsifiers and fine-tuning, resolved through the runtime. @internal */
export interface ModelPlan {
  readonly index: number;
  readonly id: string;
  readonly config: ActivationModelConfig;
  readonly builder: ModelBuilder;
  readonly sparsifiers: readonly PlannedSparsifier[];
  readonly fineTune: (PlannedSparsifier & { readonly learningRates: readonly number[]; readonly epochs: number }) | undefined;
}

/** The unit-id segment of a label: `CHESS+ (MLP)` → `chess-plus-mlp`. @internal */
export function slugOf(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/\+/g, '-plus')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'sparsifier' : slug.slice(0, 60);
}

/** The unit-id segment of a level: `target-0.5`, `k-128`. @internal */
export function levelId(level: SparsityLevel): string {
  return 'k' in level ? `k-${level.k}` : `target-${level.target}`;
}

/** How a level reads in tables: `50 %`, `k = 128`. @internal */
export function levelLabel(level: SparsityLevel): string {
  return 'k' in level ? `k = ${level.k}` : `${Number((100 * level.target).toFixed(2))} %`;
}

/** The id of a model entry: its `id`, else the model's name. @internal */
export function modelId(model: ActivationModelConfig): string {
  return model.id ?? refName(model.model);
}

function planSparsifier(runtime: SparseRuntime, ref: Parameters<typeof refName>[0], field: string, targets: readonly number[]): PlannedSparsifier {
  const sparsifier = resolveAt(runtime, Sparsifiers, ref, field);
  return { sparsifier, slug: slugOf(sparsifier.label), levels: sparsifier.levels(targets), field };
}

/** Resolves one model entry of a config through the runtime. @internal */
export function planModel(runtime: SparseRuntime, config: ActivationExperimentConfig, index: number): ModelPlan {
  const entry = config.models[index] as ActivationModelConfig;
  const field = `models[${index}]`;
  const builder = resolveAt(runtime, ActivationModels, entry.model, `${field}.model`);
  const sparsifiers = entry.sparsifiers.map((ref, j) => planSparsifier(runtime, ref, `${field}.sparsifiers[${j}]`, config.targets));
  let fineTune: ModelPlan['fineTune'];
  if (entry.fineTune !== undefined) {
    const planned = planSparsifier(runtime, entry.fineTune.sparsifier, `${field}.fineTune.sparsifier`, config.targets);
    const levels = entry.fineTune.targets === undefined ? planned.levels : entry.fineTune.targets.map((target) => ({ target }));
    fineTune = { ...planned, levels, learningRates: entry.fineTune.learningRates, epochs: entry.fineTune.epochs };
  }
  return { index, id: modelId(entry), config: entry, builder, sparsifiers, fineTune };
}

/** The units of one model of one replicate by role, in run order. @internal */
export interface ModelUnitIds {
  /** `seed-<seed>/<model id>`: the prefix of every unit id and stored file of this model in this replicate. */
  readonly prefix: string;
  readonly train: string;
  readonly levels: readonly { readonly id: string; readonly sparsifier: PlannedSparsifier; readonly level: SparsityLevel }[];
  readonly reluSwap: string | undefined;
  readonly fineTune: readonly { readonly id: string; readonly level: SparsityLevel; readonly learningRate: number }[];
  readonly timing: string | undefined;
}

/** The unit ids of a model in the replicate of `seed`, in run order. @internal */
export function unitIds(plan: ModelPlan, seed: number): ModelUnitIds {
  const prefix = `seed-${seed}/${plan.id}`;
  const levels = plan.sparsifiers.flatMap((sparsifier) => sparsifier.levels.map((level) => ({ id: `${prefix}/sparsify/${sparsifier.slug}/${levelId(level)}`, sparsifier, level })));
  const tune = plan.fineTune;
  const fineTune = tune === undefined ? [] : tune.learningRates.flatMap((learningRate) => tune.levels.map((level) => ({ id: `${prefix}/fine-tune/${tune.slug}/${levelId(level)}/lr-${learningRate}`, level, learningRate })));
  return { prefix, train: `${prefix}/train`, levels, reluSwap: plan.config.reluSwap ? `${prefix}/relu-swap` : undefined, fineTune, timing: plan.config.timing === undefined ? undefined : `${prefix}/timing` };
}

/** The unit ids of one model of one replicate, in run order. @internal */
export function modelUnitIdList(plan: ModelPlan, seed: number): string[] {
  const ids = unitIds(plan, seed);
  return [ids.train, ...ids.levels.map((unit) => unit.id), ...(ids.reluSwap === undefined ? [] : [ids.reluSwap]), ...ids.fineTune.map((unit) => unit.id), ...(ids.timing === undefined ? [] : [ids.timing])];
}

/** Every unit id of a run, seed by seed and model by model, in run order (the order of `results.json` and `results.jsonl`). @internal */
export function allUnitIds(plans: readonly ModelPlan[], seeds: readonly number[]): string[] {
  return seeds.flatMap((seed) => plans.flatMap((plan) => modelUnitIdList(plan, seed)));
}
