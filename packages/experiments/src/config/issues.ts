/**
 * One problem found while validating a config: where (`path`, dotted, with `[i]` for array
 * items), what is wrong (`message`, which already says what was received and what is allowed),
 * and the same facts in machine-readable form.
 *
 * @example
 * ```ts
 * import type { ConfigIssue } from '@sparse/experiments';
 *
 * const issue: ConfigIssue = {
 *   path: 'pruning.rate',
 *   message: 'expected a number in (0, 1), received 1.5',
 *   received: 1.5,
 *   allowed: '(0, 1)',
 * };
 * ```
 */
export interface ConfigIssue {
  /** Dotted path of the field (`training.epochs`, `levels[2]`), or `(root)` for the whole config. */
  readonly path: string;
  /** What is wrong, what was received and what is allowed. */
  readonly message: string;
  /** The value that was received (absent when the field is missing). */
  readonly received?: unknown;
  /** The allowed values (enums, keys) or range (numbers). */
  readonly allowed?: readonly unknown[] | string;
}

/** A path as the validator builds it: object keys and array indices. */
export type PathSegment = string | number;



/**
 * A short, safe description of a received value for an error message: strings are quoted (so
 * `"12"` and `12` differ), long values are cut, objects and arrays are summarised.
 *
 * @example
 * ```ts
 * import { describeReceived } from '@sparse/experiments';
 *
 * describeReceived('12'); // '"12"'
 * describeReceived([1, 2, 3]); // 'an array of 3 items'
 * ```
 */
export function describeReceived(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string': {
      const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      return quoted;
    }
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n (a bigint)`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      break;
  }
  if (Array.isArray(value)) return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'a non-plain object';
  }
  return 'an object';
}

/**
 * Formats a list of issues as the message of the `E_CONFIG` error: a headline, then one issue per
 * line as `  - path: message`.
 *
 * @example
 * ```ts
 * import { formatConfigIssues } from '@sparse/experiments';
 *
 * console.log(formatConfigIssues([{ path: 'epochs', message: 'expected an integer >= 1, received 0' }], 'lth.json'));
 * // Invalid config lth.json (1 problem):
 * //   - epochs: expected an integer >= 1, received 0
 * ```
 */
export function formatConfigIssues(issues: readonly ConfigIssue[], source?: string): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const where = source === undefined ? '' : ` ${source}`;
  return [`Invalid config${where} (${count}):`, ...issues.map((issue) => `  - ${issue.path}: ${issue.message}`)].join('\n');
}
