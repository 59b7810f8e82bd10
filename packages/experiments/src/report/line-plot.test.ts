import { describe, expect, it } from 'vitest';
import { xmlProblems } from '../../test/support/xml.js';
import { linePlot, linearTicks, logTicks, type LinePlotOptions } from './line-plot.js';

const lth: LinePlotOptions = {
  title: 'Accuracy <vs> weights & "friends"',
  series: [
    { name: 'winning ticket', points: [100, 51.2, 26.2, 13.4, 6.9, 3.5].map((x, i) => ({ x, y: 0.97 + i * 0.002, yMin: 0.965 + i * 0.002, yMax: 0.975 + i * 0.002 })) },
    { name: '<script>alert("x")</script>', points: [100, 51.2, 26.2, 13.4, 6.9, 3.5].map((x, i) => ({ x, y: 0.97 - i * 0.01 })), dashed: true },
  ],
  xLabel: 'weights remaining (%)',
  yLabel: 'test accuracy',
  xScale: 'log',
  reverseX: true,
};

function attributeNumbers(svg: string, element: string, attribute: string): number[] {
  return [...svg.matchAll(new RegExp(`<${element}[^>]*\\s${attribute}="([-\\d.]+)"`, 'g'))].map((match) => Number(match[1]));
}

describe('linePlot', () => {
  it('writes a well-formed standalone SVG with escaped text and a legend', () => {
    const svg = linePlot(lth);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain('Accuracy &lt;vs&gt; weights &amp; &quot;friends&quot;');
    expect(svg.match(/<path class="line"/g)).toHaveLength(2);
    expect(svg.match(/<polygon class="band"/g)).toHaveLength(1);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg.match(/<g class="legend"/g)).toHaveLength(1);
    expect(linePlot(lth)).toBe(svg);
  });

  it('reverses a log x axis: the largest value on the left, with 1-2-5 ticks', () => {
    const svg = linePlot(lth);
    const xs = attributeNumbers(svg, 'circle', 'cx');
    // Series points are drawn in increasing x; on a reversed axis their pixels decrease.
    const first = xs.slice(0, 6);
    expect([...first].sort((a, b) => b - a)).toEqual(first);
    const ticks = [...svg.matchAll(/<text class="x-tick"[^>]*>([^<]*)</g)].map((match) => match[1]);
    expect(ticks).toEqual(['5', '10', '20', '50', '100']);
    // Equal ratios are equal distances on a log axis.
    const at = (label: string): number => Number(new RegExp(`<text class="x-tick" x="([-\\d.]+)"[^>]*>${label}<`).exec(svg)?.[1]);
    expect(at('10') - at('100')).toBeCloseTo(at('5') - at('50'), 1);
    expect(at('100')).toBeLessThan(at('5'));
  });

  it('draws error bars instead of bands on request, and breaks lines at unusable points', () => {
    const svg = linePlot({
      series: [{ name: 's', points: [{ x: 1, y: 1, yMin: 0.5, yMax: 1.5 }, { x: 2, y: Number.NaN }, { x: 3, y: 2 }, { x: 4, y: 3 }] }],
      spread: 'bars',
    });
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.match(/class="error-bar"/g)).toHaveLength(1);
    const d = /<path class="line" d="([^"]*)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    const log = linePlot({ series: [{ name: 'l', points: [{ x: 0, y: 1 }, { x: 1, y: 1 }, { x: 10, y: 2 }] }], xScale: 'log' });
    expect(/<path class="line" d="([^"]*)"/.exec(log)?.[1]?.match(/[ML]/g)).toEqual(['M', 'L']);
  });

  it('shows "no data" for empty input and handles flat series', () => {
    expect(linePlot({ series: [] })).toContain('>no data<');
    const flat = linePlot({ series: [{ name: 'flat', points: [{ x: 5, y: 1 }] }] });
    expect(xmlProblems(flat)).toEqual([]);
    expect(flat).not.toContain('NaN');
  });
});

describe('ticks', () => {
  it('picks nice linear ticks', () => {
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(0.93, 0.98, 5)).toEqual([0.93, 0.94, 0.95, 0.96, 0.97, 0.98]);
    expect(linearTicks(-3, 17, 4)).toEqual([0, 5, 10, 15]);
  });

  it('picks log ticks by decade, then 1-2-5, then every multiple', () => {
    expect(logTicks(0.1, 1000)).toEqual([0.1, 1, 10, 100, 1000]);
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(2, 9)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(logTicks(0, 1)).toEqual([]);
  });
});

describe('linePlot for grey print', () => {
  it('puts ticks where asked, gives each series its own marker shape and dash, and rings noted points', () => {
    const svg = linePlot({
      series: [
        { name: 'a', points: [{ x: 100, y: 1 }, { x: 80, y: 2, note: 'at the budget' }, { x: 64, y: 3 }] },
        { name: 'b', dash: '2 3', points: [{ x: 100, y: 2 }, { x: 80, y: 1 }, { x: 64, y: 2 }] },
        { name: 'c', dashed: true, points: [{ x: 100, y: 3 }, { x: 64, y: 1 }] },
      ],
      xScale: 'log',
      reverseX: true,
      xTicks: [100, 80, 64],
      noteLegend: 'early stop at the last iteration',
    });
    expect(xmlProblems(svg)).toEqual([]);
    expect([...svg.matchAll(/<text class="x-tick"[^>]*>([^<]*)</g)].map((match) => match[1])).toEqual(['100', '80', '64']);
    const series = [...svg.matchAll(/<g class="series" data-series="\d">\n(<path class="line"[^>]*\/>)\n<(\w+)/g)].map((match) => [/stroke-dasharray="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? 'solid', match[2]]);
    expect(series).toEqual([['solid', 'circle'], ['2 3', 'rect'], ['6 4', 'polygon']]);
    expect(svg.match(/<g class="series"[\s\S]*?<\/g>/g)?.join('').match(/class="note"/g)).toHaveLength(1);
    expect(svg).toContain('early stop at the last iteration');
    // bands are all drawn before the first line
    const banded = linePlot({ series: [{ name: 'a', points: [{ x: 1, y: 1, yMin: 0, yMax: 2 }, { x: 2, y: 1, yMin: 0, yMax: 2 }] }, { name: 'b', points: [{ x: 1, y: 1, yMin: 0, yMax: 2 }, { x: 2, y: 1, yMin: 0, yMax: 2 }] }] });
    expect(banded.lastIndexOf('class="band"')).toBeLessThan(banded.indexOf('class="line"'));
  });
});
