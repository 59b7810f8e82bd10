import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from './command-args.js';

const flags = { runs: {}, plugin: { repeatable: true } };

describe('parseCommandArgs', () => {
  it('reads flags, repeatable ones and positionals', () => {
    expect(parseCommandArgs(['c.json', '--runs', 'r', '--plugin', 'a.js', '--plugin=b.js'], flags)).toEqual({
      values: { runs: ['r'], plugin: ['a.js', 'b.js'] },
      positionals: ['c.json'],
      help: false,
    });
    expect(parseCommandArgs(['-h'], flags)).toMatchObject({ help: true });
  });

  it('refuses a flag given twice, an unknown flag and a flag without its value, naming the allowed ones', () => {
    expect(parseCommandArgs(['c.json', '--runs', 'a', '--runs', 'b'], flags)).toEqual({ error: '--runs was given 2 times; give it once' });
    expect(parseCommandArgs(['--rnus', 'a'], flags)).toEqual({ error: "Unknown option '--rnus'; allowed: --runs, --plugin, --help" });
    expect('error' in parseCommandArgs(['c.json', '--runs'], flags)).toBe(true);
    expect(parseCommandArgs(['c.json', '--runs='], flags)).toEqual({ error: '--runs needs a value' });
  });
});
