import { z } from 'zod';
import { echoValue } from '@sparse/core';

/** One branch of a {@link branchSchema}: whether a value takes it, and the schema that checks it. */
export interface SchemaBranch {
  /** Whether this branch is the one meant for `value` (by its JSON type). */
  readonly accepts: (value: unknown) => boolean;
  /** The schema the value is checked against when it takes this branch. */
  readonly schema: z.ZodType;
}

/**
 * A schema for a value that may take one of several JSON shapes (a number or a record, a name or
 * a list): the value is checked against the branch its JSON type selects, so a mistake is
 * reported inside that branch (`k.fc1: expected an integer ≥ 1`) instead of as a bare
 * "invalid input" of the whole union. Its JSON Schema is the `anyOf` of the branches.
 *
 * @param branches - tried in order; the first whose `accepts` is true checks the value.
 * @param expected - what is allowed, for a value no branch accepts (`'a number or a record'`).
 * @param description - the field's description in the JSON Schema.
 *
 * @internal
 */
export function branchSchema(branches: readonly SchemaBranch[], expected: string, description?: string): z.ZodType<unknown> {
  return z
    .unknown()
    .superRefine((value, context) => {
      const branch = branches.find((candidate) => candidate.accepts(value));
      if (branch === undefined) {
        context.addIssue({ code: 'custom', message: `expected ${expected}, received ${echoValue(value)}` });
        return;
      }
      const result = branch.schema.safeParse(value);
      if (result.success) return;
      for (const issue of result.error.issues) context.addIssue(plainIssue(issue));
    })
    .meta({ anyOf: branches.map((branch) => jsonSchemaOf(branch.schema)), ...(description === undefined ? {} : { description }) });
}

/** Whether a value is a plain JSON object (for branches that take a record). */
export function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

/** A nested issue as an issue of this value; an unknown discriminator becomes a list of the allowed values. */
function plainIssue(issue: z.core.$ZodIssue): never {
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    const allowed = issue.options as readonly unknown[];
    return { code: 'custom', path: issue.path, message: `expected one of ${allowed.map((value) => echoValue(value)).join(', ')}`, params: { allowed } } as never;
  }
  return { ...issue, path: issue.path } as never;
}
