import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SparseError } from '@sparse/core';
import { DEFAULT_EXCLUDE, dareCheckpoint, formatDeltaReport, type DareCheckpointOptions, type RescaleRule } from '@sparse/delta';
import type { CliCommand } from '../command.js';
import type { CliIo } from '../io.js';

const USAGE =
  'sparse dare --base B.safetensors --finetuned F.safetensors --out O.safetensors --rate P [--method random|magnitude] [--rescale dare|none|q|l1] [--q Q] [--scope tensor|global] [--exclude REGEX]… [--no-exclude] [--seed N]';

const HELP = `Usage: ${USAGE}

Prunes the delta between a fine-tuned checkpoint F and its base B (delta = F − B) and writes
O = B + pruned delta for every tensor of F, in F's order, dtype (F32, F16, BF16, F64) and metadata.
Tensors are streamed in chunks: memory stays at a few tens of MB whatever the model size.

Required:
  --base FILE        The pretrained checkpoint (safetensors).
  --finetuned FILE   The fine-tuned checkpoint (safetensors).
  --out FILE         Where to write the result (a temporary file renamed at the end).
  --rate P           Drop rate p in [0, 1].

Options:
  --method M         random (default): DARE — each delta entry is dropped independently with
                     probability p; magnitude: drop exactly floor(p·n) entries with the smallest
                     |delta| (ties: lower index first).
  --rescale R        What the kept entries are multiplied by, never implicit:
                       dare  1/(1−p)  (default for random: DARE, unbiased)
                       none  1        (default for magnitude; DropOnly with random)
                       q     1/q      (DAREx-q; needs --q, with 1 − p <= q <= 1)
                       l1    ||delta||_1 / ||kept delta||_1 per tensor — what mergekit's
                             \`rescale: true\` does (its default for DARE merges)
  --q Q              The q of --rescale q (giving --q alone implies --rescale q).
  --scope S          magnitude only: tensor (default, floor(p·n) per tensor) or global (one
                     ranking over all pruned tensors; ties by tensor name, then index).
  --exclude REGEX    Keep tensors whose name matches as fine-tuned (repeatable; unanchored).
                     Default: ${DEFAULT_EXCLUDE.map((pattern) => pattern.source).join(' ')}
                     (classification and LM heads). Giving --exclude replaces the default.
  --no-exclude       Exclude nothing (prune heads too).
  --seed N           Seed of the random drops, an integer >= 0 (default 0). Tensor NAME draws
                     from Random(deriveSeed(N, 'dare', NAME)) of @sparse/core: the output does not
                     depend on tensor order and can be replayed (also in Python).
  -h, --help         Show this help.

Excluded tensors, and tensors whose dtype holds no float delta (integers, BOOL, F8), are copied
from F byte for byte; they need not exist in B. Every other tensor must have the same name,
shape and dtype in B and F. O's metadata is F's plus 'sparse.dare' (method, rate, rescale, seed).

Exit codes: 0 done; 2 the command line is wrong (flag, value, path); 1 a checkpoint is malformed,
truncated or does not match the other, or a write failed. Nothing is written unless everything
is valid.

Example:
  sparse dare --base base.safetensors --finetuned sft.safetensors --out sft-dare.safetensors \\
    --rate 0.99 --rescale q --q 0.2 --seed 1
`;

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
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(flag: string, received: unknown, allowed: readonly unknown[] | string, message: string): SparseError {
  return new SparseError('E_CONFIG', message, { field: flag, received, allowed });
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw usage(flag, value, allowed, `${flag} must be one of: ${allowed.join(', ')}; got ${JSON.stringify(value)}.`);
  return value as T;
}

function number(flag: string, value: string, low: number, high: number, what: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < low || parsed > high) {
    throw usage(flag, value, `[${low}, ${high}]`, `${flag} must be ${what}, a number in [${low}, ${high}]; got ${JSON.stringify(value)}.`);
  }
  return parsed;
}

async function canonical(path: string): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  return join(await realpath(dirname(path)).catch(() => dirname(path)), basename(path));
}

/**
 * Parses and validates the arguments of `sparse dare` (see its `--help`) into the options of
 * `@sparse/delta`'s `dareCheckpoint`. Every problem is a `SparseError` `E_CONFIG` (exit code 2)
 * naming the flag, the value and what is allowed.
 *
 * @example
 * ```ts
 * import { parseDareArgs } from '@sparse/cli';
 *
 * const options = await parseDareArgs(['--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 'o.safetensors', '--rate', '0.9'], process.cwd());
 * console.log(options.rate, options.rescale); // 0.9 'dare'
 * ```
 */
