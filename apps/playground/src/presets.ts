/**
 * The experiments the picker offers: the shipped quick lottery-ticket config (the default, as
 * `pnpm lth` runs it) and a shorter variant of it for a first look.
 */
import quick from '../../../examples/lth/lenet-fashion-mnist-quick.json' with { type: 'json' };

/** A config as written in a file (validated by the worker). */
export type RawConfig = Record<string, unknown>;

/** One entry of the experiment picker. */
export interface Preset {
  readonly id: string;
  readonly label: string;
  readonly config: RawConfig;
}

const { $schema: _schema, ...quickConfig } = quick as RawConfig;

export const PRESETS: readonly Preset[] = [
  { id: 'quick', label: 'Quick LTH: LeNet-300-100, Fashion-MNIST subset, 8 rounds (examples/lth/lenet-fashion-mnist-quick.json)', config: quickConfig },
  {
    id: 'short',
    label: 'Short LTH: the quick one with 3 rounds of 1 epoch, one seed',
    config: { ...quickConfig, name: 'lenet-fashion-mnist-short', seeds: [0], rounds: 3, epochsPerRound: 1, branches: { ticket: true, reinit: true, randomPrune: { levels: [1, 2, 3], shuffle: 'layerwise' } } },
  },
];

/** What the form lets a person change. */
export interface Overrides {
  readonly rate: number;
  readonly outputRate: number;
  readonly rounds: number;
  readonly epochsPerRound: number;
  readonly scorer: string;
  readonly seeds: readonly number[];
}

/** The preset's config with the form's values. */
export function configFor(preset: Preset, overrides: Overrides): RawConfig {
  const rates = { ...(preset.config['rates'] as RawConfig), default: overrides.rate, output: overrides.outputRate };
  const config: RawConfig = { ...preset.config, rates, rounds: overrides.rounds, epochsPerRound: overrides.epochsPerRound, scorer: overrides.scorer, seeds: [...overrides.seeds] };
  // Random pruning at explicit levels must stay within the rounds.
  const branches = preset.config['branches'] as { randomPrune?: { levels?: number[]; shuffle: string } } | undefined;
  const levels = branches?.randomPrune?.levels;
  if (levels !== undefined) {
    config['branches'] = { ...branches, randomPrune: { ...branches?.randomPrune, levels: Array.from({ length: overrides.rounds }, (_, i) => i + 1) } };
  }
  return config;
}

/** Seeds typed as `0, 1` (integers, at least one). */
export function parseSeeds(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter((part) => part !== '');
  const seeds = parts.map(Number);
  if (seeds.length === 0 || !seeds.every((seed) => Number.isSafeInteger(seed) && seed >= 0)) return undefined;
  return [...new Set(seeds)];
}
