import { SparseError, formatOptionPath as formatConfigPath } from '@sparse/core';
import { describeReceived, type PathSegment } from '../config/issues.js';

function fail(path: readonly PathSegment[], value: unknown, why: string): never {
  throw new SparseError('E_ARGUMENT', `Cannot hash ${formatConfigPath(path)}: ${why}, received ${describeReceived(value)}. Configs must be plain JSON.`, {
    field: formatConfigPath(path),
    received: describeReceived(value),
    allowed: 'null, booleans, finite numbers, strings, arrays and plain objects',
  });
}

function write(value: unknown, path: PathSegment[], stack: Set<object>, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, value, 'numbers must be finite');
      // ECMAScript's Number-to-String is already the shortest round-trip form; only -0 needs care.
      out.push(Object.is(value, -0) ? '0' : JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      fail(path, value, `a ${typeof value} is not JSON`);
  }
  if (stack.has(value)) fail(path, value, 'the value contains a cycle');
  stack.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item: unknown, index) => {
      if (index > 0) out.push(',');
      if (item === undefined) fail([...path, index], item, 'arrays cannot hold undefined');
      path.push(index);
      write(item, path, stack, out);
      path.pop();
    });
    out.push(']');
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) fail(path, value, 'only plain objects are JSON');
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((key, index) => {
      if (index > 0) out.push(',');
      out.push(JSON.stringify(key), ':');
      path.push(key);
      write(record[key], path, stack, out);
      path.pop();
    });
    out.push('}');
  }
  stack.delete(value);
}

/**
 * The canonical JSON text of a value: object keys sorted (by UTF-16 code units), no whitespace,
 * `-0` written as `0`, keys whose value is `undefined` left out (as `JSON.stringify` does),
 * numbers in ECMAScript's shortest round-trip form (so `1.0`, `1` and `1e0` are all `1`).
 * Two values that mean the same JSON have the same canonical text; throws `E_ARGUMENT` naming
 * the path of anything that is not JSON (`NaN`, `Infinity`, functions, class instances, cycles).
 *
 * @example
 * ```ts
 * import { canonicalJson } from '@sparse/experiments';
 *
 * canonicalJson({ b: 1.0, a: [true, null], c: undefined }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, [], new Set(), out);
  return out.join('');
}

/**
 * Like {@link canonicalJson} (sorted keys, `-0` → `0`) but indented, for files people read
 * (`config.json` in a run directory). Parsing it gives the same canonical JSON back.
 *
 * @example
 * ```ts
 * import { prettyCanonicalJson } from '@sparse/experiments';
 *
 * console.log(prettyCanonicalJson({ b: 2, a: 1 }));
 * // {
 * //   "a": 1,
 * //   "b": 2
 * // }
 * ```
 */
export function prettyCanonicalJson(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value)) as unknown, null, 2)}\n`;
}
