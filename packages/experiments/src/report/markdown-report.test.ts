import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xmlProblems } from '../../test/support/xml.js';
import { escapeMarkdown, renderMarkdownReport, renderMarkdownTable, writeMarkdownReport } from './markdown-report.js';
import type { Report } from './report.js';

const plot = { series: [{ name: 's', points: [{ x: 1, y: 1 }, { x: 2, y: 4 }] }] };
const report: Report = {
  title: 'LTH on LeNet-300-100',
  sections: [
    {
      heading: 'Accuracy',
      blocks: [
        { kind: 'text', text: '# not a heading, *not* emphasis, a|b' },
        { kind: 'plot', title: 'Test accuracy', plot, caption: 'mean of 3 seeds' },
        { kind: 'plot', title: 'Test accuracy', plot },
        { kind: 'table', table: { columns: ['method', 'acc'], rows: [{ method: 'a|b', acc: 0.5 }] } },
      ],
    },
  ],
};

describe('Markdown reports', () => {
  it('link each plot as its own SVG file and escape text', () => {
    const { markdown, files } = renderMarkdownReport(report, 'lth-lenet');
    expect(files.map((file) => file.name)).toEqual(['lth-lenet-test-accuracy.svg', 'lth-lenet-test-accuracy-2.svg']);
    expect(files.every((file) => xmlProblems(file.content).length === 0)).toBe(true);
    expect(markdown).toBe(
      [
        '# LTH on LeNet-300-100',
        '',
        '## Accuracy',
        '',
        '\\# not a heading, \\*not\\* emphasis, a\\|b',
        '',
        '![Test accuracy](./lth-lenet-test-accuracy.svg)',
        '',
        '*mean of 3 seeds*',
        '',
        '![Test accuracy](./lth-lenet-test-accuracy-2.svg)',
        '',
        '| method | acc |',
        '| --- | ---: |',
        '| a\\|b | 0.5 |',
        '',
      ].join('\n'),
    );
  });

  it('escape list markers and numbered lines', () => {
    expect(escapeMarkdown('- item\n1. one\n_x_')).toBe('\\- item\n1\\. one\n\\_x\\_');
    expect(renderMarkdownTable({ title: 'T', columns: ['a'], rows: [] })).toBe('**T**\n\n| a |\n| --- |');
  });

  it('write the .md and its SVG files next to each other', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparse-md-'));
    try {
      const written = await writeMarkdownReport(join(dir, 'results', 'lth.md'), report);
      expect(written.map((path) => path.slice(dir.length + 1))).toEqual(['results/lth-test-accuracy.svg', 'results/lth-test-accuracy-2.svg', 'results/lth.md']);
      expect((await readdir(join(dir, 'results'))).sort()).toEqual(['lth-test-accuracy-2.svg', 'lth-test-accuracy.svg', 'lth.md']);
      expect(await readFile(join(dir, 'results', 'lth.md'), 'utf8')).toContain('](./lth-test-accuracy.svg)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
