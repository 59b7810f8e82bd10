import { createHash } from 'node:crypto';
import { readFile, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { echoValue, SparseError, isSparseError } from '@sparse/core';
import { canonicalJson } from '../hash/canonical-json.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-write.js';
import type { Checkpoint, Snapshot } from '../io/checkpoint-store.js';
import { JsonLinesWriter, parseJsonLines } from '../io/json-lines.js';
import type { JsonObject, JsonValue } from '../json.js';
import type { RunDirectory } from './run-directory.js';
import { deriveSeedSha256, type SeedDeriver } from './seeds.js';

const UNIT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * What a unit sees while it runs: its seeds, its last checkpoint (when resuming), and where to
 * write checkpoints, metrics and progress.
 *
 * @example
 * ```ts
 * import type { UnitContext } from '@sparse/experiments';
 *
 * async function train(ctx: UnitContext): Promise<number> {
 *   const start = ctx.resume === undefined ? 0 : (ctx.resume.state as { epoch: number }).epoch;
 *   for (let epoch = start + 1; epoch <= 10; epoch += 1) {
 *     ctx.signal.throwIfAborted();
 *     await ctx.metric({ epoch, loss: 1 / epoch });
 *     await ctx.checkpoint(`epoch-${epoch}`, { state: { epoch } });
 *     ctx.progress(epoch, 10);
 *   }
 *   return 10;
 * }
 * ```
 */
export interface UnitContext {
  /** The unit's id (`replicate-0/level-03/train`). */
  readonly id: string;
  /** The run directory (for stores such as `run.store('masks/replicate-0')`). */
  readonly run: RunDirectory;
  /** The seed every seed of this unit is derived from. */
  readonly runSeed: number;
  /** The seed of one random draw: `deriveSeed(runSeed, purpose, name)`. */
  seed(purpose: string, name?: string): number;
  /** The unit's latest checkpoint when it was interrupted before, with the state it saved. */
  readonly resume: Checkpoint | undefined;
  /**
   * Saves a checkpoint of this unit. Metrics recorded so far are flushed first and the
   * checkpoint remembers how many there were, so that a resume writes later metrics exactly once.
   */
  checkpoint(key: string, snapshot: Snapshot): Promise<void>;
  /** Appends a metric record (a JSON object without a `unit` key; the runner adds it). */
  metric(record: JsonObject): Promise<void>;
  /** Reports progress within the unit, in any unit of work. */
  progress(done: number, total: number): void;
  /** The output of a unit that ran (or was skipped as complete) before this one. */
  output(unitId: string): JsonValue;
  /** Aborted when the run is cancelled; check it between steps. */
  readonly signal: AbortSignal;
}

/**
 * One deterministic step of a run (`replicate 2 / level 5 / training`). Given the same config,
 * seeds and (when resuming) checkpoint, `run` must produce the same metrics, files and output.
 *
 * @example
 * ```ts
 * import type { RunUnit } from '@sparse/experiments';
 *
 * const unit: RunUnit = {
 *   id: 'replicate-0/level-00/train',
 *   label: 'replicate 0, level 0',
 *   async run(ctx) {
 *     await ctx.metric({ accuracy: 0.9 });
 *     return { accuracy: 0.9 };
 *   },
 * };
 * ```
 */
export interface RunUnit<TOutput extends JsonValue = JsonValue> {
  /** Unique, stable id: `/`-separated segments of letters, digits, `.`, `_`, `-`. */
  readonly id: string;
  /** A human-readable name for progress output. */
  readonly label?: string;
  run(context: UnitContext): Promise<TOutput> | TOutput;
}

/**
 * A progress event of {@link runUnits}.
 *
 * @example
 * ```ts
 * import type { UnitProgress } from '@sparse/experiments';
 *
 * const log = (event: UnitProgress) => console.log(`${event.unitId}: ${event.done}/${event.total}`);
 * ```
 */
export interface UnitProgress {
  readonly unitId: string;
  readonly unitIndex: number;
  readonly unitCount: number;
  /** `skipped` (complete before), `started`, `progress`, `completed`. */
  readonly kind: 'skipped' | 'started' | 'progress' | 'completed';
  readonly done: number;
  readonly total: number;
}

/**
 * Options of {@link runUnits}.
 *
 * @example
 * ```ts
 * import type { RunUnitsOptions } from '@sparse/experiments';
 *
 * declare const base: Omit<RunUnitsOptions, 'runSeed'>;
 * const options: RunUnitsOptions = { ...base, runSeed: 7, keepCheckpoints: false };
 * ```
 */
export interface RunUnitsOptions {
  readonly run: RunDirectory;
  readonly units: readonly RunUnit[];
  /** The seed of this sequence of units (a replicate's seed). */
  readonly runSeed: number;
  /** How seeds are derived; default {@link deriveSeedSha256}. */
  readonly deriveSeed?: SeedDeriver;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: UnitProgress) => void;
  /** Keep a unit's checkpoints after it completes (default `false`: they are deleted). */
  readonly keepCheckpoints?: boolean;
  /**
   * Write the run's `metrics.jsonl` and `results.json` from these units when all are done
   * (default `true`). Turn off when several workers each run part of the units, and call
   * {@link finalizeRun} once with all ids in order.
   */
  readonly finalize?: boolean;
}

