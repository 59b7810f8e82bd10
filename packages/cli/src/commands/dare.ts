import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SparseError, echoValue, isSparseError, type CatalogEntry, type SparseRuntime } from '@sparse/core';
import { BUILT_IN_DELTA_METHODS, DEFAULT_EXCLUDE, DeltaMethods, dareCheckpoint, formatDeltaReport, type DareCheckpointOptions, type DeltaMethod, type DeltaPlan } from '@sparse/delta';
import type { CliCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { commandRuntime, pluginFlagValues } from '../plugins/command-runtime.js';
import { repeatedFlag } from '../args/command-args.js';
import { parseDecimal } from '../args/decimal.js';
import { canCreateFiles } from '../args/writable-folder.js';
import { countNaNDeltas } from '../delta/nan-deltas.js';

const USAGE =
  'sparse dare --base B.safetensors --finetuned F.safetensors --out O.safetensors --rate P [--method NAME] [--rescale dare|none|q|l1] [--q Q] [--scope tensor|global] [--exclude REGEX]… [--no-exclude] [--seed N] [--plugin SPEC]…';

const HELP_HEAD = `Usage: ${USAGE}

Prunes the delta between a fine-tuned checkpoint F and its base B (delta = F − B) and writes
O = B + pruned delta for every tensor of F, in F's order, dtype (F32, F16, BF16, F64) and metadata.
Tensors are streamed in chunks: memory stays at a few tens of MB whatever the model size.

Required:
  --base FILE        The pretrained checkpoint (safetensors).
  --finetuned FILE   The fine-tuned checkpoint (safetensors).
  --out FILE         Where to write the result (a temporary file renamed at the end).
  --rate P           Drop rate p in [0, 1].

Options:
  --method NAME      The delta method (default random), one of those listed below: the
                     registered delta methods, a plugin's included. random: DARE's drops —
                     each delta entry is dropped independently with probability p; magnitude:
                     drop exactly floor(p·n) entries with the smallest |delta| (ties: lower
                     index first); dare, drop-only and darex-q name the usual rescales.
  --rescale R        What the kept entries are multiplied by (random, magnitude), never implicit:
                       dare  1/(1−p)  (default for random: DARE, unbiased)
                       none  1        (default for magnitude; DropOnly with random)
                       q     1/q      (DAREx-q; needs --q, with 1 − p <= q <= 1)
                       l1    ||delta||_1 / ||kept delta||_1 per tensor — what mergekit's
                             \`rescale: true\` does (its default for DARE merges)
  --q Q              The q of --rescale q (giving --q alone implies --rescale q), or of
                     --method darex-q.
  --scope S          magnitude only: tensor (default, floor(p·n) per tensor) or global (one
                     ranking over all pruned tensors; ties by tensor name, then index).
  --exclude REGEX    Keep tensors whose name matches as fine-tuned (repeatable; unanchored).
                     Default: ${DEFAULT_EXCLUDE.map((pattern) => pattern.source).join(' ')}
                     (classification and LM heads). Giving --exclude replaces the default.
  --no-exclude       Exclude nothing (prune heads too).
  --seed N           Seed of the random drops, an integer >= 0 (default 0). Tensor NAME draws
                     from Random(deriveSeed(N, 'dare', NAME)) of @sparse/core: the output does not
                     depend on tensor order and can be replayed (also in Python).
  --plugin SPEC      Load a plugin first (repeatable): a package name or a path relative to the
                     working directory whose default export is a plugin factory; the delta
                     methods it registers can then be named with --method.
  -h, --help         Show this help (with --plugin: the plugin's methods too).

Excluded tensors, and tensors whose dtype holds no float delta (integers, BOOL, F8), are copied
from F byte for byte; they need not exist in B. Every other tensor must have the same name,
shape and dtype in B and F. O's metadata is F's plus 'sparse.dare' (method, rate, rescale, seed).

Exit codes: 0 done; 2 the command line is wrong (flag, value, path, plugin); 1 a checkpoint is
malformed, truncated or does not match the other, or a write failed. Nothing is written unless
everything is valid.

Example:
  sparse dare --base base.safetensors --finetuned sft.safetensors --out sft-dare.safetensors \\
    --rate 0.99 --rescale q --q 0.2 --seed 1
`;

/** The methods in listing order: the delta package's own first (its order), then the others by name. */
function methodOrder(names: readonly string[]): string[] {
  const builtIn = BUILT_IN_DELTA_METHODS.map((method) => method.name);
  const rank = (name: string) => (builtIn.includes(name) ? builtIn.indexOf(name) : builtIn.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Wraps `text` to lines of at most `width` characters, the first prefixed by `head`, the others indented like it. */
function wrap(head: string, text: string, width = 100): string {
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line.length + 1 + word.length > width && line.trim() !== head.trim()) {
      lines.push(line);
      line = ' '.repeat(head.length) + word;
    } else line = line.length === head.length ? `${line}${word}` : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

function methodList(entries: readonly Pick<CatalogEntry, 'name' | 'summary' | 'options'>[]): string {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const names = methodOrder([...byName.keys()]);
  const width = Math.max(...names.map((name) => name.length), 4);
  return names
    .map((name) => {
      const entry = byName.get(name);
      const options = Object.keys(entry?.options?.shape ?? {});
      return wrap(`  ${name.padEnd(width)}  `, `${entry?.summary ?? ''}${options.length === 0 ? '' : ` Options: ${options.join(', ')}.`}`);
    })
    .join('\n');
}

function helpText(entries: readonly Pick<CatalogEntry, 'name' | 'summary' | 'options'>[]): string {
  return `${HELP_HEAD}\nDelta methods (--method NAME; the options rescale, q and scope are given as flags):\n${methodList(entries)}\n\nMethods that choose q from data (darex-q-validation, darex-q-output-change, darex-q-analytical)\nneed what only an experiment has: run them in a delta config (sparse run examples/delta/*.json).\n`;
}

const HELP = helpText(BUILT_IN_DELTA_METHODS);

const FLAGS = {
  base: { type: 'string' },
  finetuned: { type: 'string' },
  out: { type: 'string' },
  rate: { type: 'string' },
  method: { type: 'string' },
  rescale: { type: 'string' },
  q: { type: 'string' },
  scope: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'no-exclude': { type: 'boolean' },
  seed: { type: 'string' },
  plugin: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags that become options of the method (when given). */
const METHOD_FLAGS = ['rescale', 'q', 'scope'] as const;

function usage(flag: string, received: unknown, allowed: readonly unknown[] | string, message: string): SparseError {
  return new SparseError('E_CONFIG', message, { field: flag, received, allowed });
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw usage(flag, value, allowed, `${flag} must be one of: ${allowed.join(', ')}; got ${echoValue(value)}.`);
  return value as T;
}

function number(flag: string, value: string, low: number, high: number, what: string): number {
  const parsed = parseDecimal(value) ?? Number.NaN;
  if (!(parsed >= low && parsed <= high)) {
    throw usage(flag, value, `[${low}, ${high}]`, `${flag} must be ${what}, a number in [${low}, ${high}]; got ${echoValue(value)}.`);
  }
  return parsed;
}

/** A path as echoed in a message: whole when short, else cut (a flag's value may be megabytes). */
function shown(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}… (${path.length} characters)` : path;
}

async function canonical(path: string): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  return join(await realpath(dirname(path)).catch(() => dirname(path)), basename(path));
}

type DareFlags = ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; strict: true; allowPositionals: false }>>['values'];

/** Reads the flags of `sparse dare`; an unknown or malformed flag is an `E_CONFIG` error listing the known ones. */
function readFlags(argv: readonly string[]): DareFlags {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; strict: true; allowPositionals: false; tokens: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    const flags = Object.keys(FLAGS).map((flag) => `--${flag}`);
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\n+/g, ' ');
    const short = reason.length > 300 ? `${reason.slice(0, 300)}… (${reason.length} characters)` : reason;
    throw new SparseError('E_CONFIG', `${short.replace(/\.?$/, '.')} Known flags: ${flags.join(', ')}.`, { allowed: flags });
  }
  const repeated = repeatedFlag(parsed.tokens, FLAGS);
  if (repeated !== undefined) throw usage(`--${repeated.name}`, repeated.count, 'once', `--${repeated.name} was given ${repeated.count} times; give it once.`);
  return parsed.values;
}


/**
 * The runtime `sparse dare` resolves `--method` through: the command line's built-in plugins
 * (the delta methods of `@sparse/delta` among them) plus every `--plugin SPEC`, each a package
 * name or a path relative to `io.cwd` whose default export is a plugin factory. It runs on the cpu
 * backend: pruning a checkpoint needs no tensor backend.
 *
 * @throws SparseError `E_PLUGIN` naming `--plugin` when a plugin cannot be found, imported or called.
 *
 * @example
 * ```ts
 * import { DeltaMethods } from '@sparse/delta';
 * import { nodeIo } from '@sparse/cli';
 * import { createDareRuntime } from './dare.js';
 *
 * const runtime = await createDareRuntime(['./my-delta-plugin.mjs'], nodeIo());
 * console.log(runtime.names(DeltaMethods));
 * ```
 */
export async function createDareRuntime(specs: readonly string[], io: CliIo): Promise<SparseRuntime> {
  return commandRuntime(specs, io, { backend: 'cpu', onWarning: (message) => io.stderr(`sparse dare: warning: ${message}\n`) });
}

function optionNames(runtime: SparseRuntime, name: string): string[] {
  return Object.keys(runtime.describe(DeltaMethods, name)?.options?.shape ?? {});
}

/** Rewrites an `E_CONFIG` error of a method (its option `key`, or the method itself) in terms of the flags. */
function asFlagError(error: unknown, method: string): unknown {
  if (!isSparseError(error, 'E_CONFIG')) return error;
  const issues = error.details['issues'] as readonly { path: readonly (string | number)[]; message: string }[] | undefined;
  const issue = issues?.[0];
  const key = issue === undefined ? (typeof error.details.field === 'string' ? error.details.field : undefined) : issue.path.slice(1).join('.');
  const flag = key === undefined || key === '' || !(METHOD_FLAGS as readonly string[]).includes(key) ? '--method' : `--${key}`;
  const message = (issue?.message ?? error.message).replace(/\.$/, '');
  return new SparseError('E_CONFIG', `${flag}: ${message} (--method ${method}).`, { ...error.details, field: flag }, { cause: error });
}

/**
 * Parses and validates the arguments of `sparse dare` (see its `--help`) into the options of
 * `@sparse/delta`'s `dareCheckpoint`: `--method` names a delta method registered in the runtime
 * (`DeltaMethods`), `--rescale`, `--q` and `--scope` are its options, and the rule it plans for
 * `--rate` is what the kernels apply. Every problem is a `SparseError` `E_CONFIG` (exit code 2)
 * naming the flag, the value and what is allowed.
 *
 * @example
 * ```ts
 * import { nodeIo } from '@sparse/cli';
 * import { createDareRuntime, parseDareArgs } from './dare.js';
 *
 * const runtime = await createDareRuntime([], nodeIo());
 * const options = await parseDareArgs(['--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 'o.safetensors', '--rate', '0.9'], process.cwd(), runtime);
 * console.log(options.rate, options.rescale); // 0.9 'dare'
 * ```
 */
export async function parseDareArgs(argv: readonly string[], cwd: string, runtime: SparseRuntime): Promise<DareCheckpointOptions> {
  const values = readFlags(argv);
  for (const [flag, what] of [['base', 'the pretrained checkpoint'], ['finetuned', 'the fine-tuned checkpoint'], ['out', 'where to write the result'], ['rate', 'the drop rate p in [0, 1]']] as const) {
    if (values[flag] === undefined || values[flag] === '') throw usage(`--${flag}`, undefined, what, `--${flag} is required: ${what}.`);
  }
  const rate = number('--rate', values.rate as string, 0, 1, 'the drop rate p');
  const names = methodOrder(runtime.names(DeltaMethods));
  const name = oneOf('--method', values.method, names) ?? 'random';
  const rule = oneOf('--rescale', values.rescale, ['dare', 'none', 'q', 'l1'] as const);
  if (values.q !== undefined && rule !== undefined && rule !== 'q') throw usage('--q', values.q, '--rescale q', `--q is the q of --rescale q; it cannot be combined with --rescale ${rule}.`);
  if (rule === 'q' && values.q === undefined) throw usage('--q', undefined, `[${1 - rate}, 1]`, '--rescale q needs --q Q: the kept deltas are multiplied by 1/Q, with 1 − p <= Q <= 1.');
  const given: Record<string, unknown> = {};
  if (rule !== undefined) given['rescale'] = rule;
  if (values.q !== undefined) {
    const q = parseDecimal(values.q) ?? Number.NaN;
    const low = +(1 - rate).toPrecision(12);
    if (!Number.isFinite(q) || q <= 0 || q > 1 || q < 1 - rate - 1e-12) {
      throw usage('--q', values.q, `[${low}, 1]`, `--q must be a number in [1 − p, 1] = [${low}, 1] for --rate ${rate}, and > 0 (q = 1 − p is DARE, q = 1 does not rescale); got ${echoValue(values.q)}.`);
    }
    given['q'] = q;
  }
  const scope = oneOf('--scope', values.scope, ['tensor', 'global'] as const);
  if (scope !== undefined) given['scope'] = scope;
  const accepted = optionNames(runtime, name);
  for (const key of Object.keys(given)) {
    if (accepted.includes(key)) continue;
    const takers = names.filter((other) => optionNames(runtime, other).includes(key));
    const own = accepted.filter((option) => (METHOD_FLAGS as readonly string[]).includes(option));
    throw usage(`--${key}`, given[key], takers.map((taker) => `--method ${taker}`), `--${key} only applies to --method ${takers.join(', ')}; --method ${name} takes ${own.length === 0 ? 'none of --rescale, --q, --scope' : own.map((option) => `--${option}`).join(', ')}.`);
  }
  let method: DeltaMethod;
  try {
    method = runtime.resolve(DeltaMethods, { name, ...given }, 'method');
  } catch (error) {
    throw asFlagError(error, name);
  }
  if (method.needs.length > 0) {
    throw usage('--method', name, 'a delta method that needs no data', `--method ${name} chooses its rescale from ${method.needs.join(' and ')} data, which sparse dare does not have (it sees two checkpoints); run it in a delta experiment (sparse run), or pick a method that needs no data.`);
  }
  let plan: DeltaPlan;
  try {
    method.check(rate);
    plan = await method.plan(rate);
  } catch (error) {
    throw asFlagError(error, name);
  }
  let seed = 0;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (values.seed.length > 20 || !/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) throw usage('--seed', values.seed, '[0, 2^53)', `--seed must be an integer in [0, 2^53); got ${echoValue(values.seed)}.`);
  }
  if (values['no-exclude'] === true && values.exclude !== undefined) throw usage('--no-exclude', true, 'either --exclude or --no-exclude', '--no-exclude contradicts --exclude; give one of them.');
  const exclude = values['no-exclude'] === true
    ? []
    : values.exclude?.map((source) => {
        try {
          const regex = new RegExp(source);
          regex.test(''); // V8 compiles lazily: a pattern too large to compile fails here, not while naming tensors
          return regex;
        } catch (error) {
          throw usage('--exclude', source, 'a JavaScript regular expression', `--exclude ${echoValue(source)} is not a valid regular expression: ${shown(error instanceof Error ? error.message : String(error))}.`);
        }
      });

  const paths: Record<'base' | 'finetuned' | 'out', string> = {
    base: resolve(cwd, values.base as string),
    finetuned: resolve(cwd, values.finetuned as string),
    out: resolve(cwd, values.out as string),
  };
  for (const flag of ['base', 'finetuned'] as const) {
    const info = await stat(paths[flag]).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw usage(`--${flag}`, values[flag], 'an existing safetensors file', `--${flag} ${shown(values[flag] as string)}: ${info === undefined ? 'no such file' : 'not a file'}.`);
  }
  const folder = await stat(dirname(paths.out)).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) throw usage('--out', values.out, 'a path in an existing folder', `--out ${shown(values.out as string)}: the folder ${shown(dirname(paths.out))} does not exist; create it first.`);
  if ((await stat(paths.out).catch(() => undefined))?.isDirectory() === true) throw usage('--out', values.out, 'a file path', `--out ${shown(values.out as string)} is a directory; give a file name.`);
  if (!(await canCreateFiles(dirname(paths.out)))) throw usage('--out', values.out, 'a path in a writable folder', `--out ${shown(values.out as string)}: the folder ${shown(dirname(paths.out))} exists but is not writable (new files cannot be created there).`);
  const out = await canonical(paths.out);
  for (const flag of ['base', 'finetuned'] as const) {
    if ((await canonical(paths[flag])) === out) throw usage('--out', values.out, `a file other than --${flag}`, `--out is the same file as --${flag} (${shown(out)}); write to a different file.`);
  }
  return {
    base: paths.base,
    finetuned: paths.finetuned,
    output: paths.out,
    rate,
    seed,
    ...plan.rule,
    ...(exclude === undefined ? {} : { exclude }),
  };
}

/**
 * `sparse dare`: prunes the delta of a fine-tuned safetensors checkpoint against its base with a
 * delta method resolved by name from the runtime (DARE, DropOnly, DAREx-q, magnitude, or a
 * plugin's own; explicit rescale; seeded per tensor), streaming, and prints a per-tensor table
 * (see its `--help`, which lists the registered methods). The work is `@sparse/delta`'s
 * `dareCheckpoint`.
 *
 * @example
 * ```ts
 * import { nodeIo } from '@sparse/cli';
 * import { dareCommand } from './dare.js';
 *
 * await dareCommand.run(['--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 'o.safetensors', '--rate', '0.9'], nodeIo());
 * ```
 */
export const dareCommand: CliCommand = {
  name: 'dare',
  summary: 'Prune the delta of a fine-tuned checkpoint (DARE, DAREx-q, magnitude, a plugin\'s method), streaming.',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      const runtime = await createDareRuntime(pluginFlagValues(argv), io);
      io.stdout(helpText(runtime.names(DeltaMethods).map((name) => runtime.describe(DeltaMethods, name) ?? { name })));
      return 0;
    }
    const runtime = await createDareRuntime(readFlags(argv).plugin ?? [], io);
    const options = await parseDareArgs(argv, io.cwd, runtime);
    const started = performance.now();
    const result = await dareCheckpoint(options);
    if (result.report.options.method !== 'magnitude') {
      // A NaN delta (a NaN in F or B) is dropped or kept at random like any other, and a kept one is a NaN weight of O; magnitude ranks NaN deltas lowest (dropped first).
      const pruned = result.report.tensors.filter((tensor) => tensor.status === 'pruned').map((tensor) => tensor.name);
      for (const [name, count] of await countNaNDeltas(options.base, options.finetuned, pruned)) {
        io.stderr(`sparse dare: warning: ${name}: ${count} NaN delta${count === 1 ? '' : 's'} (F − B); the random drops keep each with probability 1 − p, and a kept one is NaN in the output (--method magnitude ranks NaN deltas lowest and drops them first).\n`);
      }
    }
    io.stdout(formatDeltaReport(result.report));
    io.stdout(`wrote ${result.output} (${result.bytesWritten} bytes) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  },
};
