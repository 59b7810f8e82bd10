import { SparseError } from '@sparse/core';
import type { JsonValue } from '@sparse/experiments';
import type { TopKBy } from '../sparsify/top-k.js';

/**
 * The `format` tag of a threshold file.
 *
 * @example
 * ```ts
 * import { THRESHOLD_FILE_FORMAT } from '@sparse/activation';
 *
 * console.log(THRESHOLD_FILE_FORMAT); // '@sparse/activation-thresholds'
 * ```
 */
export const THRESHOLD_FILE_FORMAT = '@sparse/activation-thresholds';

/**
 * The threshold-file version this package writes and reads.
 *
 * @example
 * ```ts
 * import { THRESHOLD_FILE_VERSION } from '@sparse/activation';
 *
 * console.log(THRESHOLD_FILE_VERSION); // 1
 * ```
 */
export const THRESHOLD_FILE_VERSION = 1;

/**
 * The zeroing rule recorded in threshold files: an entry is zeroed when `|a| <= t`.
 *
 * @example
 * ```ts
 * import { ZEROING_RULE } from '@sparse/activation';
 *
 * console.log(ZEROING_RULE); // '|a|<=t'
 * ```
 */
export const ZEROING_RULE = '|a|<=t';

/**
 * How thresholds were made: `cats` (one magnitude threshold per site, or per channel), `chess`
 * (channel thresholds from importance on gated-MLP sites), `chess-plus` (CHESS on gated-MLP sites
 * and per-site thresholds on the attention inputs), `topk` (k per token), `custom`.
 *
 * @example
 * ```ts
 * import type { ThresholdMethod } from '@sparse/activation';
 *
 * const method: ThresholdMethod = 'chess-plus';
 * ```
 */
export type ThresholdMethod = 'cats' | 'chess' | 'chess-plus' | 'topk' | 'custom';

/** The allowed {@link ThresholdMethod}s. @internal */
export const THRESHOLD_METHODS: readonly ThresholdMethod[] = ['cats', 'chess', 'chess-plus', 'topk', 'custom'];

/**
 * The sparsifier of one site: one threshold, one threshold per channel (last axis), or top-k.
 *
 * @example
 * ```ts
 * import type { SiteThresholds } from '@sparse/activation';
 *
 * const cats: SiteThresholds = { threshold: 0.18 };
 * const chess: SiteThresholds = { channelThresholds: [0.2, 0.07, 0.31] };
 * const topk: SiteThresholds = { k: 32, by: 'value' };
 * ```
 */
export type SiteThresholds =
  | { readonly threshold: number }
  | { readonly channelThresholds: readonly number[] }
  | { readonly k: number; readonly by?: TopKBy };

/**
 * How the thresholds were calibrated: `samples` (calibration examples) and `seed` are required;
 * the other fields are informative, and any further JSON field is kept.
 *
 * @example
 * ```ts
 * import type { CalibrationInfo } from '@sparse/activation';
 *
 * const info: CalibrationInfo = { samples: 2000, seed: 0, quantile: 'exact', aggregate: 'pooled' };
 * ```
 */
export interface CalibrationInfo {
  /** Calibration examples. */
  readonly samples: number;
  /** Seed of the calibration draw (subset, reservoir). */
  readonly seed: number;
  /** Quantile method. */
  readonly quantile?: 'exact' | 'histogram';
  /** Pooled quantile, or CHESS's mean of per-batch quantiles. */
  readonly aggregate?: 'pooled' | 'mean-of-batches';
  /** Per site or per channel (CATS). */
  readonly granularity?: 'layer' | 'channel';
  /** Any other JSON fields. */
  readonly [key: string]: JsonValue | undefined;
}

/**
 * A threshold file, version 1:
 *
 * ```json
 * {
 *   "format": "@sparse/activation-thresholds",
 *   "version": 1,
 *   "method": "cats",
 *   "target": 0.5,
 *   "zeroing": "|a|<=t",
 *   "layers": { "block0/gate": { "threshold": 0.18 }, "block1/gate": { "channelThresholds": [0.2, 0.07] } },
 *   "calibration": { "samples": 2000, "seed": 0, "quantile": "exact", "aggregate": "pooled" }
 * }
 * ```
 *
 * `zeroing` is optional on input (this is the only rule) and always written.
 *
 * @example
 * ```ts
 * import type { ThresholdFile } from '@sparse/activation';
 *
 * const file: ThresholdFile = {
 *   format: '@sparse/activation-thresholds',
 *   version: 1,
 *   method: 'cats',
 *   target: 0.5,
 *   layers: { 'block0/gate': { threshold: 0.18 } },
 *   calibration: { samples: 2000, seed: 0 },
 * };
 * ```
 */
