import { parseArgs } from 'node:util';

/**
 * One flag of a command: a string flag given once, or a repeatable one.
 *
 * @example
 * ```ts
 * import type { FlagSpec } from '@sparse/cli';
 *
 * const plugin: FlagSpec = { repeatable: true };
 * ```
 */
export interface FlagSpec {
  readonly repeatable?: boolean;
}

/**
 * What {@link parseCommandArgs} read: the flags' values, the positionals, `help`, or the error
 * to print (an unknown flag, a flag without its value, a flag that may be given once given twice).
 *
 * @example
 * ```ts
 * import type { CommandArgs } from '@sparse/cli';
 *
 * const parsed: CommandArgs = { values: { runs: ['.runs'] }, positionals: ['config.json'], help: false };
 * ```
 */
export type CommandArgs =
  | { readonly values: Readonly<Record<string, readonly string[]>>; readonly positionals: readonly string[]; readonly help: boolean }
  | { readonly error: string };

/**
 * Reads a command line with Node's `util.parseArgs` (string flags, `-h/--help`, positionals),
 * refusing a non-repeatable flag given twice rather than keeping the last value silently.
 *
 * @param argv - the arguments after the command's name.
 * @param flags - the command's flags, by name without `--`.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from '@sparse/cli';
 *
 * const parsed = parseCommandArgs(['c.json', '--plugin', 'a.js', '--plugin', 'b.js'], { runs: {}, plugin: { repeatable: true } });
 * ```
 */
export function parseCommandArgs(argv: readonly string[], flags: Readonly<Record<string, FlagSpec>>): CommandArgs {
  const options = Object.fromEntries([
    ...Object.keys(flags).map((name) => [name, { type: 'string' as const, multiple: true }]),
    ['help', { type: 'boolean' as const, short: 'h' }],
  ]);
  const allowed = [...Object.keys(flags).map((name) => `--${name}`), '--help'].join(', ');
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('. ')[0] ?? '';
    return { error: `${reason.replace(/\.$/, '')}; allowed: ${allowed}` };
  }
  if (parsed.values['help'] === true) return { values: {}, positionals: parsed.positionals, help: true };
  const values: Record<string, readonly string[]> = {};
  for (const [name, spec] of Object.entries(flags)) {
    const given = (parsed.values[name] as string[] | undefined) ?? [];
    if (given.length > 1 && spec.repeatable !== true) return { error: `--${name} was given ${given.length} times; give it once` };
    const empty = given.find((value) => value === '' || value.startsWith('-'));
    if (empty !== undefined) return { error: `--${name} needs a value` };
    values[name] = given;
  }
  return { values, positionals: parsed.positionals, help: false };
}

/**
 * The first flag of `options` that may be given once but was given more often, with its count,
 * from the tokens of Node's `util.parseArgs` (`tokens: true`); `undefined` when none was.
 *
 * @param tokens - `parseArgs({ …, tokens: true }).tokens`.
 * @param options - the flags as `parseArgs` takes them (a flag with `multiple: true` may repeat).
 *
 * @example
 * ```ts
 * import { parseArgs } from 'node:util';
 * import { repeatedFlag } from '@sparse/cli';
 *
 * const options = { rate: { type: 'string' } } as const;
 * const { tokens } = parseArgs({ args: ['--rate', '0.5', '--rate', '0.9'], options, tokens: true });
 * console.log(repeatedFlag(tokens, options)); // { name: 'rate', count: 2 }
 * ```
 */
export function repeatedFlag(
  tokens: readonly { readonly kind: string; readonly name?: string }[],
  options: { readonly [name: string]: { readonly type: string; readonly multiple?: boolean } },
): { readonly name: string; readonly count: number } | undefined {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || options[token.name]?.multiple === true) continue;
    counts.set(token.name, (counts.get(token.name) ?? 0) + 1);
  }
  for (const [name, count] of counts) if (count > 1) return { name, count };
  return undefined;
}
