import type { z } from 'zod';
import { SparseError, configErrorFromIssues, optionIssuesFromZod } from '@sparse/core';
import type { SparsityLevel } from './sparsifier.js';

/** Checks a factory's options against its schema (unknown keys rejected, defaults filled in). @internal */
export function parseOptions<S extends z.ZodObject>(schema: S, options: unknown): z.output<S> {
  const given = options ?? {};
  const result = schema.strict().safeParse(given);
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, given, [], schema));
  return result.data as z.output<S>;
}

/** The target of a level, or E_ARGUMENT when the level is a top-k `k`. @internal */
export function levelTarget(level: SparsityLevel, sparsifier: string): number {
  if ('target' in level) return level.target;
  throw new SparseError('E_ARGUMENT', `The ${sparsifier} sparsifier works at a target sparsity, not at k = ${level.k}.`, { field: 'level', received: level, allowed: ['{ target }'] });
}

/** The recorder of an input, or E_ARGUMENT when a calibrating sparsifier got none. @internal */
export function needRecorder<T>(recorder: T | undefined, sparsifier: string): T {
  if (recorder === undefined) {
    throw new SparseError('E_ARGUMENT', `The ${sparsifier} sparsifier calibrates: pass a recorder that has seen the calibration data.`, { field: 'recorder' });
  }
  return recorder;
}
