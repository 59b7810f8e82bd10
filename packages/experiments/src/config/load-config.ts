import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { echoValue, SparseError } from '@sparse/core';
import type { z } from 'zod';
import { validateConfig } from './validate.js';

const JSON_EXTENSIONS = ['.json'];
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  }
  // A TypeScript config outside tsx: load it through tsx's API when tsx is installed.
  const tsxApi = 'tsx/esm/api';
  let api: { tsImport?: (specifier: string, parent: string) => Promise<unknown> };
  try {
    api = (await import(tsxApi)) as typeof api;
  } catch (error) {
    throw new SparseError('E_CONFIG', `Cannot load the TypeScript config ${path}: this Node.js cannot import .ts files and tsx is not installed. Install tsx, run with \`node --import tsx\`, or use a .json or .js config.`, { field: 'config', received: path, allowed: [...JSON_EXTENSIONS, '.js', '.mjs'] }, { cause: error });
  }
  if (typeof api.tsImport !== 'function') throw new SparseError('E_CONFIG', `Cannot load the TypeScript config ${path}: the installed tsx has no tsImport; update tsx to 4.x.`, { field: 'config', received: path });
  return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/**
 * Reads the raw (unvalidated) config value from a file: a `.json` file, or the default export of
 * a `.js`/`.mjs`/`.cjs`/`.ts`/`.mts`/`.cts` module (a value or a promise of one). TypeScript
 * modules load natively where Node.js strips types, under `--import tsx`, or through tsx's API when
 * tsx is installed. Throws `E_IO` when the file cannot be read and `E_CONFIG` when it is not
 * valid JSON, has no default export or has an unsupported extension.
 *
 * @example
 * ```ts
 * import { readConfigFile } from '@sparse/experiments';
 *
 * const raw: unknown = await readConfigFile('experiments/lenet.json');
 * ```
 */
export async function readConfigFile(file: string): Promise<unknown> {
  const path = resolve(file);
  const extension = extname(path).toLowerCase();
  if (JSON_EXTENSIONS.includes(extension)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const missing = (error as { code?: unknown }).code === 'ENOENT';
      throw new SparseError('E_IO', `Cannot read the config file ${path}: ${missing ? 'it does not exist' : reason(error)}.`, { field: 'config', received: path }, { cause: error });
    }
    // A UTF-8 byte order mark (some Windows editors write one) is not part of the JSON.
    if (text.startsWith('\uFEFF')) text = text.slice(1);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SparseError('E_CONFIG', `The config file ${path} is not valid JSON: ${reason(error)}.`, { field: 'config', received: path }, { cause: error });
    }
  }
  if (!MODULE_EXTENSIONS.includes(extension)) {
    const allowed = [...JSON_EXTENSIONS, ...MODULE_EXTENSIONS];
    throw new SparseError('E_CONFIG', `Cannot load the config file ${path}: the extension ${echoValue(extension)} is not supported; allowed: ${allowed.join(', ')}.`, { field: 'config', received: extension, allowed });
  }
  let module: Record<string, unknown>;
  try {
    module = await importModule(path);
  } catch (error) {
    if (error instanceof SparseError) throw error;
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && reason(error).includes(path);
    throw new SparseError(missing ? 'E_IO' : 'E_CONFIG', `Cannot load the config module ${path}: ${firstLine(reason(error))}`, { field: 'config', received: path }, { cause: error });
  }
  if (!('default' in module) || module['default'] === undefined) {
    throw new SparseError('E_CONFIG', `The config module ${path} has no default export; write \`export default { ... }\`.`, { field: 'config', received: Object.keys(module), allowed: ['default'] });
  }
  let value: unknown = module['default'];
  // A TypeScript module compiled to CommonJS (no "type": "module" nearby) arrives as
  // { default: exports } with exports.__esModule set: unwrap once.
  if (typeof value === 'object' && value !== null && (value as { __esModule?: unknown }).__esModule === true && 'default' in value) {
    value = (value as { default: unknown }).default;
  }
  try {
    return await value;
  } catch (error) {
    // The default export is a promise that rejected: its message, on one line, not a stack trace.
    throw new SparseError('E_CONFIG', `The config module ${path} failed: its default export rejected with ${firstLine(reason(error))}.`, { field: 'config', received: path }, { cause: error });
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}… (${line.length} characters)` : line;
}

/**
 * Loads a config file (see {@link readConfigFile}) and validates it completely with `schema`
 * (see {@link validateConfig}); the file name appears in the error message.
 *
 * @example
 * ```ts
 * import { s, loadConfig } from '@sparse/experiments';
 *
 * const schema = s.object({ name: s.string(), seeds: s.array(s.integer({ min: 0 })) });
 * const config = await loadConfig('experiments/lenet.ts', schema);
 * console.log(config.seeds);
 * ```
 */
export async function loadConfig<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  const raw = await readConfigFile(file);
  return validateConfig(schema, raw, file);
}
