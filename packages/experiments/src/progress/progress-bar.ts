/**
 * Where a {@link ProgressBar} writes: `process.stderr` or anything with `write`.
 *
 * @example
 * ```ts
 * import type { ProgressStream } from '@sparse/experiments';
 *
 * const lines: string[] = [];
 * const stream: ProgressStream = { write: (chunk) => lines.push(chunk), isTTY: false };
 * ```
 */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Options of {@link ProgressBar}.
 *
 * @example
 * ```ts
 * import type { ProgressBarOptions } from '@sparse/experiments';
 *
 * const options: ProgressBarOptions = { total: 100, label: 'training', unit: 'batches' };
 * ```
 */
export interface ProgressBarOptions {
  readonly total: number;
  /** Text before the bar. */
  readonly label?: string;
  /** Default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** Redraw one line (`true`) or print plain lines (`false`). Default: the stream is a TTY and `CI` is not set. */
  readonly tty?: boolean;
  /** Characters in the bar; default 24. */
  readonly width?: number;
  /** Clock in milliseconds; default `performance.now`. */
  readonly now?: () => number;
  /** TTY: least time between redraws; default 100 ms. */
  readonly redrawMs?: number;
  /** Plain mode: print a line whenever this many more percent are done; default 10. */
  readonly plainPercentStep?: number;
  /** Plain mode: also print when this much time passed since the last line; default 10 000 ms. */
  readonly plainIntervalMs?: number;
  /** Name of one unit of work in the rate (`it/s`); default `it`. */
  readonly unit?: string;
}