/**
 * The outputs of the units, by id, in unit order, and which units ran now or were complete.
 *
 * @example
 * ```ts
 * import type { RunUnitsResult } from '@sparse/experiments';
 *
 * const summarise = (result: RunUnitsResult) => `${result.executed.length} ran, ${result.skipped.length} resumed as done`;
 * ```
 */
export interface RunUnitsResult {
  readonly outputs: ReadonlyMap<string, JsonValue>;
  readonly executed: readonly string[];
  readonly skipped: readonly string[];
}

interface UnitRecord {
  readonly format: 'sparse-unit';
  readonly version: 1;
  readonly id: string;
  readonly output: JsonValue;
  readonly metricsBytes: number;
  readonly metricsSha256: string;
}

interface RunnerState {
  readonly metricsBytes: number;
  readonly user: JsonValue;
}

function unitPath(run: RunDirectory, folder: string, id: string, extension: string): string {
  const parts = id.split('/');
  const last = parts.pop() ?? id;
  return run.file(folder, ...parts, `${last}${extension}`);
}

function checkUnits(units: readonly RunUnit[]): void {
  const seen = new Set<string>();
  units.forEach((unit, index) => {
    if (typeof unit.id !== 'string' || !UNIT_ID.test(unit.id) || unit.id.length > 200) {
      throw new SparseError('E_ARGUMENT', `units[${index}].id ${echoValue(unit.id)} is not a valid unit id: use '/'-separated segments of letters, digits, '.', '_' and '-', each starting with a letter or digit.`, { field: `units[${index}].id`, received: unit.id, allowed: String(UNIT_ID) });
    }
    if (seen.has(unit.id)) throw new SparseError('E_ARGUMENT', `units[${index}].id ${echoValue(unit.id)} is used twice; unit ids must be unique.`, { field: `units[${index}].id`, received: unit.id });
    seen.add(unit.id);
  });
}

async function readUnitRecord(run: RunDirectory, id: string): Promise<UnitRecord | undefined> {
  const path = unitPath(run, 'units', id, '.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new SparseError('E_IO', `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'unit', received: id }, { cause: error });
  }
  const record = JSON.parse(text) as Partial<UnitRecord>;
  if (record.format !== 'sparse-unit' || record.id !== id || typeof record.metricsBytes !== 'number' || typeof record.metricsSha256 !== 'string') {
    throw new SparseError('E_FORMAT', `${path} is not the completion record of unit "${id}".`, { field: 'unit', received: id });
  }
  return record as UnitRecord;
}

async function readUnitMetrics(run: RunDirectory, record: UnitRecord): Promise<Uint8Array> {
  const path = unitPath(run, 'metrics', record.id, '.jsonl');
  const bytes = await readFile(path).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT' && record.metricsBytes === 0) return new Uint8Array(0);
    throw new SparseError('E_FORMAT', `The metrics of unit "${record.id}" (${path}) are missing.`, { field: 'unit', received: record.id }, { cause: error });
  });
  const prefix = bytes.subarray(0, record.metricsBytes);
  if (prefix.byteLength !== record.metricsBytes || createHash('sha256').update(prefix).digest('hex') !== record.metricsSha256) {
    throw new SparseError('E_FORMAT', `The metrics of unit "${record.id}" (${path}) differ from what the unit recorded when it completed; the file was changed.`, { field: 'unit', received: record.id });
  }
  return prefix;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new SparseError('E_INTERNAL', 'The run was cancelled.');
}

