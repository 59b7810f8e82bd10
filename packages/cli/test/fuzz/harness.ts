/**
 * The fuzz suite's harness (issue 14): runs one `sparse …` command in-process (the CLI's `main`),
 * checks the reliability properties on it and tallies the outcome, so that docs/reliability.md
 * cites measured counts (`SPARSE_FUZZ_SUMMARY=<file>` writes them; see {@link writeSummary}).
 *
 * The properties of every case: it ends within its time bound; its exit code is one the command
 * documents (0, 1 or 2); a failure prints `sparse <command>: <message>` first, no stack frame and
 * no line longer than 2,000 characters; a failed command leaves every file of its sandbox
 * byte-identical and adds none; a successful one changes only the output files it was given.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { main, type CliIo } from '../../src/index.js';

/** One fuzz family's counts. */
export interface FuzzCounts {
  /** Cases tried. */
  cases: number;
  /** Cases that succeeded (exit code 0). */
  succeeded: number;
  /** Cases refused with a clean error (documented exit code, one message, no stack). */
  cleanErrors: number;
  /** Cases that printed a stack trace, an undocumented exit code or threw out of main. */
  crashes: number;
  /** Cases that outlived their time bound. */
  hangs: number;
  /** Files changed, added or removed by failed cases. */
  filesChangedByFailures: number;
  /** The slowest case, in milliseconds. */
  slowestMs: number;
  /** Where the failed cases were stopped (by the first line of their message). */
  stoppedAt: Record<string, number>;
}

/** What a refusal was about, from the first line of its message. */
const STAGES: readonly [RegExp, string][] = [
  [/The config file .* is not valid JSON/, 'config file not JSON'],
  [/nested deeper than/, 'config nested too deep'],
  [/Cannot create the run directory/, 'valid config: stopped at the run folder'],
  [/given \d+ times/, 'flag given twice'],
  [/Unknown option|Known flags|allowed: --|unexpected argument|unknown command|needs a value|argument is ambiguous/i, 'unknown or malformed flag'],
  [/: (--plugin\b|plugins\[\d+\])|plugin (file|package|module|factory)/, 'plugin'],
  [/Invalid config|^sparse run: [\w.[\]$-]+: |config module/, 'config field'],
  [/is required|missing CONFIG|does not exist|no such file|is a directory|not a file|not writable|same file as|cannot create the folder|Cannot write/i, 'missing flag, file or folder'],
  [/safetensors|header|truncated|bytes|dtype|offsets|shape|does not match/i, 'malformed checkpoint'],
  [/must be|must have|expected|one of|cannot be combined|contradicts|only applies|not a valid|chooses its rescale|cannot prune|no scorer|no experiment kind|not registered|unknown/i, 'flag value'],
];

function stageOf(firstLine: string, code: number): string {
  return STAGES.find(([pattern]) => pattern.test(firstLine))?.[1] ?? `other (exit ${code})`;
}

const tallies = new Map<string, FuzzCounts>();

/** The counts of `family`, created empty on first use. */
export function tally(family: string): FuzzCounts {
  let counts = tallies.get(family);
  if (counts === undefined) {
    counts = { cases: 0, succeeded: 0, cleanErrors: 0, crashes: 0, hangs: 0, filesChangedByFailures: 0, slowestMs: 0, stoppedAt: {} };
    tallies.set(family, counts);
  }
  return counts;
}

/** Path → SHA-256 of every file under `root`. */
export async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.set(relative(root, path), createHash('sha256').update(await readFile(path)).digest('hex'));
    }
  }
  await walk(root);
  return out;
}

