import { SparseError, isSparseError, type ImplementationKind, type ImplementationRef, type SparseRuntime } from '@sparse/core';

/**
 * `runtime.resolve` whose errors name the config field: an `E_CONFIG` thrown by the factory
 * itself (field `k`) is re-thrown naming `models[1].sparsifiers[0].k`. @internal
 */
export function resolveAt<T>(runtime: SparseRuntime, kind: ImplementationKind<T>, ref: ImplementationRef, field: string): T {
  try {
    return runtime.resolve(kind, ref, field);
  } catch (error) {
    throw atField(error, field);
  }
}

/** Re-throws an `E_CONFIG` error of a part of the config under the part's field. @internal */
export function atField(error: unknown, field: string): unknown {
  if (!isSparseError(error, 'E_CONFIG')) return error;
  const inner = typeof error.details.field === 'string' ? error.details.field : undefined;
  if (inner !== undefined && inner.startsWith(field)) return error;
  const path = inner === undefined || inner === '' ? field : `${field}.${inner}`;
  const message = inner !== undefined && error.message.startsWith(`${inner}:`) ? error.message.slice(inner.length + 1).trim() : error.message;
  return new SparseError('E_CONFIG', `${path}: ${message}`, { ...error.details, field: path }, { cause: error });
}