async function executeUnit(options: RunUnitsOptions, unit: RunUnit, index: number, outputs: Map<string, JsonValue>, signal: AbortSignal): Promise<JsonValue> {
  const { run, runSeed, onProgress } = options;
  const derive = options.deriveSeed ?? deriveSeedSha256;
  const store = run.store(`checkpoints/${unit.id}`);
  const latest = await store.latest();
  const runnerState = latest?.state as RunnerState | null | undefined;
  if (latest !== undefined && (typeof runnerState !== 'object' || runnerState === null || typeof runnerState.metricsBytes !== 'number')) {
    throw new SparseError('E_FORMAT', `Checkpoint "${latest.key}" of unit "${unit.id}" was not written by the runner.`, { field: 'unit', received: unit.id });
  }
  const resume: Checkpoint | undefined = latest === undefined || runnerState === undefined || runnerState === null ? undefined : { ...latest, state: runnerState.user };
  const metrics = await JsonLinesWriter.open(unitPath(run, 'metrics', unit.id, '.jsonl'), { truncateTo: runnerState?.metricsBytes ?? 0 });
  const emit = (kind: UnitProgress['kind'], done: number, total: number): void => onProgress?.({ unitId: unit.id, unitIndex: index, unitCount: options.units.length, kind, done, total });
  let closed = false;
  try {
    const context: UnitContext = {
      id: unit.id,
      run,
      runSeed,
      resume,
      signal,
      seed: (purpose, name) => derive(runSeed, purpose, name),
      async checkpoint(key, snapshot) {
        await metrics.sync();
        const state: RunnerState = { metricsBytes: metrics.size, user: snapshot.state ?? null };
        await store.save(key, { ...snapshot, state: state as unknown as JsonValue });
      },
      async metric(record) {
        if (typeof record !== 'object' || record === null || Array.isArray(record) || 'unit' in record) {
          throw new SparseError('E_ARGUMENT', `Unit "${unit.id}": a metric record must be a JSON object without a "unit" key (the runner adds it).`, { field: 'record', received: record });
        }
        canonicalJson(record);
        await metrics.append({ unit: unit.id, ...record });
      },
      progress: (done, total) => emit('progress', done, total),
      output(unitId) {
        if (!outputs.has(unitId)) {
          throw new SparseError('E_NOT_FOUND', `Unit "${unit.id}" asked for the output of "${unitId}", which has not run before it; order the units so that it does.`, { field: 'unitId', received: unitId, allowed: [...outputs.keys()] });
        }
        return outputs.get(unitId) ?? null;
      },
    };
    emit('started', 0, 1);
    const output = await unit.run(context);
    signal.throwIfAborted();
    const value = JSON.parse(canonicalJson(output === undefined ? null : output)) as JsonValue;
    closed = true;
    await metrics.close();
    const bytes = await readFile(metrics.path);
    const record: UnitRecord = { format: 'sparse-unit', version: 1, id: unit.id, output: value, metricsBytes: bytes.byteLength, metricsSha256: createHash('sha256').update(bytes).digest('hex') };
    await writeJsonAtomic(unitPath(run, 'units', unit.id, '.json'), record, { createFolder: true });
    if (options.keepCheckpoints !== true) await store.clear();
    emit('completed', 1, 1);
    return value;
  } finally {
    if (!closed) await metrics.close();
  }
}

/**
 * Runs units in order inside a run directory, resumably. A unit whose completion record exists is
 * skipped (its output is read back); the interrupted unit restarts from its latest checkpoint
 * (`ctx.resume`), with its metrics cut back to what that checkpoint saw, so that every metric line
 * is written exactly once; units after it run normally. Each unit's metrics go to
 * `metrics/<id>.jsonl` and its completion record (output, metrics length and SHA-256) to
 * `units/<id>.json`, written atomically after the metrics are flushed. A run killed at any moment
 * and resumed ends with the same files as one that was never interrupted, provided the units are
 * deterministic (all randomness from `ctx.seed`). A failing unit rejects with a `SparseError`
 * naming it (the code of the original error when it was a `SparseError`, else `E_INTERNAL`);
 * cancelling via `signal` rejects with the signal's reason.
 *
 * @example
 * ```ts
 * import { openRunDirectory, runUnits } from '@sparse/experiments';
 *
 * const run = await openRunDirectory({ root: 'runs', name: 'demo', config: { seed: 3, levels: 2 } });
 * const units = [0, 1].map((level) => ({
 *   id: `level-${level}`,
 *   async run(ctx) {
 *     const seed = ctx.seed('init', 'dense/kernel');
 *     await ctx.metric({ level, seed });
 *     return { level };
 *   },
 * }));
 * const result = await runUnits({ run, units, runSeed: 3 });
 * console.log(result.outputs.get('level-1'));
 * await run.close();
 * ```
 */
