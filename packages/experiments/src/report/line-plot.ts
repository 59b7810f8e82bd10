import { SparseError } from '@sparse/core';
import { escapeXml, formatNumber } from './format.js';

/**
 * One point of a plotted series; `yMin`/`yMax` give its spread (e.g. over seeds).
 *
 * @example
 * ```ts
 * import type { PlotPoint } from '@sparse/experiments';
 *
 * const point: PlotPoint = { x: 51.2, y: 0.981, yMin: 0.978, yMax: 0.984 };
 * ```
 */
export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  readonly yMin?: number;
  readonly yMax?: number;
  /**
   * A remark on this point (e.g. "2 of 3 seeds stopped at the last iteration"): the point gets an
   * open ring around its marker, and the remark joins its tooltip. {@link LinePlotOptions.noteLegend}
   * explains the ring in the legend.
   */
  readonly note?: string;
}

/**
 * The shape of a series' point markers; each series gets its own by default (circle, square,
 * triangle, diamond, cross, …) so that series stay apart in grey print.
 *
 * @example
 * ```ts
 * import type { MarkerShape } from '@sparse/experiments';
 *
 * const shape: MarkerShape = 'triangle';
 * ```
 */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross' | 'none';

/**
 * A named line of a plot.
 *
 * @example
 * ```ts
 * import type { PlotSeries } from '@sparse/experiments';
 *
 * const series: PlotSeries = { name: 'winning ticket', points: [{ x: 100, y: 0.978 }, { x: 51.2, y: 0.981 }] };
 * ```
 */
export interface PlotSeries {
  readonly name: string;
  readonly points: readonly PlotPoint[];
  /** A CSS colour; default from a colour-blind-safe palette. */
  readonly color?: string;
  /** Draw the line dashed (`6 4`). */
  readonly dashed?: boolean;
  /** An SVG dash pattern for the line (e.g. `'2 3'` dotted); overrides `dashed`. */
  readonly dash?: string;
  /** Marker shape; default by the series' index. */
  readonly marker?: MarkerShape;
  /** Line width in pixels; default 2. */
  readonly lineWidth?: number;
}

/**
 * Options of {@link linePlot}.
 *
 * @example
 * ```ts
 * import type { LinePlotOptions } from '@sparse/experiments';
 *
 * const options: LinePlotOptions = {
 *   series: [{ name: 'lth', points: [{ x: 100, y: 0.97 }, { x: 10, y: 0.98 }] }],
 *   xLabel: 'weights remaining (%)',
 *   yLabel: 'test accuracy',
 *   xScale: 'log',
 *   reverseX: true,
 * };
 * ```
 */
export interface LinePlotOptions {
  readonly series: readonly PlotSeries[];
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Default `'linear'`. A log axis ignores points with x ≤ 0. */
  readonly xScale?: 'linear' | 'log';
  /** Default `'linear'`. A log axis ignores points with y ≤ 0. */
  readonly yScale?: 'linear' | 'log';
  /** Draw x from the largest value on the left to the smallest on the right. */
  readonly reverseX?: boolean;
  /** Fixed axis ranges instead of the data's. */
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  /** How `yMin`/`yMax` are drawn: a shaded band (default) or error bars. */
  readonly spread?: 'band' | 'bars';
  /** Draw a marker at each point; default `true`. */
  readonly markers?: boolean;
  /** Size in pixels (the legend is inside); default 640 × 400. */
  readonly width?: number;
  readonly height?: number;
  readonly xTickFormat?: (value: number) => string;
  readonly yTickFormat?: (value: number) => string;
  /** Tick positions on the x axis instead of the automatic ones (e.g. every pruning level). */
  readonly xTicks?: readonly number[];
  /** A legend entry for the open ring that marks points with a `note`, shown when any point has one. */
  readonly noteLegend?: string;
}

const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const SHAPES: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'cross'];

