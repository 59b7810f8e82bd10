import { z } from 'zod';
import { SparseError, formatOptionPath, optionIssuesFromZod } from '@sparse/core';
import { formatConfigIssues, type ConfigIssue } from './issues.js';
import type { Schema } from './schema.js';

/**
 * The outcome of {@link checkConfig}: the typed config, or every issue found.
 *
 * @example
 * ```ts
 * import { s, checkConfig, type CheckResult } from '@sparse/experiments';
 *
 * const result: CheckResult<number> = checkConfig(s.integer({ min: 1 }), 0);
 * if (!result.ok) console.log(result.issues.map((issue) => issue.path));
 * ```
 */
export type CheckResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * Validates `value` against `schema` without throwing, collecting every issue (not only the
 * first). Defaults are filled in; the returned value shares nothing with the input.
 *
 * @example
 * ```ts
 * import { s, checkConfig } from '@sparse/experiments';
 *
 * const schema = s.object({ epochs: s.integer({ min: 1 }), lr: s.number({ gt: 0 }) });
 * const result = checkConfig(schema, { epochs: 0, lr: -1, extra: true });
 * // result.ok === false; three issues: epochs, lr, extra (unknown key)
 * ```
 */
export function checkConfig<T>(schema: Schema<T, boolean> | z.ZodType<T>, value: unknown): CheckResult<T> {
  if (schema instanceof z.ZodType) {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, issues: optionIssuesFromZod(parsed.error.issues, value, [], schema).map((issue) => ({ ...issue, path: formatOptionPath(issue.path) })) };
  }
  const collector = { issues: [] as ConfigIssue[] };
  const result = schema.parser(value, [], collector);
  if (result.ok && collector.issues.length === 0) return { ok: true, value: result.value };
  return { ok: false, issues: collector.issues };
}

/**
 * Validates `value` against `schema` and returns the typed config, or throws one
 * `SparseError('E_CONFIG')` whose message lists every problem, one per line, each naming the
 * field, what was received and what is allowed. `details.field` lists the failing paths and
 * `details.allowed` / `details.received` describe the first issue.
 *
 * @example
 * ```ts
 * import { s, validateConfig } from '@sparse/experiments';
 *
 * const schema = s.object({ backend: s.enum(['cpu', 'wasm']) });
 * try {
 *   validateConfig(schema, { backend: 'wsam' }, 'lth.json');
 * } catch (error) {
 *   console.error((error as Error).message);
 *   // Invalid config lth.json (1 problem):
 *   //   - backend: expected one of "cpu", "wasm", received "wsam" (did you mean "wasm"?)
 * }
 * ```
 */
export function validateConfig<T>(schema: Schema<T, boolean> | z.ZodType<T>, value: unknown, source?: string): T {
  const result = checkConfig(schema, value);
  if (result.ok) return result.value;
  throw configError(result.issues, source);
}

/**
 * Builds the `E_CONFIG` error that {@link validateConfig} throws, for callers that collect issues
 * of their own (e.g. checks against installed plugins) and want the same format.
 *
 * @example
 * ```ts
 * import { configError } from '@sparse/experiments';
 *
 * throw configError([{ path: 'scorer', message: 'no scorer named "magic" is registered' }]);
 * ```
 */
export function configError(issues: readonly ConfigIssue[], source?: string): SparseError {
  const first = issues[0];
  const details = {
    field: issues.map((issue) => issue.path).join(', '),
    ...(first !== undefined && 'received' in first ? { received: first.received } : {}),
    ...(first?.allowed === undefined ? {} : { allowed: first.allowed }),
  };
  return new SparseError('E_CONFIG', formatConfigIssues(issues, source), details);
}
