import { formatOptionPath, optionIssuesFromZod, Scorers, type OptionsSchema, type Scorer, type SparseRuntime } from '@sparse/core';
import { didYouMean } from '@sparse/experiments';
import { listScorers, scorerUse } from './checkpoint-scorers.js';
import type { PruneOptions } from './prune-options.js';
import { usageError } from './usage-error.js';

/**
 * The options the scorer is built with: `--scorer-option`s, plus `--seed` as the scorer's `seed`
 * option when it declares one that `--scorer-option` does not set (the random scorer). The run
 * seed also reaches every scorer as the scoring input's seed, which the random scorer prefers: a
 * seed beyond the option's range (the input takes any integer below 2^53) is passed that way only,
 * so `--scorer random --seed N` draws the same masks for every N as before scorers had options.
 */
function optionsWithSeed(schema: OptionsSchema | undefined, given: Readonly<Record<string, unknown>>, seed: number): Record<string, unknown> {
  const options = { ...given };
  const seedSchema = schema?.shape['seed'];
  if (seedSchema !== undefined && options['seed'] === undefined && seedSchema.safeParse(seed).success) options['seed'] = seed;
  return options;
}

/** Checks the options against the scorer's declared schema: `E_CONFIG` naming `--scorer-option KEY` and the scorer's options. */
function checkScorerOptions(name: string, schema: OptionsSchema | undefined, options: Readonly<Record<string, unknown>>): void {
  const keys = Object.keys(options);
  if (schema === undefined) {
    const [key] = keys;
    if (key !== undefined) throw usageError('--scorer-option', key, [], `--scorer-option ${key}: the scorer ${name} takes no options.`);
    return;
  }
  const result = schema.strict().safeParse(options);
  if (result.success) return;
  const allowed = Object.keys(schema.shape);
  const issues = optionIssuesFromZod(result.error.issues, options, [], schema);
  const problems = issues.map((issue) => {
    const key = formatOptionPath(issue.path);
    return issue.message.startsWith('unknown field') ? `${key} is not an option of the scorer ${name}` : `${key}: ${issue.message}`;
  });
  const first = issues[0];
  throw usageError(
    '--scorer-option',
    first === undefined ? options : options[String(first.path[0])],
    allowed,
    `--scorer-option ${problems.join('; ')}. The options of ${name}: ${allowed.length > 0 ? allowed.join(', ') : '(none)'}.`,
  );
}

/**
 * Builds the scorer `sparse prune` ranks weights with, through the runtime: `--scorer NAME` (any
 * registered scorer, core's or a plugin's) with its `--scorer-option`s checked against the
 * scorer's declared options (and `--seed` as its `seed` option when it has one). A checkpoint has
 * weights only, so a scorer that needs data or a model (SNIP, GraSP, Taylor, SynFlow) is refused,
 * naming the scorers that work on weights alone.
 *
 * @param runtime - from `createPruneRuntime`: built-in plugins plus `--plugin`s.
 * @param options - `scorer`, `seed` and the parsed `--scorer-option`s (none when absent).
 * @throws SparseError `E_CONFIG` (exit code 2) for an unknown scorer, an invalid option or a scorer that needs data.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { resolvePruneScorer } from '@sparse/cli';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * const scorer = await resolvePruneScorer(runtime, { scorer: 'random', seed: 7, scorerOptions: { distribution: 'normal' } });
 * console.log(scorer.name); // 'random'
 * ```
 */
export async function resolvePruneScorer(
  runtime: SparseRuntime,
  options: Pick<PruneOptions, 'scorer' | 'seed'> & { readonly scorerOptions?: Readonly<Record<string, unknown>> },
): Promise<Scorer> {
  const name = options.scorer;
  if (!runtime.has(Scorers, name)) {
    const names = runtime.names(Scorers);
    const guess = didYouMean(name, names);
    throw usageError(
      '--scorer',
      name,
      names,
      `--scorer ${bare(name)}: no scorer of that name is registered${guess === undefined ? '' : ` (did you mean ${guess}?)`}; registered: ${names.join(', ')}. A plugin adds more: --plugin SPEC.`,
    );
  }
  const schema = runtime.describe(Scorers, name)?.options;
  const scorerOptions = optionsWithSeed(schema, options.scorerOptions ?? {}, options.seed);
  checkScorerOptions(name, schema, scorerOptions);
  const scorer = runtime.create(Scorers, name, scorerOptions);
  const use = await scorerUse(scorer, options.seed);
  if (use.kind !== 'weights') {
    const usable = (await listScorers(runtime, options.seed)).filter((listing) => listing.use.kind === 'weights').map((listing) => listing.name);
    throw usageError(
      '--scorer',
      name,
      usable,
      `--scorer ${bare(name)} cannot prune a checkpoint: it needs ${use.kind === 'data' ? use.needs : use.reason}, and a safetensors file holds weights only. ` +
        `Scorers that work on the weights alone: ${usable.join(', ')}. Data-driven scorers run inside experiments (sparse run CONFIG).`,
    );
  }
  return scorer;
}

/** A name as echoed in a message: as given when short, else cut (a flag's value may be megabytes). */
function bare(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}… (${name.length} characters)` : name;
}
