import { SparseError, echoValue } from '@sparse/core';

/**
 * A `SparseError` with code `E_CONFIG` about a command-line flag: the message names the flag, the
 * value received and what is allowed. `main` turns it into exit code 2.
 *
 * @example
 * ```ts
 * import { usageError } from '@sparse/cli';
 *
 * throw usageError('--scope', 'sideways', ['layerwise', 'global']);
 * ```
 */
export function usageError(flag: string, received: unknown, allowed: readonly unknown[] | string, message?: string): SparseError {
  const shownAllowed = typeof allowed === 'string' ? allowed : allowed.join(', ');
  const text = message ?? `${flag} must be one of: ${shownAllowed}; got ${echoValue(received)}.`;
  return new SparseError('E_CONFIG', text, { field: flag, received, allowed });
}