export async function parseDareArgs(argv: readonly string[], cwd: string): Promise<DareCheckpointOptions> {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; strict: true; allowPositionals: false }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    const flags = Object.keys(FLAGS).map((flag) => `--${flag}`);
    throw new SparseError('E_CONFIG', `${(error instanceof Error ? error.message : String(error)).replace(/\.?$/, '.')} Known flags: ${flags.join(', ')}.`, { allowed: flags });
  }
  for (const [flag, what] of [['base', 'the pretrained checkpoint'], ['finetuned', 'the fine-tuned checkpoint'], ['out', 'where to write the result'], ['rate', 'the drop rate p in [0, 1]']] as const) {
    if (values[flag] === undefined || values[flag] === '') throw usage(`--${flag}`, undefined, what, `--${flag} is required: ${what}.`);
  }
  const rate = number('--rate', values.rate as string, 0, 1, 'the drop rate p');
  const method = oneOf('--method', values.method, ['random', 'magnitude'] as const) ?? 'random';
  let rule = oneOf('--rescale', values.rescale, ['dare', 'none', 'q', 'l1'] as const);
  if (values.q !== undefined) {
    if (rule !== undefined && rule !== 'q') throw usage('--q', values.q, '--rescale q', `--q is the q of --rescale q; it cannot be combined with --rescale ${rule}.`);
    rule = 'q';
  }
  let rescale: RescaleRule = rule === undefined ? (method === 'random' ? 'dare' : 'none') : rule === 'q' ? { q: 0 } : rule;
  if (rule === 'q') {
    if (values.q === undefined) throw usage('--q', undefined, `[${1 - rate}, 1]`, '--rescale q needs --q Q: the kept deltas are multiplied by 1/Q, with 1 − p <= Q <= 1.');
    const q = Number(values.q);
    const low = +(1 - rate).toPrecision(12);
    if (values.q.trim() === '' || !Number.isFinite(q) || q <= 0 || q > 1 || q < 1 - rate - 1e-12) {
      throw usage('--q', values.q, `[${low}, 1]`, `--q must be a number in [1 − p, 1] = [${low}, 1] for --rate ${rate}, and > 0 (q = 1 − p is DARE, q = 1 does not rescale); got ${JSON.stringify(values.q)}.`);
    }
    rescale = { q };
  }
  const scope = oneOf('--scope', values.scope, ['tensor', 'global'] as const);
  if (scope !== undefined && method !== 'magnitude') throw usage('--scope', scope, '--method magnitude', '--scope only applies to --method magnitude (random drops are independent per entry).');
  let seed = 0;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) throw usage('--seed', values.seed, '[0, 2^53)', `--seed must be an integer in [0, 2^53); got ${JSON.stringify(values.seed)}.`);
  }
  if (values['no-exclude'] === true && values.exclude !== undefined) throw usage('--no-exclude', true, 'either --exclude or --no-exclude', '--no-exclude contradicts --exclude; give one of them.');
  const exclude = values['no-exclude'] === true
    ? []
    : values.exclude?.map((source) => {
        try {
          return new RegExp(source);
        } catch (error) {
          throw usage('--exclude', source, 'a JavaScript regular expression', `--exclude ${JSON.stringify(source)} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}.`);
        }
      });

  const paths: Record<'base' | 'finetuned' | 'out', string> = {
    base: resolve(cwd, values.base as string),
    finetuned: resolve(cwd, values.finetuned as string),
    out: resolve(cwd, values.out as string),
  };
  for (const flag of ['base', 'finetuned'] as const) {
    const info = await stat(paths[flag]).catch(() => undefined);
    if (info === undefined || !info.isFile()) throw usage(`--${flag}`, values[flag], 'an existing safetensors file', `--${flag} ${values[flag] as string}: ${info === undefined ? 'no such file' : 'not a file'}.`);
  }
  const folder = await stat(dirname(paths.out)).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) throw usage('--out', values.out, 'a path in an existing folder', `--out ${values.out as string}: the folder ${dirname(paths.out)} does not exist; create it first.`);
  if ((await stat(paths.out).catch(() => undefined))?.isDirectory() === true) throw usage('--out', values.out, 'a file path', `--out ${values.out as string} is a directory; give a file name.`);
  const out = await canonical(paths.out);
  for (const flag of ['base', 'finetuned'] as const) {
    if ((await canonical(paths[flag])) === out) throw usage('--out', values.out, `a file other than --${flag}`, `--out is the same file as --${flag} (${out}); write to a different file.`);
  }
  return {
    base: paths.base,
    finetuned: paths.finetuned,
    output: paths.out,
    rate,
    method,
    rescale,
    seed,
    ...(scope === undefined ? {} : { scope }),
    ...(exclude === undefined ? {} : { exclude }),
  };
}

/**
 * `sparse dare`: prunes the delta of a fine-tuned safetensors checkpoint against its base (DARE,
 * DropOnly, DAREx-q, magnitude; explicit rescale; seeded per tensor), streaming, and prints a
 * per-tensor table (see its `--help`). The work is `@sparse/delta`'s `dareCheckpoint`.
 *
 * @example
 * ```ts
 * import { dareCommand, nodeIo } from '@sparse/cli';
 *
 * await dareCommand.run(['--base', 'b.safetensors', '--finetuned', 'f.safetensors', '--out', 'o.safetensors', '--rate', '0.9'], nodeIo());
 * ```
 */
export const dareCommand: CliCommand = {
  name: 'dare',
  summary: 'Prune the delta of a fine-tuned checkpoint (DARE, DAREx-q, magnitude), streaming.',
  usage: USAGE,
  help: HELP,
  async run(argv: readonly string[], io: CliIo): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(HELP);
      return 0;
    }
    const options = await parseDareArgs(argv, io.cwd);
    const started = performance.now();
    const result = await dareCheckpoint(options);
    io.stdout(formatDeltaReport(result.report));
    io.stdout(`wrote ${result.output} (${result.bytesWritten} bytes) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  },
};
