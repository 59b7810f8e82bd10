import * as tf from '@tensorflow/tfjs-core';
import { isSparseError, Scorers, type Scorer, type SparseRuntime } from '@sparse/core';

/**
 * Whether a scorer can score a bare checkpoint, where there are weights but no data and no model:
 *
 * - `weights`: it scores the weights alone (magnitude, random, …);
 * - `data`: it needs what a checkpoint does not have, `needs` says what (a batch and the loss for
 *   SNIP, GraSP, Taylor; a model to run for SynFlow);
 * - `unavailable`: it cannot be built with the options given (`reason`, e.g. movement needs the
 *   object that accumulated its scores during training).
 *
 * @example
 * ```ts
 * import type { ScorerUse } from '@sparse/cli';
 *
 * const use: ScorerUse = { kind: 'data', needs: 'a batch of data and the loss' };
 * ```
 */
export type ScorerUse =
  | { readonly kind: 'weights' }
  | { readonly kind: 'data'; readonly needs: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** The scoring-input fields a checkpoint cannot give (core's scorers name them in `E_ARGUMENT` details), and what they are. */
const MISSING_INPUTS: ReadonlyMap<string, string> = new Map([
  ['batch', 'a batch of data'],
  ['batches', 'batches of data'],
  ['loss', 'the loss to differentiate'],
  ['model', 'a model to run (its forward function)'],
]);

/**
 * Tells whether a scorer works on weights alone. A scorer that declares `requiresData` needs a
 * batch and the loss. One that does not is asked to score one small tensor with no batch and no
 * model: if it then fails because that input is missing (SynFlow runs the model), it needs it too.
 * Any other failure of that probe is left to the real scoring to report.
 *
 * @param scorer - a built scorer.
 * @param seed - the scoring input's seed (random scorers need one).
 *
 * @example
 * ```ts
 * import { createRuntime, Scorers } from '@sparse/core';
 * import { scorerUse } from '@sparse/cli';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(await scorerUse(runtime.create(Scorers, 'snip'), 0)); // { kind: 'data', needs: … }
 * ```
 */
export async function scorerUse(scorer: Scorer, seed: number): Promise<ScorerUse> {
  if (scorer.requiresData) return { kind: 'data', needs: 'a batch of data and the loss (it is data-driven)' };
  const initial = tf.tensor([1, -2, 3, -4], [2, 2], 'float32');
  const variable = tf.variable(initial, false);
  try {
    const scores = await scorer.score({ parameters: [{ name: 'probe', role: 'dense-kernel', variable }], masks: new Map(), seed });
    tf.dispose([...scores.values()]);
    return { kind: 'weights' };
  } catch (error) {
    const missing = isSparseError(error, 'E_ARGUMENT') ? MISSING_INPUTS.get(String(error.details.field)) : undefined;
    if (missing !== undefined) return { kind: 'data', needs: missing };
    return { kind: 'weights' };
  } finally {
    tf.dispose([initial, variable]);
  }
}

/**
 * One registered scorer as `sparse prune --help` lists it.
 *
 * @example
 * ```ts
 * import type { ScorerListing } from '@sparse/cli';
 *
 * const listing: ScorerListing = { name: 'random', pluginId: '@sparse/core/toolkit', options: ['seed', 'distribution'], use: { kind: 'weights' } };
 * ```
 */
export interface ScorerListing {
  /** The name `--scorer` takes. */
  readonly name: string;
  /** The plugin that registered it. */
  readonly pluginId?: string;
  /** Its one-line summary, when it declares one. */
  readonly summary?: string;
  /** The options it declares (`--scorer-option KEY=VALUE`). */
  readonly options: readonly string[];
  /** Whether it can prune a checkpoint, with its default options. */
  readonly use: ScorerUse;
}

/** The first problem of an error's message, without the "Invalid config (1 problem):" heading (`option source: expected …`). */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.replace(/^\s*-\s*/, '').trim());
  const useful = lines.filter((line) => line !== '' && !/^Invalid config\b/.test(line));
  const reason = (useful[0] ?? lines[0] ?? text).replace(/^scorer\./, 'option ');
  return /[.!?]$/.test(reason) ? reason : `${reason}.`;
}

/**
 * Every scorer a runtime has, with its plugin, summary, options and whether it can prune a
 * checkpoint (built with its default options, see {@link scorerUse}), sorted by name.
 *
 * @param runtime - the runtime of the command (built-in plugins plus `--plugin`s).
 * @param seed - the seed the probe scores with.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { listScorers } from '@sparse/cli';
 *
 * const listings = await listScorers(await createRuntime({ backend: 'cpu' }));
 * console.log(listings.filter((s) => s.use.kind === 'weights').map((s) => s.name)); // ['magnitude', 'random']
 * ```
 */
export async function listScorers(runtime: SparseRuntime, seed = 0): Promise<ScorerListing[]> {
  const listings: ScorerListing[] = [];
  for (const name of runtime.names(Scorers)) {
    const entry = runtime.describe(Scorers, name);
    let use: ScorerUse;
    try {
      use = await scorerUse(runtime.create(Scorers, name), seed);
    } catch (error) {
      use = { kind: 'unavailable', reason: reasonOf(error) };
    }
    listings.push({
      name,
      ...(entry?.pluginId === undefined ? {} : { pluginId: entry.pluginId }),
      ...(entry?.summary === undefined ? {} : { summary: entry.summary }),
      options: entry?.options === undefined ? [] : Object.keys(entry.options.shape),
      use,
    });
  }
  return listings;
}

/**
 * The text block of `sparse prune --help` that lists the registered scorers: name, summary,
 * options, the plugin of those not from core, and why a scorer cannot prune a checkpoint,
 * word-wrapped to `columns`.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { formatScorerListings, listScorers } from '@sparse/cli';
 *
 * console.log(formatScorerListings(await listScorers(await createRuntime({ backend: 'cpu' }))));
 * ```
 */
export function formatScorerListings(listings: readonly ScorerListing[], columns = 100): string {
  const width = Math.max(0, ...listings.map((listing) => listing.name.length));
  const indent = ' '.repeat(width + 4);
  const lines = listings.flatMap((listing) => {
    const parts = [listing.summary ?? ''];
    if (listing.options.length > 0) parts.push(`Options: ${listing.options.join(', ')}.`);
    if (listing.pluginId !== undefined && !listing.pluginId.startsWith('@sparse/core')) parts.push(`(plugin ${listing.pluginId})`);
    if (listing.use.kind === 'data') parts.push(`Needs ${listing.use.needs}: not usable on a checkpoint.`);
    if (listing.use.kind === 'unavailable') parts.push(`Not usable here: ${listing.use.reason}`);
    return wrap(`  ${listing.name.padEnd(width)}  `, parts.filter((part) => part !== '').join(' '), indent, columns);
  });
  return `${lines.join('\n')}\n`;
}

/** Word-wraps `text` after `first` to `columns`, continuation lines indented by `indent`. */
function wrap(first: string, text: string, indent: string, columns: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = indent + word;
    } else line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line.trimEnd());
  return lines;
}
