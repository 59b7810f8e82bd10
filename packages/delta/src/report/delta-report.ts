import type { ResolvedDeltaPruneOptions } from '../options/delta-prune-options.js';
import { describeDeltaPruning } from '../options/delta-prune-options.js';

/**
 * What happened to one tensor: `pruned` (its delta was pruned), `excluded` (matched `exclude`:
 * kept as fine-tuned) or `copied` (kept as fine-tuned because its dtype holds no float delta).
 *
 * @example
 * ```ts
 * import type { DeltaTensorStatus } from '@sparse/delta';
 *
 * const status: DeltaTensorStatus = 'excluded';
 * ```
 */
export type DeltaTensorStatus = 'pruned' | 'excluded' | 'copied';

/**
 * One tensor's line of a {@link DeltaPruneReport}.
 *
 * @example
 * ```ts
 * import type { DeltaTensorReport } from '@sparse/delta';
 *
 * const row: DeltaTensorReport = {
 *   name: 'fc1/kernel', dtype: 'F32', shape: [784, 256], elementCount: 200704,
 *   status: 'pruned', dropped: 180610, scale: 10,
 * };
 * ```
 */
export interface DeltaTensorReport {
  readonly name: string;
  /** The safetensors dtype (`F32` for in-memory tensors). */
  readonly dtype: string;
  /** The shape when known (checkpoints), else `[elementCount]`. */
  readonly shape: readonly number[];
  readonly elementCount: number;
  readonly status: DeltaTensorStatus;
  /** Delta entries dropped (set back to the base value); 0 unless pruned. */
  readonly dropped: number;
  /** Factor applied to the kept deltas; 1 unless pruned. */
  readonly scale: number;
  /** Why a tensor was not pruned. */
  readonly reason?: string;
}

/**
 * What a delta-pruning call did: its resolved settings and one line per tensor.
 *
 * @example
 * ```ts
 * import { pruneDeltas } from '@sparse/delta';
 *
 * const base = new Map([['w', new Float32Array([0, 0, 0, 0])]]);
 * const tuned = new Map([['w', new Float32Array([1, 2, 3, 4])]]);
 * const { report } = await pruneDeltas(base, tuned, { rate: 0.5, seed: 1 });
 * console.log(report.description, report.realizedRate);
 * ```
 */
export interface DeltaPruneReport {
  /** One line describing method, rate, scope, rescale and seed. */
  readonly description: string;
  readonly options: ResolvedDeltaPruneOptions;
  readonly tensors: readonly DeltaTensorReport[];
  /** Entries of the pruned tensors. */
  readonly prunedElements: number;
  /** Entries dropped among them. */
  readonly droppedElements: number;
  /** `droppedElements / prunedElements` (0 when nothing was pruned). */
  readonly realizedRate: number;
}

/**
 * Builds a {@link DeltaPruneReport} from its tensor lines.
 *
 * @example
 * ```ts
 * import { buildDeltaReport, resolveDeltaPruneOptions } from '@sparse/delta';
 *
 * const report = buildDeltaReport(resolveDeltaPruneOptions({ rate: 0.9 }), []);
 * console.log(report.realizedRate); // 0
 * ```
 */
export function buildDeltaReport(options: ResolvedDeltaPruneOptions, tensors: readonly DeltaTensorReport[]): DeltaPruneReport {
  let prunedElements = 0;
  let droppedElements = 0;
  for (const tensor of tensors) {
    if (tensor.status !== 'pruned') continue;
    prunedElements += tensor.elementCount;
    droppedElements += tensor.dropped;
  }
  return Object.freeze({
    description: describeDeltaPruning(options),
    options,
    tensors: Object.freeze([...tensors]),
    prunedElements,
    droppedElements,
    realizedRate: prunedElements === 0 ? 0 : droppedElements / prunedElements,
  });
}

function pad(cells: readonly string[], widths: readonly number[], right: ReadonlySet<number>): string {
  return cells.map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
}

/**
 * A plain-text table of a report: one line per tensor (name, shape, dtype, entries, dropped
 * fraction, scale, status) and a total line, for terminals and logs.
 *
 * @example
 * ```ts
 * import { formatDeltaReport, pruneDeltas } from '@sparse/delta';
 *
 * const base = new Map([['w', new Float32Array(100)]]);
 * const tuned = new Map([['w', new Float32Array(100).fill(0.01)]]);
 * console.log(formatDeltaReport((await pruneDeltas(base, tuned, { rate: 0.9 })).report));
 * ```
 */
export function formatDeltaReport(report: DeltaPruneReport): string {
  const header = ['tensor', 'shape', 'dtype', 'entries', 'dropped', 'scale', 'status'];
  const rows = report.tensors.map((tensor) => [
    tensor.name,
    tensor.shape.length === 0 ? 'scalar' : tensor.shape.join('x'),
    tensor.dtype,
    String(tensor.elementCount),
    tensor.status === 'pruned' ? `${((100 * tensor.dropped) / Math.max(1, tensor.elementCount)).toFixed(2)}%` : '-',
    tensor.status === 'pruned' ? String(+tensor.scale.toPrecision(6)) : '-',
    tensor.status === 'pruned' ? 'pruned' : `${tensor.status}${tensor.reason === undefined ? '' : ` (${tensor.reason})`}`,
  ]);
  const total = [
    'total',
    '',
    '',
    String(report.prunedElements),
    `${(100 * report.realizedRate).toFixed(2)}%`,
    '',
    `${report.tensors.filter((t) => t.status === 'pruned').length} pruned, ${report.tensors.filter((t) => t.status !== 'pruned').length} kept`,
  ];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const right = new Set([3, 4, 5]);
  return `${[pad(header, widths, right), ...rows.map((row) => pad(row, widths, right)), pad(total, widths, right)].join('\n')}\n${report.description}\n`;
}