/** One marker of `shape` centred on (x, y), `r` its half-size. */
function markerSvg(shape: MarkerShape, x: number, y: number, r: number, color: string, tooltip?: string): string {
  const title = tooltip === undefined ? '' : `<title>${escapeXml(tooltip)}</title>`;
  const close = (element: string): string => (title === '' ? `<${element}/>` : `<${element}>${title}</${element.split(' ')[0]}>`);
  switch (shape) {
    case 'none':
      return '';
    case 'circle':
      return close(`circle cx="${round(x)}" cy="${round(y)}" r="${round(r)}" fill="${color}"`);
    case 'square':
      return close(`rect x="${round(x - r)}" y="${round(y - r)}" width="${round(2 * r)}" height="${round(2 * r)}" fill="${color}"`);
    case 'triangle':
      return close(`polygon points="${round(x)},${round(y - 1.2 * r)} ${round(x + 1.1 * r)},${round(y + 0.8 * r)} ${round(x - 1.1 * r)},${round(y + 0.8 * r)}" fill="${color}"`);
    case 'diamond':
      return close(`polygon points="${round(x)},${round(y - 1.3 * r)} ${round(x + 1.3 * r)},${round(y)} ${round(x)},${round(y + 1.3 * r)} ${round(x - 1.3 * r)},${round(y)}" fill="${color}"`);
    case 'cross':
      return close(`path d="M${round(x - r)} ${round(y - r)}L${round(x + r)} ${round(y + r)}M${round(x - r)} ${round(y + r)}L${round(x + r)} ${round(y - r)}" stroke="${color}" stroke-width="2" fill="none"`);
  }
}
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * Tick positions for a linear axis: about `count` "nice" values (1, 2 or 5 times a power of ten)
 * covering `[min, max]`.
 *
 * @example
 * ```ts
 * import { linearTicks } from '@sparse/experiments';
 *
 * linearTicks(0, 1, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= raw) ?? 10 * power;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last; i += 1) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * Tick positions for a log axis over `[min, max]` (both > 0): powers of ten, plus 2× and 5× when
 * the range spans few decades, plus every integer multiple when it spans less than one.
 *
 * @example
 * ```ts
 * import { logTicks } from '@sparse/experiments';
 *
 * logTicks(1, 100); // [1, 2, 5, 10, 20, 50, 100]
 * ```
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [];
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const pick = (factors: readonly number[]): number[] => {
    const ticks: number[] = [];
    for (let exponent = low; exponent <= high; exponent += 1) {
      for (const factor of factors) {
        const value = Number((factor * 10 ** exponent).toPrecision(12));
        if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
      }
    }
    return ticks;
  };
  const decades = pick([1]);
  if (decades.length >= 4) return decades;
  const coarse = pick([1, 2, 5]);
  if (coarse.length >= 3) return coarse;
  return pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

interface Axis {
  readonly toPixel: (value: number) => number;
  readonly ticks: readonly number[];
  readonly accepts: (value: number) => boolean;
}

function makeAxis(values: readonly number[], scale: 'linear' | 'log', domain: readonly [number, number] | undefined, from: number, to: number, nice: boolean, fixedTicks?: readonly number[]): Axis {
  const accepts = (value: number): boolean => Number.isFinite(value) && (scale === 'linear' || value > 0);
  const usable = values.filter(accepts);
  let [min, max] = domain ?? [usable.length === 0 ? (scale === 'log' ? 1 : 0) : Math.min(...usable), usable.length === 0 ? (scale === 'log' ? 10 : 1) : Math.max(...usable)];
  if (scale === 'log') {
    if (!(min > 0) || !(max > 0)) throw new SparseError('E_ARGUMENT', `A log axis needs a positive range, received [${min}, ${max}].`, { field: 'domain', received: [min, max], allowed: '> 0' });
    if (min === max) [min, max] = [min / 2, max * 2];
    const ticks = fixedTicks === undefined ? logTicks(min, max) : fixedTicks.filter((tick) => tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9));
    const lo = Math.log10(min);
    const span = Math.log10(max) - lo;
    return { accepts, ticks, toPixel: (value) => from + ((Math.log10(value) - lo) / span) * (to - from) };
  }
  if (min === max) [min, max] = min === 0 ? [-1, 1] : [min - Math.abs(min) * 0.1, max + Math.abs(max) * 0.1];
  let ticks = fixedTicks === undefined ? linearTicks(min, max) : fixedTicks.filter((tick) => tick >= min && tick <= max);
  if (nice && fixedTicks === undefined && domain === undefined && ticks.length >= 2) {
    const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
    if ((ticks[0] ?? min) > min) ticks = [Number(((ticks[0] ?? min) - step).toPrecision(12)), ...ticks];
    if ((ticks[ticks.length - 1] ?? max) < max) ticks = [...ticks, Number(((ticks[ticks.length - 1] ?? max) + step).toPrecision(12))];
    min = ticks[0] ?? min;
    max = ticks[ticks.length - 1] ?? max;
  }
  const lo = min;
  const span = max - min;
  return { accepts, ticks, toPixel: (value) => from + ((value - lo) / span) * (to - from) };
}

/**
 * Draws a line plot as a standalone SVG document (no scripts, no external assets; inline it in
 * HTML or save it as a `.svg` file): several series with a legend, axes with ticks and grid,
 * linear or log scales, an optionally reversed x axis (the lottery-ticket plot: accuracy vs.
 * percent of weights remaining, 100 % on the left, log scale), and spread over seeds as
 * min–max bands or error bars. Points with non-finite values (or ≤ 0 on a log axis) break the
 * line. All text is escaped. Output is deterministic (coordinates rounded to 0.01 px).
 *
 * @example
 * ```ts
 * import { linePlot } from '@sparse/experiments';
 *
 * const svg = linePlot({
 *   title: 'LeNet-300-100 on Fashion-MNIST',
 *   series: [
 *     { name: 'winning ticket', points: [{ x: 100, y: 0.89, yMin: 0.88, yMax: 0.9 }, { x: 21, y: 0.895, yMin: 0.89, yMax: 0.9 }] },
 *     { name: 'random reinit', points: [{ x: 100, y: 0.89 }, { x: 21, y: 0.87 }] },
 *   ],
 *   xLabel: 'weights remaining (%)',
 *   yLabel: 'test accuracy',
 *   xScale: 'log',
 *   reverseX: true,
 * });
 * ```
 */
export function linePlot(options: LinePlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const xScale = options.xScale ?? 'linear';
  const yScale = options.yScale ?? 'linear';
  const spread = options.spread ?? 'band';
  const markers = options.markers ?? true;
  const xFormat = options.xTickFormat ?? ((value: number) => formatNumber(value, 3));
  const yFormat = options.yTickFormat ?? ((value: number) => formatNumber(value, 3));
  const series = options.series.map((item, index) => ({
    ...item,
    color: item.color ?? PALETTE[index % PALETTE.length] ?? '#000000',
    shape: markers ? (item.marker ?? SHAPES[index % SHAPES.length] ?? 'circle') : 'none',
    dashArray: item.dash ?? (item.dashed === true ? '6 4' : undefined),
    points: [...item.points].sort((a, b) => a.x - b.x),
  }));
  const noted = series.some((item) => item.points.some((point) => point.note !== undefined));
  const noteLegend = noted && options.noteLegend !== undefined ? options.noteLegend : undefined;

  const legendChars = width >= 900 ? 48 : 28;
  const legendNames = [...series.map((item) => item.name), ...(noteLegend === undefined ? [] : [noteLegend])].map((name) => (name.length > legendChars ? `${name.slice(0, legendChars - 1)}…` : name));
  const showLegend = series.length > 1 || (series.length === 1 && series[0]?.name !== '');
  const legendWidth = showLegend ? Math.min(width >= 900 ? 380 : 230, 46 + 7 * Math.max(...legendNames.map((name) => name.length))) : 0;
  const top = options.title === undefined ? 16 : 40;
  const left = 70;
  const bottom = height - (options.xLabel === undefined ? 36 : 56);
  const right = width - 16 - legendWidth;

  const xs = series.flatMap((item) => item.points.map((point) => point.x));
  const ys = series.flatMap((item) => item.points.flatMap((point) => [point.y, point.yMin ?? point.y, point.yMax ?? point.y]));
  const reversed = options.reverseX === true;
  const xAxis = makeAxis(xs, xScale, options.xDomain, reversed ? right : left, reversed ? left : right, false, options.xTicks);
  const yAxis = makeAxis(ys, yScale, options.yDomain, bottom, top, true);
  const px = (x: number): string => round(xAxis.toPixel(x));
  const py = (y: number): string => round(yAxis.toPixel(y));
  const usable = (point: PlotPoint): boolean => xAxis.accepts(point.x) && yAxis.accepts(point.y);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" ${FONT} font-size="12">`);
  const label = [options.title, options.yLabel && options.xLabel ? `${options.yLabel} vs. ${options.xLabel}` : undefined].filter((text) => text !== undefined && text !== '').join(': ');
  out.push(`<title>${escapeXml(label === '' ? 'line plot' : label)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title !== undefined) out.push(`<text x="${round((left + right) / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`);

  // Grid, ticks and tick labels.
  out.push('<g stroke="#e5e5e5" stroke-width="1">');
  for (const tick of xAxis.ticks) out.push(`<line x1="${px(tick)}" y1="${top}" x2="${px(tick)}" y2="${bottom}"/>`);
  for (const tick of yAxis.ticks) out.push(`<line x1="${left}" y1="${py(tick)}" x2="${right}" y2="${py(tick)}"/>`);
  out.push('</g>');
  out.push(`<g stroke="#333333" stroke-width="1"><line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/><line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}"/>`);
  for (const tick of xAxis.ticks) out.push(`<line x1="${px(tick)}" y1="${bottom}" x2="${px(tick)}" y2="${bottom + 5}"/>`);
  for (const tick of yAxis.ticks) out.push(`<line x1="${left - 5}" y1="${py(tick)}" x2="${left}" y2="${py(tick)}"/>`);
  out.push('</g>');
  out.push('<g fill="#333333">');
  for (const tick of xAxis.ticks) out.push(`<text class="x-tick" x="${px(tick)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(xFormat(tick))}</text>`);
  for (const tick of yAxis.ticks) out.push(`<text class="y-tick" x="${left - 8}" y="${round(yAxis.toPixel(tick) + 4)}" text-anchor="end">${escapeXml(yFormat(tick))}</text>`);
  out.push('</g>');
  if (options.xLabel !== undefined) out.push(`<text x="${round((left + right) / 2)}" y="${height - 14}" text-anchor="middle" font-size="13">${escapeXml(options.xLabel)}${reversed ? ' ←' : ''}</text>`);
  if (options.yLabel !== undefined) out.push(`<text transform="translate(18 ${round((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(options.yLabel)}</text>`);

  const drawn = series.filter((item) => item.points.some(usable));
  if (drawn.length === 0) out.push(`<text x="${round((left + right) / 2)}" y="${round((top + bottom) / 2)}" text-anchor="middle" fill="#777777">no data</text>`);

  // Bands first, then lines and markers, so that no band covers another series' line.
  series.forEach((item, index) => {
    const color = escapeXml(item.color);
    out.push(`<g class="spread" data-series="${index}">`);
    // Spread: bands per run of consecutive points that have both bounds, or error bars.
    const spreadPoints = item.points.filter((point) => usable(point) && point.yMin !== undefined && point.yMax !== undefined && yAxis.accepts(point.yMin) && yAxis.accepts(point.yMax));
    if (spread === 'band') {
      let run: PlotPoint[] = [];
      const flush = (): void => {
        if (run.length >= 2) {
          const upper = run.map((point) => `${px(point.x)},${py(point.yMax ?? point.y)}`);
          const lower = [...run].reverse().map((point) => `${px(point.x)},${py(point.yMin ?? point.y)}`);
          out.push(`<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.12" stroke="none"/>`);
        }
        run = [];
      };
      for (const point of item.points) {
        if (spreadPoints.includes(point)) run.push(point);
        else flush();
      }
      flush();
    } else {
      for (const point of spreadPoints) {
        const x = xAxis.toPixel(point.x);
        const [y0, y1] = [py(point.yMin ?? point.y), py(point.yMax ?? point.y)];
        out.push(`<path class="error-bar" d="M${round(x)} ${y0}V${y1}M${round(x - 4)} ${y0}H${round(x + 4)}M${round(x - 4)} ${y1}H${round(x + 4)}" stroke="${color}" stroke-width="1.2" fill="none"/>`);
      }
    }
    out.push('</g>');
  });
  series.forEach((item, index) => {
    const color = escapeXml(item.color);
    out.push(`<g class="series" data-series="${index}">`);
    // The line, broken where a point cannot be drawn.
    const segments: string[] = [];
    let pen = false;
    for (const point of item.points) {
      if (!usable(point)) {
        pen = false;
        continue;
      }
      segments.push(`${pen ? 'L' : 'M'}${px(point.x)} ${py(point.y)}`);
      pen = true;
    }
    const dash = item.dashArray === undefined ? '' : ` stroke-dasharray="${escapeXml(item.dashArray)}"`;
    if (segments.length > 0) out.push(`<path class="line" d="${segments.join('')}" fill="none" stroke="${color}" stroke-width="${item.lineWidth ?? 2}"${dash} stroke-linejoin="round"/>`);
    for (const point of item.points.filter(usable)) {
      const x = xAxis.toPixel(point.x);
      const y = yAxis.toPixel(point.y);
      const tooltip = `${item.name}: x = ${formatNumber(point.x)}, y = ${formatNumber(point.y)}${point.yMin !== undefined && point.yMax !== undefined ? ` (${formatNumber(point.yMin)} to ${formatNumber(point.yMax)})` : ''}${point.note === undefined ? '' : `; ${point.note}`}`;
      out.push(markerSvg(item.shape, x, y, item.shape === 'circle' ? 3.5 : 3.2, color, tooltip));
      if (point.note !== undefined) out.push(`<circle class="note" cx="${round(x)}" cy="${round(y)}" r="8" fill="none" stroke="#000000" stroke-width="1.5"><title>${escapeXml(tooltip)}</title></circle>`);
    }
    out.push('</g>');
  });

  if (showLegend) {
    const x0 = right + 16;
    out.push(`<g class="legend" font-size="12">`);
    series.forEach((item, index) => {
      const y = top + 8 + index * 20;
      const color = escapeXml(item.color);
      const dash = item.dashArray === undefined ? '' : ` stroke-dasharray="${escapeXml(item.dashArray)}"`;
      out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + 30}" y2="${y}" stroke="${color}" stroke-width="${item.lineWidth ?? 2}"${dash}/>`);
      out.push(markerSvg(item.shape, x0 + 15, y, item.shape === 'circle' ? 3.5 : 3.2, color));
      out.push(`<text x="${x0 + 36}" y="${y + 4}"><title>${escapeXml(item.name)}</title>${escapeXml(legendNames[index] ?? '')}</text>`);
    });
    if (noteLegend !== undefined) {
      const y = top + 8 + series.length * 20;
      out.push(`<circle class="note" cx="${x0 + 15}" cy="${y}" r="8" fill="none" stroke="#000000" stroke-width="1.5"/>`);
      out.push(`<text x="${x0 + 36}" y="${y + 4}"><title>${escapeXml(noteLegend)}</title>${escapeXml(legendNames[series.length] ?? '')}</text>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}
