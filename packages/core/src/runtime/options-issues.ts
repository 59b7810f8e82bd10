import type { z } from 'zod';
import { SparseError } from '../errors.js';

/** Longest received value echoed in a message; longer ones are cut (a config may hold megabytes). */
const MAX_ECHO = 80;

/**
 * One problem found in a configuration value: where (a path of keys and indices), what is wrong,
 * and what is allowed.
 *
 * @example
 * ```ts
 * import type { OptionIssue } from '@sparse/core';
 *
 * const issue: OptionIssue = { path: ['scorer', 'power'], message: 'expected a number, received "x"' };
 * ```
 */
export interface OptionIssue {
  /** Keys and indices from the root of the checked value. */
  readonly path: readonly (string | number)[];
  /** What is wrong, with the received value and what is allowed. */
  readonly message: string;
  /** The allowed values, when they form a list. */
  readonly allowed?: readonly unknown[];
}

/**
 * Formats a path as a config field name: `scorer.power`, `seeds[2]`; a key longer than 80
 * characters is shown cut, as a received value is (see {@link echoValue}).
 *
 * @example
 * ```ts
 * import { formatOptionPath } from '@sparse/core';
 *
 * console.log(formatOptionPath(['branches', 'randomPrune', 'levels', 0])); // branches.randomPrune.levels[0]
 * ```
 */
export function formatOptionPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && key.length > MAX_ECHO) text += `[${echoValue(key)}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${echoValue(String(key))}]`;
  }
  return text === '' ? '(root)' : text;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * A short, safe rendering of a received value for an error message (cut at 80 characters).
 *
 * @example
 * ```ts
 * import { echoValue } from '@sparse/core';
 *
 * console.log(echoValue('x'.repeat(1000)).length <= 90); // true
 * ```
 */
export function echoValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}… (${text.length} characters)` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Turns zod's issues for a checked value into {@link OptionIssue}s whose messages name the
 * received value and what is allowed.
 *
 * @param issues - `error.issues` of a failed `safeParse`.
 * @param root - the value that was checked (to echo what was received).
 * @param prefix - the path of that value inside the whole config.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { optionIssuesFromZod } from '@sparse/core';
 *
 * const result = z.object({ power: z.number() }).safeParse({ power: 'x' });
 * if (!result.success) console.log(optionIssuesFromZod(result.error.issues, { power: 'x' }, ['scorer'])[0]?.message);
 * ```
 */
export function optionIssuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  prefix: readonly (string | number)[] = [],
  schema?: z.ZodType,
): OptionIssue[] {
  const found: OptionIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))];
    const received = valueAt(root, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = schema === undefined ? undefined : objectKeysAt(schema, issue.path);
        for (const key of issue.keys.slice(0, 20)) {
          found.push({
            path: [...path, key],
            message: `unknown field${allowed === undefined ? '' : `; allowed: ${allowed.join(', ')}`}`,
            ...(allowed === undefined ? {} : { allowed }),
          });
        }
        if (issue.keys.length > 20) found.push({ path, message: `and ${issue.keys.length - 20} more unknown fields` });
        break;
      }
      case 'invalid_value':
        found.push({
          path,
          message: `expected one of ${issue.values.map((value) => echoValue(value)).join(', ')}, received ${echoValue(received)}`,
          allowed: issue.values,
        });
        break;
      case 'invalid_union':
        found.push({ path, message: `${issue.message}, received ${echoValue(received)}` });
        break;
      case 'custom': {
        const allowed = (issue.params as { allowed?: unknown } | undefined)?.allowed;
        found.push({ path, message: issue.message, ...(Array.isArray(allowed) ? { allowed } : {}) });
        break;
      }
      case 'too_small':
      case 'too_big':
        found.push({ path, message: `${boundText(issue)}, received ${echoValue(received)}` });
        break;
      case 'invalid_type':
        found.push({ path, message: `expected ${article(issue.expected)}, received ${echoValue(received)}` });
        break;
      default:
        found.push({ path, message: `${issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '')}, received ${echoValue(received)}` });
    }
  }
  return found;
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** "expected a number >= 1", "expected at least 2 items", … from a size issue. */
function boundText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  const value = typeof bound === 'bigint' ? bound.toString() : String(bound);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `expected ${small ? 'at least' : 'at most'} ${value} item${value === '1' ? '' : 's'}`;
    case 'string':
      return `expected ${small ? 'at least' : 'at most'} ${value} character${value === '1' ? '' : 's'}`;
    default:
      return `expected ${issue.origin === 'int' ? 'an integer' : 'a number'} ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${value}`;
  }
}

/** The keys of the object schema found at `path` inside `schema` (through optional, default, array and record wrappers). */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): readonly string[] | undefined {
  let current: unknown = schema;
  const unwrap = (value: unknown): unknown => {
    let inner = value;
    for (let depth = 0; depth < 16; depth += 1) {
      const def = (inner as { _zod?: { def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown } } })._zod?.def;
      if (def === undefined) return inner;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault' || def.type === 'readonly' || def.type === 'catch') inner = def.innerType;
      else if (def.type === 'pipe') inner = def.in;
      else return inner;
    }
    return inner;
  };
  for (const key of path) {
    current = unwrap(current);
    const def = (current as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown } } })._zod?.def;
    if (def?.type === 'object' && typeof key === 'string') current = def.shape?.[key];
    else if (def?.type === 'array') current = def.element;
    else if (def?.type === 'record') current = def.valueType;
    else return undefined;
  }
  const def = (unwrap(current) as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } })._zod?.def;
  return def?.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : undefined;
}

/**
 * One `E_CONFIG` error listing every issue, each on its own line with its field; the first issue's
 * field, value and allowed values go in `details`.
 *
 * @param issues - the problems (at least one).
 * @param source - where the value came from (a file), named in the first line.
 *
 * @example
 * ```ts
 * import { configErrorFromIssues } from '@sparse/core';
 *
 * const error = configErrorFromIssues([{ path: ['rounds'], message: 'expected an integer, received 1.5' }], 'quick.json');
 * console.log(error.message);
 * ```
 */
export function configErrorFromIssues(issues: readonly OptionIssue[], source?: string): SparseError {
  const shown = issues.slice(0, 50);
  const lines = shown.map((issue) => `  - ${formatOptionPath(issue.path)}: ${issue.message}`);
  if (issues.length > shown.length) lines.push(`  - and ${issues.length - shown.length} more`);
  const first = issues[0];
  const header = `Invalid config${source === undefined ? '' : ` ${source}`} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`;
  return new SparseError('E_CONFIG', `${header}\n${lines.join('\n')}`, {
    ...(first === undefined ? {} : { field: formatOptionPath(first.path) }),
    ...(first?.allowed === undefined ? {} : { allowed: first.allowed }),
    issues,
  });
}
