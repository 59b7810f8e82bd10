import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SELECTION_MODES, SparseError, echoValue, type SelectionMode } from '@sparse/core';
import { repeatedFlag } from '../args/command-args.js';
import { parseDecimal } from '../args/decimal.js';
import { canCreateFiles } from '../args/writable-folder.js';
import type { PruneOptions, PrunePattern } from './prune-options.js';
import { parseScorerOptions } from './scorer-options.js';
import { usageError } from './usage-error.js';

const SCOPES = ['layerwise', 'global'] as const;
/** `pytorch` first: the default, so that masks agree with torch.nn.utils.prune. */
const MODES: readonly SelectionMode[] = ['pytorch', ...SELECTION_MODES.filter((mode) => mode !== 'pytorch')];

/**
 * The flags of `sparse prune`, in the form `node:util`'s `parseArgs` takes.
 *
 * @example
 * ```ts
 * import { parseArgs } from 'node:util';
 * import { PRUNE_FLAGS } from '@sparse/cli';
 *
 * const { values } = parseArgs({ args: ['--in', 'w.safetensors'], options: PRUNE_FLAGS, strict: true });
 * console.log(values.in); // 'w.safetensors'
 * ```
 */
export const PRUNE_FLAGS = {
  in: { type: 'string' },
  out: { type: 'string' },
  sparsity: { type: 'string' },
  scope: { type: 'string' },
  scorer: { type: 'string' },
  pattern: { type: 'string' },
  mode: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  masks: { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  'scorer-option': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw usageError(flag, value, allowed);
  return value as T;
}

/**
 * Parses `--pattern`: `unstructured`, or `N:M` with integers `1 ≤ N ≤ M` (keep N of every M).
 *
 * @example
 * ```ts
 * import { parsePattern } from '@sparse/cli';
 *
 * console.log(parsePattern('2:4')); // { kind: 'n:m', n: 2, m: 4 }
 * ```
 */
export function parsePattern(value: string | undefined): PrunePattern {
  if (value === undefined || value === 'unstructured') return { kind: 'unstructured' };
  const match = /^(\d+):(\d+)$/.exec(value);
  const allowed = "unstructured, or N:M with integers 1 <= N <= M (keep N of every M consecutive input weights, e.g. 2:4)";
  if (match === null) throw usageError('--pattern', value, allowed, `--pattern must be ${allowed}; got ${echoValue(value)}.`);
  const n = Number(match[1]);
  const m = Number(match[2]);
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(m)) {
    throw usageError('--pattern', value, allowed, `--pattern ${shown(value)}: N and M must be integers below 2^53 (keep N of every M consecutive input weights, e.g. 2:4).`);
  }
  if (n < 1 || m < 1 || n > m) {
    throw usageError('--pattern', value, allowed, `--pattern ${shown(value)} is not a valid N:M pattern: N must be between 1 and M (keep N of every M consecutive input weights, e.g. 2:4).`);
  }
  return { kind: 'n:m', n, m };
}

/**
 * The run seed: `--seed`, else an integer `--scorer-option seed=N` (the scoring input's seed must
 * agree with the scorer's seed option, which it overrides), else 0. Both given must agree.
 */
function runSeed(flag: string | undefined, scorerOptions: Readonly<Record<string, unknown>>): number {
  const optionSeed = scorerOptions['seed'];
  const fromOption = typeof optionSeed === 'number' && Number.isSafeInteger(optionSeed) && optionSeed >= 0 ? optionSeed : undefined;
  if (flag === undefined) return fromOption ?? 0;
  const seed = Number(flag);
  if (!/^\d+$/.test(flag) || !Number.isSafeInteger(seed)) {
    throw usageError('--seed', flag, 'an integer in [0, 2^53)', `--seed must be an integer in [0, 2^53); got ${echoValue(flag)}.`);
  }
  if (optionSeed !== undefined && optionSeed !== seed) {
    throw usageError('--scorer-option', optionSeed, [seed], `--seed ${flag} and --scorer-option seed=${echoValue(optionSeed)} disagree; give the seed once.`);
  }
  return seed;
}

