/** Writes a benchmark's results to bench/results/<name>.json (write to a temporary file, then rename). */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The results folder. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `data` as pretty JSON to `bench/results/<name>.json`; returns the path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.json`;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}

/** Reads `bench/results/<name>.json`, or `undefined` when it does not exist. */
export function readResults<T>(name: string): T | undefined {
  const path = `${RESULTS_DIR}${name}.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}
