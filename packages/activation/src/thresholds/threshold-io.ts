import { readFile } from 'node:fs/promises';
import { SparseError } from '@sparse/core';
import { writeFileAtomic } from '@sparse/experiments';
import { parseThresholdFile, serializeThresholdFile, type ThresholdFile } from './threshold-file.js';

/**
 * Writes a threshold file atomically (temporary file in the same folder, then rename), after
 * validating it.
 *
 * @throws SparseError `E_FORMAT` for an invalid file (nothing is written), `E_IO` when writing fails.
 *
 * @example
 * ```ts
 * import { saveThresholds, type ThresholdFile } from '@sparse/activation';
 *
 * declare const file: ThresholdFile;
 * await saveThresholds('thresholds/cats-50.json', file);
 * ```
 */
export async function saveThresholds(path: string, file: ThresholdFile): Promise<void> {
  const text = serializeThresholdFile(file);
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    if (error instanceof SparseError) throw error;
    throw new SparseError('E_IO', `Could not write the threshold file ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
}

/**
 * Reads and validates a threshold file.
 *
 * @throws SparseError `E_IO` when it cannot be read, `E_FORMAT` (naming every bad field) when it
 * is not a valid version-1 threshold file.
 *
 * @example
 * ```ts
 * import { loadThresholds, thresholdHook } from '@sparse/activation';
 *
 * const file = await loadThresholds('thresholds/cats-50.json');
 * const hook = thresholdHook(file);
 * ```
 */
export async function loadThresholds(path: string): Promise<ThresholdFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SparseError('E_IO', `Could not read the threshold file ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
  return parseThresholdFile(text, `threshold file ${path}`);
}
