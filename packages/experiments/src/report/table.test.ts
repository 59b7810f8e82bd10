import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns: text left, numbers right and formatted', () => {
    const text = formatTable({
      title: 'Winning tickets',
      columns: ['method', { key: 'remaining', header: 'left (%)' }, { key: 'acc', digits: 3 }, 'note'],
      rows: [
        { method: 'winning-ticket', remaining: 100, acc: 0.97812, note: null },
        { method: 'random', remaining: 51.2, acc: 0.9, note: 'two\nlines' },
      ],
    });
    expect(text).toBe(
      [
        'Winning tickets',
        'method          left (%)    acc  note',
        '--------------  --------  -----  ---------',
        'winning-ticket       100  0.978',
        'random              51.2    0.9  two lines',
      ].join('\n'),
    );
  });

  it('uses custom formats and explicit alignment', () => {
    const text = formatTable({ columns: [{ key: 'p', format: (value) => `${Number(value) * 100}%`, align: 'left' }], rows: [{ p: 0.5 }, { p: 1 }] });
    expect(text).toBe(['p', '----', '50%', '100%'].join('\n'));
  });
});