export async function runUnits(options: RunUnitsOptions): Promise<RunUnitsResult> {
  const { run, units } = options;
  checkUnits(units);
  const signal = options.signal ?? new AbortController().signal;
  const outputs = new Map<string, JsonValue>();
  const executed: string[] = [];
  const skipped: string[] = [];
  for (const [index, unit] of units.entries()) {
    if (signal.aborted) throw abortReason(signal);
    const record = await readUnitRecord(run, unit.id);
    if (record !== undefined) {
      await readUnitMetrics(run, record);
      await run.store(`checkpoints/${unit.id}`).clear();
      outputs.set(unit.id, record.output);
      skipped.push(unit.id);
      options.onProgress?.({ unitId: unit.id, unitIndex: index, unitCount: units.length, kind: 'skipped', done: 1, total: 1 });
      continue;
    }
    try {
      outputs.set(unit.id, await executeUnit(options, unit, index, outputs, signal));
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      const message = error instanceof Error ? error.message : String(error);
      throw new SparseError(isSparseError(error) ? error.code : 'E_INTERNAL', `Unit "${unit.id}" failed: ${message}`, { field: 'unit', received: unit.id }, { cause: error });
    }
    executed.push(unit.id);
  }
  if (options.finalize !== false) await finalizeRun(run, units.map((unit) => unit.id));
  return { outputs, executed, skipped };
}

/**
 * Writes a run's combined files from completed units, in the given order: `metrics.jsonl` (every
 * unit's metric lines, concatenated) and `results.json` (`{ units: [{ id, output }] }`), both
 * atomically. Because the order is given, not the order units finished in, the files are the same
 * however units were spread over workers. Throws `E_NOT_FOUND` when a unit has not completed.
 *
 * @example
 * ```ts
 * import { attachRunDirectory, finalizeRun } from '@sparse/experiments';
 *
 * const run = await attachRunDirectory('runs/demo-0123456789ab');
 * const outputs = await finalizeRun(run, ['replicate-0/level-0', 'replicate-1/level-0']);
 * ```
 */
export async function finalizeRun(run: RunDirectory, unitIds: readonly string[]): Promise<ReadonlyMap<string, JsonValue>> {
  const outputs = new Map<string, JsonValue>();
  const chunks: Uint8Array[] = [];
  const missing: string[] = [];
  for (const id of unitIds) {
    const record = await readUnitRecord(run, id);
    if (record === undefined) {
      missing.push(id);
      continue;
    }
    chunks.push(await readUnitMetrics(run, record));
    outputs.set(id, record.output);
  }
  if (missing.length > 0) {
    throw new SparseError('E_NOT_FOUND', `Cannot finalize ${run.path}: these units have not completed: ${missing.join(', ')}.`, { field: 'unitIds', received: missing });
  }
  await writeFileAtomic(run.file('metrics.jsonl'), Buffer.concat(chunks));
  await writeJsonAtomic(run.file('results.json'), { units: unitIds.map((id) => ({ id, output: outputs.get(id) ?? null })) });
  // Each unit's checkpoints went when it completed; the folders that held them (checkpoints/replicate-0/…) go now.
  await removeEmptyFolders(run.file('checkpoints'));
  return outputs;
}

/** Removes `folder` and the folders below it that hold no file (bottom-up); a folder with a file stays. */
async function removeEmptyFolders(folder: string): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return;
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyFolders(join(folder, entry.name));
  await rmdir(folder).catch(() => undefined); // ENOTEMPTY: it holds a file (kept checkpoints)
}

/**
 * Reads the metric records of a run: its combined `metrics.jsonl` (after {@link finalizeRun}),
 * or, with `unitId`, one unit's own file (also while the run is going). A torn last line is
 * ignored.
 *
 * @example
 * ```ts
 * import { attachRunDirectory, readRunMetrics } from '@sparse/experiments';
 *
 * const run = await attachRunDirectory('runs/demo-0123456789ab');
 * const records = await readRunMetrics(run);
 * ```
 */
export async function readRunMetrics(run: RunDirectory, unitId?: string): Promise<JsonObject[]> {
  const path = unitId === undefined ? run.file('metrics.jsonl') : unitPath(run, 'metrics', unitId, '.jsonl');
  const bytes = await readFile(path).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') return new Uint8Array(0);
    throw new SparseError('E_IO', `Cannot read ${path}.`, { field: 'path', received: path }, { cause: error });
  });
  return parseJsonLines(bytes, path).records.filter((record): record is JsonObject => typeof record === 'object' && record !== null && !Array.isArray(record));
}