/**
 * `m:ss` or `h:mm:ss` for a number of seconds; `--:--` when unknown.
 *
 * @example
 * ```ts
 * import { formatDuration } from '@sparse/experiments';
 *
 * formatDuration(3725); // '1:02:05'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '0';
  return rate >= 100 ? String(Math.round(rate)) : String(Number(rate.toPrecision(2)));
}

/**
 * A terminal progress bar without dependencies. On a TTY it redraws one line (bar, percent,
 * count, rate, ETA, detail) at most every `redrawMs`; elsewhere (CI logs, pipes) it prints a
 * plain line every `plainPercentStep` percent or `plainIntervalMs`, whichever comes first.
 * `finish()` prints the final state and ends the line.
 *
 * @example
 * ```ts
 * import { ProgressBar } from '@sparse/experiments';
 *
 * const bar = new ProgressBar({ total: 50, label: 'level 3' });
 * for (let step = 1; step <= 50; step += 1) bar.update(step, `loss ${(1 / step).toFixed(3)}`);
 * bar.finish();
 * ```
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #label: string;
  readonly #width: number;
  readonly #now: () => number;
  readonly #redrawMs: number;
  readonly #percentStep: number;
  readonly #intervalMs: number;
  readonly #unit: string;
  #total: number;
  #done = 0;
  #detail = '';
  #startTime: number | undefined;
  #startDone = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastPlainStep = -1;
  #lastPlainDone = -1;
  #finished = false;

  constructor(options: ProgressBarOptions) {
    this.#stream = options.stream ?? process.stderr;
    this.#tty = options.tty ?? (this.#stream.isTTY === true && process.env['CI'] === undefined);
    this.#label = options.label ?? '';
    this.#width = options.width ?? 24;
    this.#now = options.now ?? (() => performance.now());
    this.#redrawMs = options.redrawMs ?? 100;
    this.#percentStep = options.plainPercentStep ?? 10;
    this.#intervalMs = options.plainIntervalMs ?? 10_000;
    this.#unit = options.unit ?? 'it';
    this.#total = Math.max(0, options.total);
  }

  /** Units of work done so far. */
  get done(): number {
    return this.#done;
  }

  /** Units of work in total. */
  get total(): number {
    return this.#total;
  }

  /** Changes the total (e.g. when more work is discovered). */
  setTotal(total: number): void {
    this.#total = Math.max(0, total);
    this.#render(false);
  }

  /** Sets how much is done, with an optional detail shown after the ETA. */
  update(done: number, detail?: string): void {
    if (this.#finished) return;
    const time = this.#now();
    if (this.#startTime === undefined) {
      this.#startTime = time;
      this.#startDone = done;
    }
    this.#done = Math.max(0, done);
    if (detail !== undefined) this.#detail = detail;
    this.#render(false);
  }

  /** Adds `by` (default 1) to what is done. */
  increment(by = 1, detail?: string): void {
    this.update(this.#done + by, detail);
  }

  /** Prints the final state and ends the line; later updates are ignored. */
  finish(detail?: string): void {
    if (this.#finished) return;
    if (detail !== undefined) this.#detail = detail;
    this.#render(true);
    this.#finished = true;
  }

  /** The text of the current state, without control characters (also what plain mode prints). */
  line(): string {
    const total = this.#total;
    const done = Math.min(this.#done, total);
    const fraction = total === 0 ? 1 : done / total;
    const percent = `${(fraction * 100).toFixed(1).padStart(5)}%`;
    const elapsed = this.#startTime === undefined ? 0 : (this.#now() - this.#startTime) / 1000;
    const rate = elapsed > 0 ? (this.#done - this.#startDone) / elapsed : 0;
    const eta = rate > 0 ? formatDuration((total - done) / rate) : '--:--';
    const parts = [
      ...(this.#label === '' ? [] : [this.#label]),
      ...(this.#tty ? [`[${'█'.repeat(Math.round(fraction * this.#width)).padEnd(this.#width, '░')}]`] : []),
      percent,
      `${done}/${total}`,
      `${formatRate(rate)} ${this.#unit}/s`,
      `ETA ${eta}`,
      ...(this.#detail === '' ? [] : [this.#detail]),
    ];
    return parts.join('  ');
  }

  #render(final: boolean): void {
    const time = this.#now();
    if (this.#tty) {
      if (!final && time - this.#lastDraw < this.#redrawMs) return;
      this.#lastDraw = time;
      const columns = this.#stream.columns ?? 120;
      let text = this.line();
      if (text.length > columns - 1) text = text.slice(0, Math.max(0, columns - 1));
      this.#stream.write(`\r${text}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const fraction = this.#total === 0 ? 1 : Math.min(this.#done, this.#total) / this.#total;
    const step = Math.floor((fraction * 100) / this.#percentStep);
    const due = step > this.#lastPlainStep || (time - this.#lastDraw >= this.#intervalMs && this.#done !== this.#lastPlainDone);
    if (!due && !(final && this.#done !== this.#lastPlainDone)) return;
    this.#lastDraw = time;
    this.#lastPlainStep = step;
    this.#lastPlainDone = this.#done;
    this.#stream.write(`${this.line()}\n`);
  }
}

/**
 * Combines the progress of several sources (workers, units) into one {@link ProgressBar}: the
 * bar shows the sum of what every source has done over the sum of their totals.
 *
 * @example
 * ```ts
 * import { ProgressAggregator, ProgressBar } from '@sparse/experiments';
 *
 * const progress = new ProgressAggregator(new ProgressBar({ total: 0, label: 'replicates' }));
 * progress.report('seed-0', 3, 10);
 * progress.report('seed-1', 5, 10); // the bar shows 8/20
 * progress.finish();
 * ```
 */
export class ProgressAggregator {
  readonly bar: ProgressBar;
  readonly #sources = new Map<string, { done: number; total: number }>();

  constructor(bar: ProgressBar) {
    this.bar = bar;
  }

  /** Records one source's progress and updates the bar. */
  report(source: string, done: number, total: number, detail?: string): void {
    this.#sources.set(source, { done: Math.min(done, total), total });
    let sumDone = 0;
    let sumTotal = 0;
    for (const value of this.#sources.values()) {
      sumDone += value.done;
      sumTotal += value.total;
    }
    if (sumTotal !== this.bar.total) this.bar.setTotal(sumTotal);
    this.bar.update(sumDone, detail);
  }

  /** Finishes the bar. */
  finish(detail?: string): void {
    this.bar.finish(detail);
  }
}
