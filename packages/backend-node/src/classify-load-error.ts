/**
 * Why `@tensorflow/tfjs-node` could not be loaded.
 *
 * - `not-installed`: the package itself cannot be resolved.
 * - `native-library`: the package is there but its native addon (`tfjs_binding.node`) or
 *   libtensorflow did not load: missing file, or a `dlopen` error.
 * - `other`: anything else (a broken dependency, a version skew, a backend that does not
 *   initialise).
 *
 * @example
 * ```ts
 * import type { TfjsNodeFailureKind } from '@sparse/backend-node';
 *
 * const kind: TfjsNodeFailureKind = 'native-library';
 * ```
 */
export type TfjsNodeFailureKind = 'not-installed' | 'native-library' | 'other';

/**
 * A classified load failure: its kind and a one-line detail taken from the original error.
 *
 * @example
 * ```ts
 * import type { TfjsNodeFailure } from '@sparse/backend-node';
 *
 * const failure: TfjsNodeFailure = { kind: 'other', detail: 'Could not initialize TensorFlow backend' };
 * ```
 */
export interface TfjsNodeFailure {
  readonly kind: TfjsNodeFailureKind;
  readonly detail: string;
}

const NOT_FOUND_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);
/** The package itself, quoted as Node quotes it; `@tensorflow/tfjs-node-gpu` does not match. */
const PACKAGE_QUOTED = /['"]@tensorflow\/tfjs-node['"]/;
const NOT_FOUND_WORDING = /cannot find (?:package|module)|failed to (?:load|resolve)/i;
const NATIVE_WORDING =
  /tfjs_binding\.node|libtensorflow|dlopen|cannot open shared object|image not found|library not loaded|specified module could not be found|invalid ELF header|wrong ELF class/i;
const BINDING_PATH = /tfjs_binding\.node\) can not be found at path: (\S+?)\.?(?:\s|$)/;
const MAX_DETAIL = 240;

/**
 * Sorts an error thrown while importing `@tensorflow/tfjs-node` into "not installed", "native
 * library did not load" or "other", keeping the first line of its message as detail.
 *
 * @param error - what the dynamic import rejected with.
 *
 * @example
 * ```ts
 * import { classifyTfjsNodeError } from '@sparse/backend-node';
 *
 * const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node' imported from /app/x.js"), {
 *   code: 'ERR_MODULE_NOT_FOUND',
 * });
 * console.log(classifyTfjsNodeError(missing).kind); // 'not-installed'
 * ```
 */
export function classifyTfjsNodeError(error: unknown): TfjsNodeFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  const aboutThePackage = PACKAGE_QUOTED.test(message);
  if (aboutThePackage && ((code !== undefined && NOT_FOUND_CODES.has(code)) || NOT_FOUND_WORDING.test(message))) {
    return { kind: 'not-installed', detail: firstLine(message) };
  }
  if (code === 'ERR_DLOPEN_FAILED' || NATIVE_WORDING.test(message)) {
    const binding = BINDING_PATH.exec(message)?.[1];
    return { kind: 'native-library', detail: binding === undefined ? firstLine(message) : `tfjs_binding.node not found at ${binding}` };
  }
  return { kind: 'other', detail: firstLine(message) };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function firstLine(message: string): string {
  const line = (message.split('\n')[0] ?? '').trim().replace(/\.$/, '');
  const text = line === '' ? 'no error message' : line;
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}