export interface ThresholdFile {
  /** Always `@sparse/activation-thresholds`. */
  readonly format: typeof THRESHOLD_FILE_FORMAT;
  /** Always `1`. */
  readonly version: typeof THRESHOLD_FILE_VERSION;
  /** How the thresholds were made. */
  readonly method: ThresholdMethod;
  /** The target sparsity they were calibrated for, in `[0, 1]`. */
  readonly target: number;
  /** The zeroing rule, `|a|<=t`. */
  readonly zeroing?: typeof ZEROING_RULE;
  /** Per-site sparsifiers, keyed by site name. */
  readonly layers: Readonly<Record<string, SiteThresholds>>;
  /** How they were calibrated. */
  readonly calibration: CalibrationInfo;
}

const TOP_LEVEL_KEYS = ['format', 'version', 'method', 'target', 'zeroing', 'layers', 'calibration'];

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMagnitude(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function key(name: string): string {
  return `layers[${JSON.stringify(name)}]`;
}

function checkSite(name: string, entry: unknown, issues: string[]): void {
  const path = key(name);
  if (!isRecord(entry)) {
    issues.push(`${path}: expected an object with "threshold", "channelThresholds" or "k", received ${describe(entry)}`);
    return;
  }
  const kinds = ['threshold', 'channelThresholds', 'k'].filter((kind) => kind in entry);
  if (kinds.length !== 1) {
    issues.push(`${path}: expected exactly one of "threshold", "channelThresholds", "k", received ${kinds.length === 0 ? 'none' : kinds.map((k) => `"${k}"`).join(' and ')}`);
    return;
  }
  const allowed = kinds[0] === 'k' ? ['k', 'by'] : kinds;
  for (const extra of Object.keys(entry).filter((k) => !allowed.includes(k))) {
    issues.push(`${path}.${extra}: unknown key; allowed: ${allowed.map((k) => `"${k}"`).join(', ')}`);
  }
  if (kinds[0] === 'threshold' && !isMagnitude(entry['threshold'])) {
    issues.push(`${path}.threshold: expected a finite number >= 0, received ${describe(entry['threshold'])}`);
  } else if (kinds[0] === 'channelThresholds') {
    const list = entry['channelThresholds'];
    if (!Array.isArray(list) || list.length === 0) {
      issues.push(`${path}.channelThresholds: expected a non-empty array of finite numbers >= 0, received ${describe(list)}`);
    } else {
      const bad = list.findIndex((value) => !isMagnitude(value));
      if (bad >= 0) issues.push(`${path}.channelThresholds[${bad}]: expected a finite number >= 0, received ${describe(list[bad])}`);
    }
  } else if (kinds[0] === 'k') {
    const k = entry['k'];
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) issues.push(`${path}.k: expected an integer >= 0, received ${describe(k)}`);
    const by = entry['by'];
    if (by !== undefined && by !== 'value' && by !== 'magnitude') issues.push(`${path}.by: expected "value" or "magnitude", received ${describe(by)}`);
  }
}

function checkCalibration(value: unknown, issues: string[]): void {
  if (!isRecord(value)) {
    issues.push(`calibration: expected an object with "samples" and "seed", received ${describe(value)}`);
    return;
  }
  const samples = value['samples'];
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 0) issues.push(`calibration.samples: expected an integer >= 0, received ${describe(samples)}`);
  const seed = value['seed'];
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) issues.push(`calibration.seed: expected an integer in [0, 2^53), received ${describe(seed)}`);
  const choices: [string, readonly string[]][] = [
    ['quantile', ['exact', 'histogram']],
    ['aggregate', ['pooled', 'mean-of-batches']],
    ['granularity', ['layer', 'channel']],
  ];
  for (const [field, allowed] of choices) {
    const got = value[field];
    if (got !== undefined && (typeof got !== 'string' || !allowed.includes(got))) {
      issues.push(`calibration.${field}: expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, received ${describe(got)}`);
    }
  }
}

/**
 * Checks that a parsed JSON value is a valid {@link ThresholdFile} and returns it typed. Every
 * problem is collected first; the error lists them all, one per line, each naming the field (as a
 * path such as `layers["block0/gate"].threshold`), what was received and what is allowed.
 *
 * @param value - the parsed JSON.
 * @param source - where it came from, for the message (a path).
 * @throws SparseError `E_FORMAT` when it is not a valid version-1 threshold file.
 *
 * @example
 * ```ts
 * import { validateThresholdFile } from '@sparse/activation';
 *
 * try {
 *   validateThresholdFile({ format: '@sparse/activation-thresholds', version: 1, method: 'cats', target: 1.5, layers: {}, calibration: { samples: 1, seed: 0 } });
 * } catch (error) {
 *   console.error((error as Error).message); // … target: expected a sparsity in [0, 1], received 1.5
 * }
 * ```
 */
