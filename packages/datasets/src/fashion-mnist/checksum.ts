import { SparseError } from '@sparse/core';
import { sha256Hex } from '../io/sha256.js';

/** Throws E_FORMAT unless the SHA-256 of `bytes` is `expected`; `what` names the file and `after` says what happened. */
export async function verifySha256(bytes: Uint8Array, expected: string, what: string, after = ''): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new SparseError(
      'E_FORMAT',
      `Checksum mismatch for ${what}: expected SHA-256 ${expected}, got ${actual} (${bytes.length} bytes). The file is corrupt, truncated or not the expected one.${after}`,
      { field: 'sha256', received: actual, allowed: [expected] },
    );
  }
}
