/**
 * Atomic writes live in `@sparse/core` (one implementation for every package); this package
 * re-exports them for its users.
 */
export {
  removeTemporaryFiles,
  syncDirectory,
  writeFileAtomic,
  writeJsonAtomic,
  type AtomicWriteOptions,
} from '@sparse/core';