function parseRegexes(flag: string, values: readonly string[] | undefined): RegExp[] {
  return (values ?? []).map((source) => {
    try {
      const regex = new RegExp(source);
      regex.test(''); // V8 compiles lazily: a pattern too large to compile fails here, not while naming tensors
      return regex;
    } catch (error) {
      const reason = shortReason(error);
      throw usageError(flag, source, 'a JavaScript regular expression', `${flag} ${echoValue(source)} is not a valid regular expression: ${reason}.`);
    }
  });
}

/** An error of `parseArgs` in one line, the option it echoes cut to a readable length. */
function shortReason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\n+/g, ' ');
  return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}

/** The real path of a file, or of its folder joined with its name when it does not exist yet. */
async function canonical(path: string): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  const folder = await realpath(dirname(path)).catch(() => dirname(path));
  return join(folder, basename(path));
}

/** A path as echoed in a message: whole when short, else cut (a flag's value may be megabytes). */
function shown(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}… (${path.length} characters)` : path;
}

async function checkOutputPath(flag: string, path: string, given: string): Promise<void> {
  const folder = dirname(path);
  const info = await stat(folder).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw usageError(flag, path, 'a path in an existing folder', `${flag} ${shown(given)}: the folder ${shown(folder)} does not exist; create it first.`);
  }
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory() === true) {
    throw usageError(flag, path, 'a file path', `${flag} ${shown(given)} is a directory; give a file name.`);
  }
  if (!(await canCreateFiles(folder))) {
    throw usageError(flag, path, 'a path in a writable folder', `${flag} ${shown(given)}: the folder ${shown(folder)} exists but is not writable (new files cannot be created there).`);
  }
}

/**
 * Parses and validates the arguments of `sparse prune` (everything but the input file's
 * contents): flags and their values, regular expressions, the input file's existence, output
 * folders, and that no two of `--in`, `--out`, `--masks` are the same file. Throws `E_CONFIG`
 * (exit code 2) naming the flag, the value and what is allowed. The scorer's name and its
 * `--scorer-option`s are checked against the registered scorers once the plugins are loaded
 * (`resolvePruneScorer`).
 *
 * @param argv - the arguments after `sparse prune`.
 * @param cwd - the folder relative paths are resolved against.
 *
 * @example
 * ```ts
 * import { parsePruneArgs } from '@sparse/cli';
 *
 * const options = await parsePruneArgs(['--in', 'w.safetensors', '--out', 'p.safetensors', '--sparsity', '0.9', '--scope', 'global'], process.cwd());
 * console.log(options.scope, options.sparsity); // 'global' 0.9
 * ```
 */
export async function parsePruneArgs(argv: readonly string[], cwd: string): Promise<PruneOptions> {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof PRUNE_FLAGS; strict: true; allowPositionals: false }>>['values'];
  try {
    const parsed = parseArgs({ args: [...argv], options: PRUNE_FLAGS, strict: true, allowPositionals: false, tokens: true });
    values = parsed.values;
    const repeated = repeatedFlag(parsed.tokens, PRUNE_FLAGS);
    if (repeated !== undefined) throw usageError(`--${repeated.name}`, repeated.count, 'once', `--${repeated.name} was given ${repeated.count} times; give it once.`);
  } catch (error) {
    if (error instanceof SparseError) throw error;
    const reason = shortReason(error);
    const flags = Object.keys(PRUNE_FLAGS).map((flag) => `--${flag}`);
    throw new SparseError('E_CONFIG', `${reason.replace(/\.?$/, '.')} Known flags: ${flags.join(', ')}.`, { allowed: flags });
  }
  if (values.in === undefined || values.in === '') throw usageError('--in', undefined, 'a safetensors file', '--in is required: the safetensors file to prune.');
  if (values.out === undefined || values.out === '') throw usageError('--out', undefined, 'a file path', '--out is required: where to write the pruned safetensors file.');

  const pattern = parsePattern(values.pattern);
  let sparsity: number;
  if (values.sparsity === undefined) {
    if (pattern.kind !== 'n:m') throw usageError('--sparsity', undefined, '[0, 1]', '--sparsity is required: the fraction of weights to prune, a number in [0, 1].');
    sparsity = 1 - pattern.n / pattern.m;
  } else {
    sparsity = parseDecimal(values.sparsity) ?? Number.NaN;
    if (!(sparsity >= 0 && sparsity <= 1)) {
      throw usageError('--sparsity', values.sparsity, '[0, 1]', `--sparsity must be a number in [0, 1] (the fraction of weights to prune); got ${echoValue(values.sparsity)}.`);
    }
    if (pattern.kind === 'n:m' && Math.abs(sparsity - (1 - pattern.n / pattern.m)) > 1e-12) {
      throw usageError('--sparsity', values.sparsity, `${1 - pattern.n / pattern.m} or omitted`, `--sparsity ${echoValue(values.sparsity)} contradicts --pattern ${pattern.n}:${pattern.m}, which prunes ${1 - pattern.n / pattern.m} of the weights; omit --sparsity with an N:M pattern.`);
    }
  }
  const scope = oneOf('--scope', values.scope, SCOPES, 'layerwise');
  if (pattern.kind === 'n:m' && scope === 'global') {
    throw usageError('--scope', 'global', ['layerwise'], '--scope global cannot be combined with an N:M pattern, which prunes every group of M weights alike; use --scope layerwise (the default).');
  }
  const scorer = values.scorer ?? 'magnitude';
  if (scorer === '') throw usageError('--scorer', '', 'a registered scorer name such as magnitude', '--scorer needs a name, e.g. magnitude or random (sparse prune --help lists the registered scorers).');
  const scorerOptions = parseScorerOptions(values['scorer-option'] ?? []);
  const mode = oneOf('--mode', values.mode, MODES, 'pytorch');
  const seed = runSeed(values.seed, scorerOptions);
  const plugins = values.plugin ?? [];
  if (plugins.includes('')) throw usageError('--plugin', '', 'a package name or a path', '--plugin needs a package name or a path to a plugin module.');
  const include = parseRegexes('--include', values.include);
  const exclude = parseRegexes('--exclude', values.exclude);
  if (values.backend === '') throw usageError('--backend', '', 'a backend name such as wasm or cpu', '--backend needs a name, e.g. wasm or cpu.');

  const input = resolve(cwd, values.in);
  const inputInfo = await stat(input).catch(() => undefined);
  if (inputInfo === undefined) throw usageError('--in', values.in, 'an existing safetensors file', `--in ${shown(values.in)}: no such file.`);
  if (!inputInfo.isFile()) throw usageError('--in', values.in, 'an existing safetensors file', `--in ${shown(values.in)} is not a file.`);
  const output = resolve(cwd, values.out);
  const masks = values.masks === undefined ? undefined : resolve(cwd, values.masks);
  await checkOutputPath('--out', output, values.out);
  if (masks !== undefined && values.masks !== undefined) await checkOutputPath('--masks', masks, values.masks);
  const paths = [['--in', await canonical(input)], ['--out', await canonical(output)], ...(masks === undefined ? [] : [['--masks', await canonical(masks)]])] as const;
  for (const [i, [flagA, pathA]] of paths.entries()) {
    for (const [flagB, pathB] of paths.slice(i + 1)) {
      if (pathA === pathB) {
        throw usageError(flagB, pathB, `a file other than ${flagA}`, `${flagB} is the same file as ${flagA} (${shown(pathA)}); write to a different file.`);
      }
    }
  }
  return {
    input,
    output,
    ...(masks === undefined ? {} : { masks }),
    sparsity,
    scope,
    scorer,
    scorerOptions,
    plugins,
    pattern,
    mode,
    include,
    exclude,
    seed,
    ...(values.backend === undefined ? {} : { backend: values.backend }),
  };
}
