import { SparseError, definePlugin, type SparsePlugin } from '@sparse/core';
import { DeltaPruners } from '../tokens.js';
import { resolveDeltaPruneOptions, type DeltaPruneOptions, type ResolvedDeltaPruneOptions } from '../options/delta-prune-options.js';
import type { RescaleRule } from '../options/rescale.js';
import { pruneDeltas, type DeltaPruneResult, type NamedArrays } from '../tensors/prune-deltas.js';

/**
 * A named, configured delta-pruning method, as a runtime resolves it from a config
 * (`{ "deltaPruner": "darex-q", "rate": 0.99, "q": 0.2 }`).
 *
 * @example
 * ```ts
 * import type { DeltaPruner } from '@sparse/delta';
 *
 * declare const pruner: DeltaPruner;
 * declare const base: Map<string, Float32Array>, tuned: Map<string, Float32Array>;
 * const { tensors, report } = await pruner.prune(base, tuned);
 * console.log(pruner.name, report.description);
 * ```
 */
export interface DeltaPruner {
  /** The registered name: `dare`, `drop-only`, `darex-q`, `magnitude`, … */
  readonly name: string;
  /** The resolved options it prunes with (rescale included: never hidden). */
  readonly options: ResolvedDeltaPruneOptions;
  /** Returns `base + δ̃` (see {@link pruneDeltas}); `seed` overrides the configured one. */
  prune(base: NamedArrays, finetuned: NamedArrays, seed?: number): Promise<DeltaPruneResult>;
}

/**
 * The name of a delta-pruning method {@link deltaPruning} registers: `dare` (random drops,
 * rescale `1/(1−p)`), `drop-only` (random drops, no rescale), `darex-q` (random drops, rescale
 * `1/q`, `q` required), `magnitude` (drop the smallest `|δ|`, rescale `none` unless given).
 *
 * @example
 * ```ts
 * import type { DeltaPrunerName } from '@sparse/delta';
 *
 * const name: DeltaPrunerName = 'darex-q';
 * ```
 */
export type DeltaPrunerName = 'dare' | 'drop-only' | 'darex-q' | 'magnitude';

/** The methods {@link deltaPruning} registers. */
const NAMES: readonly DeltaPrunerName[] = ['dare', 'drop-only', 'darex-q', 'magnitude'];

const ALLOWED_KEYS: Readonly<Record<DeltaPrunerName, readonly string[]>> = {
  dare: ['rate', 'seed', 'exclude'],
  'drop-only': ['rate', 'seed', 'exclude'],
  'darex-q': ['rate', 'seed', 'exclude', 'q'],
  magnitude: ['rate', 'exclude', 'scope', 'rescale', 'q'],
};

function parseExclude(value: unknown): RegExp[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' || entry instanceof RegExp)) {
    throw new SparseError('E_CONFIG', 'exclude must be an array of regular expressions (strings or RegExp).', { field: 'exclude', received: value });
  }
  return value.map((entry: string | RegExp) => {
    if (entry instanceof RegExp) return entry;
    try {
      return new RegExp(entry);
    } catch (error) {
      throw new SparseError('E_CONFIG', `exclude ${JSON.stringify(entry)} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}.`, { field: 'exclude', received: entry });
    }
  });
}

/**
 * Builds a {@link DeltaPruner} from a method name and the options of a config. Unknown options,
 * and options a method does not take (a `rescale` for `dare`), are `E_CONFIG` errors, so a typo
 * never silently changes the semantics.
 *
 * @example
 * ```ts
 * import { createDeltaPruner } from '@sparse/delta';
 *
 * const darex = createDeltaPruner('darex-q', { rate: 0.99, q: 0.2, seed: 0 });
 * const magnitude = createDeltaPruner('magnitude', { rate: 0.9, scope: 'global' });
 * ```
 */
export function createDeltaPruner(name: DeltaPrunerName, config: Readonly<Record<string, unknown>>): DeltaPruner {
  if (!NAMES.includes(name)) {
    throw new SparseError('E_CONFIG', `Unknown delta pruner ${JSON.stringify(name)}; allowed: ${NAMES.join(', ')}.`, { field: 'name', received: name, allowed: NAMES });
  }
  const allowed = ALLOWED_KEYS[name];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new SparseError('E_CONFIG', `Delta pruner '${name}' has no option '${key}'; its options are: ${allowed.join(', ')}.`, { field: key, allowed });
    }
  }
  const exclude = parseExclude(config['exclude']);
  let rescale: RescaleRule;
  if (name === 'dare') rescale = 'dare';
  else if (name === 'drop-only') rescale = 'none';
  else if (name === 'darex-q') {
    if (config['q'] === undefined) throw new SparseError('E_CONFIG', "Delta pruner 'darex-q' needs q, in [1 − rate, 1] (kept deltas are multiplied by 1/q).", { field: 'q' });
    rescale = { q: config['q'] as number };
  } else {
    const rule = config['rescale'] ?? (config['q'] === undefined ? 'none' : 'q');
    if (rule === 'q') {
      if (config['q'] === undefined) throw new SparseError('E_CONFIG', "rescale 'q' needs q.", { field: 'q' });
      rescale = { q: config['q'] as number };
    } else if (rule === 'dare' || rule === 'none' || rule === 'l1') {
      if (config['q'] !== undefined) throw new SparseError('E_CONFIG', `q is only used with rescale 'q'; got rescale '${rule}'.`, { field: 'q' });
      rescale = rule;
    } else {
      throw new SparseError('E_CONFIG', `rescale must be one of dare, none, q, l1; got ${JSON.stringify(rule)}.`, { field: 'rescale', received: rule, allowed: ['dare', 'none', 'q', 'l1'] });
    }
  }
  const options: DeltaPruneOptions = {
    rate: config['rate'] as number,
    method: name === 'magnitude' ? 'magnitude' : 'random',
    rescale,
    ...(config['scope'] === undefined ? {} : { scope: config['scope'] as 'tensor' | 'global' }),
    ...(exclude === undefined ? {} : { exclude }),
    ...(config['seed'] === undefined ? {} : { seed: config['seed'] as number }),
  };
  const resolved = resolveDeltaPruneOptions(options);
  return Object.freeze({
    name,
    options: resolved,
    prune: (base: NamedArrays, finetuned: NamedArrays, seed?: number) =>
      pruneDeltas(base, finetuned, { ...options, ...(seed === undefined ? {} : { seed }) }),
  });
}

/**
 * The plugin registering the delta-pruning methods as {@link DeltaPruners}: `dare`, `drop-only`,
 * `darex-q` and `magnitude` (see {@link DeltaPrunerName}).
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { DeltaPruners, deltaPruning } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPruning()] });
 * console.log(runtime.names(DeltaPruners)); // ['dare', 'darex-q', 'drop-only', 'magnitude']
 * const pruner = runtime.create(DeltaPruners, 'darex-q', { rate: 0.99, q: 0.2 });
 * ```
 */
export function deltaPruning(_options: Record<string, never> = {}): SparsePlugin {
  return definePlugin('@sparse/delta', (registry) => {
    for (const name of NAMES) registry.provide(DeltaPruners, name, (config) => createDeltaPruner(name, config));
  });
}
