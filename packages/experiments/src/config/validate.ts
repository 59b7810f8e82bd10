import type { z } from 'zod';
import { SparseError, configErrorFromIssues, formatOptionPath, optionIssuesFromZod } from '@sparse/core';
import { formatConfigIssues, type ConfigIssue } from './issues.js';

/**
 * The outcome of {@link checkConfig}: the typed config, or every issue found.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { checkConfig, type CheckResult } from '@sparse/experiments';
 *
 * const result: CheckResult<number> = checkConfig(z.number().int().min(1), 0);
 * if (!result.ok) console.log(result.issues.map((issue) => issue.path));
 * ```
 */
export type CheckResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * Validates `value` against a zod `schema` without throwing, collecting every issue (not only
 * the first), each with its field path, the value received and what is allowed. Defaults are
 * filled in.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { checkConfig } from '@sparse/experiments';
 *
 * const schema = z.strictObject({ epochs: z.number().int().min(1), lr: z.number().positive() });
 * const result = checkConfig(schema, { epochs: 0, lr: -1, extra: true });
 * // result.ok === false; three issues: epochs, lr, extra (unknown field)
 * ```
 */
export function checkConfig<T>(schema: z.ZodType<T>, value: unknown): CheckResult<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: optionIssuesFromZod(parsed.error.issues, value, [], schema).map((issue) => ({
      path: formatOptionPath(issue.path),
      message: issue.message,
      ...(issue.allowed === undefined ? {} : { allowed: issue.allowed }),
    })),
  };
}

/**
 * Validates `value` against a zod `schema` and returns the typed config, or throws one
 * `SparseError('E_CONFIG')` whose message lists every problem, one per line, each naming the
 * field, what was received and what is allowed.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { validateConfig } from '@sparse/experiments';
 *
 * const schema = z.strictObject({ backend: z.enum(['cpu', 'wasm']) });
 * try {
 *   validateConfig(schema, { backend: 'wsam' }, 'lth.json');
 * } catch (error) {
 *   console.error((error as Error).message);
 *   // Invalid config lth.json (1 problem):
 *   //   - backend: expected one of "cpu", "wasm", received "wsam"
 * }
 * ```
 */
export function validateConfig<T>(schema: z.ZodType<T>, value: unknown, source?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw configErrorFromIssues(optionIssuesFromZod(parsed.error.issues, value, [], schema), source);
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
  return new SparseError('E_CONFIG', formatConfigIssues(issues, source), {
    field: issues.map((issue) => issue.path).join(', '),
    ...(first !== undefined && 'received' in first ? { received: first.received } : {}),
    ...(first?.allowed === undefined ? {} : { allowed: first.allowed }),
  });
}
