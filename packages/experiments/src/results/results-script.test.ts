import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { insertAfterTitle, parseImportArgs, scriptFlag } from './results-script.js';

describe('results scripts', () => {
  it('reads flags and the import arguments, and refuses a missing one with the usage line', () => {
    expect(scriptFlag(['a', '--out', 'x'], '--out')).toBe('x');
    expect(scriptFlag(['a'], '--out')).toBeUndefined();
    expect(parseImportArgs(['run', '--name', 'n', '--config', 'c.json'])).toEqual({ runPath: 'run', name: 'n', configFile: 'c.json', outDir: undefined });
    for (const args of [[], ['--name', 'n', '--config', 'c'], ['run', '--config', 'c'], ['run', '--name', 'n']]) {
      let caught: unknown;
      try {
        parseImportArgs(args);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_ARGUMENT')).toBe(true);
      expect((caught as Error).message).toContain('usage: results.ts import <run dir> --name NAME --config CONFIG_FILE');
    }
  });

  it('puts blocks between the title and the first section, ending with one newline', () => {
    expect(insertAfterTitle('# T\n\n## A\n\na\n\n## B\n\nb', ['x', 'y'])).toBe('# T\n\nx\n\ny\n\n## A\n\na\n\n## B\n\nb\n');
  });
});
