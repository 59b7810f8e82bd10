import { echoValue } from '@sparse/core';
import { usageError } from './usage-error.js';

const KEY = /^[A-Za-z_$][\w$-]*$/;

/** A value as JSON when it parses (`3`, `true`, `"x"`, `[1, 2]`, `{"a": 1}`), else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Parses the repeatable `--scorer-option KEY=VALUE` of `sparse prune` into the scorer's options
 * object. A value is read as JSON when it parses (`power=3` gives the number 3, `flag=true` a
 * boolean, `list=[1,2]` an array), else it is the text (`distribution=normal` gives `'normal'`).
 * The options are checked against the scorer's declared schema later, once the scorer is known.
 *
 * @param values - every `--scorer-option` given, in order.
 * @throws SparseError `E_CONFIG` (exit code 2) for a value without `=`, an empty or invalid key, or a key given twice.
 *
 * @example
 * ```ts
 * import { parseScorerOptions } from '@sparse/cli';
 *
 * console.log(parseScorerOptions(['power=3', 'distribution=normal'])); // { power: 3, distribution: 'normal' }
 * ```
 */
export function parseScorerOptions(values: readonly string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const entry of values) {
    const at = entry.indexOf('=');
    const key = at < 0 ? entry : entry.slice(0, at);
    if (at < 0 || !KEY.test(key)) {
      throw usageError(
        '--scorer-option',
        entry,
        'KEY=VALUE',
        `--scorer-option must be KEY=VALUE (an option name, '=', then a JSON value or text, e.g. seed=3 or distribution=normal); got ${echoValue(entry)}.`,
      );
    }
    if (Object.hasOwn(options, key)) {
      throw usageError('--scorer-option', entry, 'each option once', `--scorer-option ${key} was given twice; give each option once.`);
    }
    options[key] = parseValue(entry.slice(at + 1));
  }
  return options;
}
