import { describe, expect, it } from 'vitest';
import { xmlProblems } from '../../test/support/xml.js';
import { renderHtmlReport, renderHtmlTable } from './html-report.js';
import type { Report } from './report.js';

const report: Report = {
  title: 'LTH <b>bold</b> & co',
  subtitle: 'run "x"',
  sections: [
    {
      heading: 'Results',
      blocks: [
        { kind: 'text', text: 'Mean over 3 seeds; <i>bands</i> show min to max.' },
        { kind: 'plot', title: 'Accuracy', plot: { series: [{ name: 'a&b', points: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }] } },
        { kind: 'table', table: { title: 'Final', columns: ['method', 'acc'], rows: [{ method: '<img src=x>', acc: 0.98765 }] } },
      ],
    },
  ],
};

describe('renderHtmlReport', () => {
  it('writes one self-contained page: inline CSS and SVG, no scripts, no external assets', () => {
    const html = renderHtmlReport(report);
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<style>');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    for (const forbidden of ['<script', '<link', '<img', '<iframe', '@import', 'url(']) expect(html).not.toContain(forbidden);
    expect(html).not.toMatch(/<[^>]*\s(src|href|on[a-z]+)=/);
    const withoutDoctype = html.replace('<!doctype html>', '').replace('<meta charset="utf-8">', '<meta charset="utf-8"/>').replace(/<meta name="viewport"[^>]*>/, '');
    expect(xmlProblems(withoutDoctype)).toEqual([]);
  });

  it('escapes every text', () => {
    const html = renderHtmlReport(report);
    expect(html).toContain('<title>LTH &lt;b&gt;bold&lt;/b&gt; &amp; co</title>');
    expect(html).toContain('<p class="subtitle">run &quot;x&quot;</p>');
    expect(html).toContain('&lt;i&gt;bands&lt;/i&gt;');
    expect(html).toContain('<td>&lt;img src=x&gt;</td><td class="num">0.9877</td>');
    expect(html).toContain('a&amp;b');
  });
});

describe('renderHtmlTable', () => {
  it('right-aligns numeric columns', () => {
    expect(renderHtmlTable({ columns: ['n', 's'], rows: [{ n: 1, s: 'x' }] })).toBe('<table><thead><tr><th class="num">n</th><th>s</th></tr></thead>\n<tbody>\n<tr><td class="num">1</td><td>x</td></tr>\n</tbody></table>');
  });
});
