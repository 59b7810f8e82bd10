import { describe, expect, it } from 'vitest';
import { SparseError } from './errors.js';
import { fatalErrorReport } from './fatal-errors.js';

describe('fatalErrorReport', () => {
  it('is one line for a SparseError: exit code 2 for a usage problem, 1 otherwise', () => {
    expect(fatalErrorReport(new SparseError('E_CONFIG', 'bad flag.'), 'x')).toEqual({ text: 'x: bad flag.\n', exitCode: 2 });
    expect(fatalErrorReport(new SparseError('E_FORMAT', 'bad file.'), 'x')).toEqual({ text: 'x: bad file.\n', exitCode: 1 });
  });

  it('keeps the stack of anything else (a bug), exit code 1', () => {
    const report = fatalErrorReport(new TypeError('oops'), 'x');
    expect(report.exitCode).toBe(1);
    expect(report.text).toMatch(/^x: TypeError: oops\n\s+at /);
    expect(fatalErrorReport('text', 'x')).toEqual({ text: 'x: text\n', exitCode: 1 });
  });
});
