import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { echoValue, SparseError } from '@sparse/core';
import type { GroupEnvelopeExperimentConfig } from './config.js';

/**
 * One row of `bench/prox-scaling.ts --json`: the prox of λ·SEF_k on m group norms, timed.
 *
 * @example
 * ```ts
 * import type { ScalingRow } from '@sparse/group-envelope';
 *
 * const row: ScalingRow = { groups: 10000, k: 2500, lambda: 0.05, runs: 7, jsMedianMs: 0.68, jsNsPerGroup: 67.8 };
 * ```
 */
export interface ScalingRow {
  readonly groups: number;
  readonly k: number;
  readonly lambda: number;
  readonly runs: number;
  readonly jsMedianMs: number;
  readonly jsNsPerGroup: number;
  readonly jsSortMs?: number;
  readonly numpyMs?: number;
  readonly torchMs?: number;
}

/** The evidence files of a config, read. */
export interface Appendix {
  readonly proxScaling?: readonly ScalingRow[];
}

/** Where the files are: for a relative path, the working directory, then the config file's folder. */
function locate(path: string, field: string, where: { readonly configPath?: string; readonly cwd: string }): string {
  const candidates = isAbsolute(path) ? [path] : [...new Set([resolve(where.cwd, path), ...(where.configPath === undefined ? [] : [resolve(where.cwd, dirname(where.configPath), path)])])];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new SparseError('E_CONFIG', `${field}: the file ${echoValue(path)} does not exist (looked in ${candidates.join(' and ')}).`, { field, received: path, allowed: candidates });
  }
  return found;
}

function readRows(path: string, field: string, where: { readonly configPath?: string; readonly cwd: string }, keys: readonly string[]): unknown[] {
  const file = locate(path, field, where);
  let rows: unknown;
  try {
    rows = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SparseError('E_CONFIG', `${field}: ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, { field, received: path }, { cause: error });
  }
  const bad = Array.isArray(rows) ? rows.findIndex((row) => typeof row !== 'object' || row === null || keys.some((key) => !(key in row))) : 0;
  if (!Array.isArray(rows) || bad >= 0) {
    throw new SparseError('E_CONFIG', `${field}: ${file} must be a JSON array of objects with ${keys.join(', ')}${Array.isArray(rows) ? `; entry ${bad} is not` : ''}.`, { field, received: path, allowed: keys });
  }
  return rows;
}

/**
 * Reads the evidence files a config names (`appendix.proxScaling`), checking
 * that they exist and have the expected rows.
 *
 * @throws SparseError `E_CONFIG` naming the field.
 */
export function readAppendix(config: Pick<GroupEnvelopeExperimentConfig, 'appendix'>, where: { readonly configPath?: string; readonly cwd: string }): Appendix {
  const { proxScaling } = config.appendix ?? {};
  return {
    ...(proxScaling === undefined ? {} : { proxScaling: readRows(proxScaling, 'appendix.proxScaling', where, ['groups', 'k', 'jsMedianMs', 'jsNsPerGroup']) as ScalingRow[] }),
  };
}