function changed(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

/** A stack frame as Node prints it (`    at f (file.js:1:2)`), or emscripten's minified glue. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/** What {@link fuzzCase} saw. */
export interface CaseOutcome {
  readonly code: number;
  readonly stderr: string;
  readonly stdout: string;
  readonly ms: number;
  readonly changed: readonly string[];
}

/**
 * Runs `sparse <argv>` in `sandbox` (its working directory), checks the properties and tallies the
 * outcome under `family`. `outputs` are the sandbox-relative files a successful run may write.
 */
export async function fuzzCase(family: string, argv: readonly string[], sandbox: string, options: { readonly timeoutMs: number; readonly outputs?: readonly string[] }): Promise<CaseOutcome> {
  const counts = tally(family);
  counts.cases += 1;
  const before = await snapshot(sandbox);
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env: { SPARSE_BACKEND: 'cpu' }, cwd: sandbox };
  const started = performance.now();
  let code: number;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => resolve(-2), options.timeoutMs);
    });
    code = await Promise.race([main(argv, io), timeout]);
  } catch (error) {
    stderr += `main threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
    code = -1;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const ms = performance.now() - started;
  counts.slowestMs = Math.max(counts.slowestMs, Math.round(ms));
  const after = await snapshot(sandbox);
  const allowed = new Set(code === 0 ? (options.outputs ?? []) : []);
  const diff = changed(before, after).filter((path) => !allowed.has(path));
  const shown = `sparse ${argv.map((arg) => (arg.length > 60 ? `${arg.slice(0, 60)}…(${arg.length})` : arg)).join(' ')}`;
  if (code === -2) {
    counts.hangs += 1;
    expect.fail(`${family}: no answer within ${options.timeoutMs} ms: ${shown}`);
  }
  const command = argv[0] ?? '';
  const firstLine = stderr.split('\n')[0] ?? '';
  const clean =
    (code === 1 || code === 2) &&
    (firstLine.startsWith(`sparse ${command}: `) || firstLine.startsWith('sparse: ')) &&
    !STACK_FRAME.test(stderr) &&
    stderr.split('\n').every((line) => line.length <= 2000);
  if (code === 0) counts.succeeded += 1;
  else if (clean) counts.cleanErrors += 1;
  else counts.crashes += 1;
  if (code !== 0) {
    const stage = stageOf(firstLine, code);
    counts.stoppedAt[stage] = (counts.stoppedAt[stage] ?? 0) + 1;
  }
  if (code !== 0) counts.filesChangedByFailures += diff.length;
  expect({ case: shown, code: code === 0 || clean ? 'documented' : code, stackOrLongLine: code !== 0 && !clean ? stderr.slice(0, 3000) : '', changed: diff }).toEqual({
    case: shown,
    code: 'documented',
    stackOrLongLine: '',
    changed: [],
  });
  return { code, stderr, stdout, ms, changed: diff };
}

/**
 * Writes every family's counts, with their totals and `meta` (the command, the seeds), to the
 * JSON file named by the environment variable SPARSE_FUZZ_SUMMARY (merged with what is there, so
 * the default and slow tiers can add to one file); does nothing when it is unset.
 */
export async function writeSummary(tier: string, meta: Readonly<Record<string, unknown>>): Promise<void> {
  const file = process.env['SPARSE_FUZZ_SUMMARY'];
  if (file === undefined || file === '') return;
  const existing = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  const families = Object.fromEntries([...tallies].sort(([a], [b]) => a.localeCompare(b)));
  const total = [...tallies.values()].reduce(
    (sum, counts) => ({
      cases: sum.cases + counts.cases,
      succeeded: sum.succeeded + counts.succeeded,
      cleanErrors: sum.cleanErrors + counts.cleanErrors,
      crashes: sum.crashes + counts.crashes,
      hangs: sum.hangs + counts.hangs,
      filesChangedByFailures: sum.filesChangedByFailures + counts.filesChangedByFailures,
      slowestMs: Math.max(sum.slowestMs, counts.slowestMs),
    }),
    { cases: 0, succeeded: 0, cleanErrors: 0, crashes: 0, hangs: 0, filesChangedByFailures: 0, slowestMs: 0 },
  );
  for (const counts of tallies.values()) counts.stoppedAt = Object.fromEntries(Object.entries(counts.stoppedAt).sort(([, a], [, b]) => b - a));
  existing[tier] = { ...meta, date: new Date().toISOString(), total, families };
  await writeFile(file, `${JSON.stringify(existing, null, 2)}\n`);
}