export function validateThresholdFile(value: unknown, source = 'threshold file'): ThresholdFile {
  const issues: string[] = [];
  if (!isRecord(value)) {
    issues.push(`expected a JSON object, received ${describe(value)}`);
  } else {
    if (value['format'] !== THRESHOLD_FILE_FORMAT) issues.push(`format: expected "${THRESHOLD_FILE_FORMAT}", received ${describe(value['format'])}`);
    const version = value['version'];
    if (version !== THRESHOLD_FILE_VERSION) {
      issues.push(
        typeof version === 'number' && Number.isInteger(version) && version > THRESHOLD_FILE_VERSION
          ? `version: ${version} is newer than this package reads (${THRESHOLD_FILE_VERSION}); upgrade @sparse/activation`
          : `version: expected ${THRESHOLD_FILE_VERSION}, received ${describe(version)}`,
      );
    }
    const method = value['method'];
    if (typeof method !== 'string' || !(THRESHOLD_METHODS as readonly string[]).includes(method)) {
      issues.push(`method: expected one of ${THRESHOLD_METHODS.map((m) => `"${m}"`).join(', ')}, received ${describe(method)}`);
    }
    const target = value['target'];
    if (typeof target !== 'number' || !Number.isFinite(target) || target < 0 || target > 1) issues.push(`target: expected a sparsity in [0, 1], received ${describe(target)}`);
    if (value['zeroing'] !== undefined && value['zeroing'] !== ZEROING_RULE) issues.push(`zeroing: expected "${ZEROING_RULE}", received ${describe(value['zeroing'])}`);
    const layers = value['layers'];
    if (!isRecord(layers)) issues.push(`layers: expected an object keyed by site name, received ${describe(layers)}`);
    else for (const [name, entry] of Object.entries(layers)) checkSite(name, entry, issues);
    checkCalibration(value['calibration'], issues);
    for (const extra of Object.keys(value).filter((k) => !TOP_LEVEL_KEYS.includes(k))) {
      issues.push(`${extra}: unknown key; allowed: ${TOP_LEVEL_KEYS.map((k) => `"${k}"`).join(', ')}`);
    }
  }
  if (issues.length > 0) {
    throw new SparseError('E_FORMAT', `Invalid ${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  - ${issues.join('\n  - ')}`, {
      field: issues[0]?.split(':')[0] ?? '',
      allowed: 'a version-1 @sparse/activation-thresholds file',
    });
  }
  return value as unknown as ThresholdFile;
}

/**
 * Parses and validates the text of a threshold file.
 *
 * @throws SparseError `E_FORMAT` when it is not JSON or not a valid threshold file.
 *
 * @example
 * ```ts
 * import { parseThresholdFile } from '@sparse/activation';
 *
 * const file = parseThresholdFile(
 *   '{"format":"@sparse/activation-thresholds","version":1,"method":"cats","target":0.5,"layers":{"b0":{"threshold":0.2}},"calibration":{"samples":10,"seed":0}}',
 * );
 * ```
 */
export function parseThresholdFile(text: string, source = 'threshold file'): ThresholdFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SparseError('E_FORMAT', `Invalid ${source}: not JSON (${error instanceof Error ? error.message : String(error)}).`, { field: '', allowed: 'JSON' }, { cause: error });
  }
  return validateThresholdFile(value, source);
}

/**
 * The JSON text of a threshold file (validated first; two-space indent; numbers in JavaScript's
 * shortest round-trip form, so thresholds read back bit for bit). `zeroing` is always written.
 *
 * @throws SparseError `E_FORMAT` when the file is not valid.
 *
 * @example
 * ```ts
 * import { serializeThresholdFile, parseThresholdFile, type ThresholdFile } from '@sparse/activation';
 *
 * declare const file: ThresholdFile;
 * const copy = parseThresholdFile(serializeThresholdFile(file));
 * ```
 */
export function serializeThresholdFile(file: ThresholdFile): string {
  validateThresholdFile(file);
  const ordered = {
    format: file.format,
    version: file.version,
    method: file.method,
    target: file.target,
    zeroing: ZEROING_RULE,
    layers: file.layers,
    calibration: file.calibration,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
