import { nodeBuiltins, type NodeBuiltins } from './node-builtins.js';
import { WASM_BINARY_NAMES, type WasmBinaryName } from './wasm-binaries.js';

/**
 * Where the `.wasm` binaries are: a folder (path or URL, with or without a trailing slash), or
 * one path or URL per binary name.
 *
 * @example
 * ```ts
 * import type { WasmPaths } from '@sparse/backend-wasm';
 *
 * const fromCdn: WasmPaths = 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm@4.22.0/dist/';
 * ```
 */
export type WasmPaths = string | Readonly<Record<WasmBinaryName, string>>;

/** A resolved location: what to give `setWasmPaths`, and the local file to check in Node. */
export interface WasmLocation {
  /** The argument for tfjs' `setWasmPaths`. */
  readonly paths: string | Record<WasmBinaryName, string>;
  /** In Node, the local path of the binary tfjs will load, when it is a local file. */
  readonly localFile?: string;
  /** Where the location came from, for messages. */
  readonly source: 'option' | 'bundled' | 'tfjs-package';
}

/**
 * The binaries shipped in this package's `dist/wasm/`, as URLs relative to this module. Each is
 * a literal `new URL('…', import.meta.url)`, the form bundlers (Vite, webpack 5, Rollup,
 * esbuild with a plugin) recognise to copy an asset and rewrite its URL.
 */
function bundledUrls(): Record<WasmBinaryName, URL> {
  return {
    'tfjs-backend-wasm.wasm': new URL('./wasm/tfjs-backend-wasm.wasm', import.meta.url),
    'tfjs-backend-wasm-simd.wasm': new URL('./wasm/tfjs-backend-wasm-simd.wasm', import.meta.url),
    'tfjs-backend-wasm-threaded-simd.wasm': new URL('./wasm/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url),
  };
}

/**
 * Resolves where tfjs should load the binaries from: `wasmPaths` when given, else the copies in
 * this package's `dist/wasm/`. In Node, when those are missing (tests run from the TypeScript
 * sources, before a build), falls back to the files inside `@tensorflow/tfjs-backend-wasm`.
 *
 * @param needed - the binary tfjs will load here (Node never loads the threaded one).
 */
export function resolveWasmLocation(wasmPaths: WasmPaths | undefined, needed: WasmBinaryName): WasmLocation {
  const node = nodeBuiltins();
  if (wasmPaths !== undefined) return fromOption(wasmPaths, needed, node);
  const urls = bundledUrls();
  if (node === undefined) return { paths: mapNames((name) => urls[name].href), source: 'bundled' };
  const bundled = mapNames((name) => node.url.fileURLToPath(urls[name]));
  if (node.fs.existsSync(bundled[needed])) return { paths: bundled, localFile: bundled[needed], source: 'bundled' };
  const fromTfjs = tfjsPackageFiles(node);
  if (fromTfjs !== undefined && node.fs.existsSync(fromTfjs[needed])) {
    return { paths: fromTfjs, localFile: fromTfjs[needed], source: 'tfjs-package' };
  }
  return { paths: bundled, localFile: bundled[needed], source: 'bundled' };
}

function fromOption(wasmPaths: WasmPaths, needed: WasmBinaryName, node: NodeBuiltins | undefined): WasmLocation {
  if (typeof wasmPaths === 'string') {
    const folder = /[/\\]$/.test(wasmPaths) ? wasmPaths : `${wasmPaths}/`;
    return withLocalFile({ paths: folder, source: 'option' }, folder + needed, node);
  }
  return withLocalFile({ paths: mapNames((name) => wasmPaths[name]), source: 'option' }, wasmPaths[needed], node);
}

function withLocalFile(location: WasmLocation, target: string, node: NodeBuiltins | undefined): WasmLocation {
  if (node === undefined) return location;
  if (target.startsWith('file:')) return { ...location, localFile: node.url.fileURLToPath(target) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) || target.startsWith('data:')) return location;
  return { ...location, localFile: target };
}

function tfjsPackageFiles(node: NodeBuiltins): Record<WasmBinaryName, string> | undefined {
  try {
    const entry = node.module.createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    const folder = entry.slice(0, Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\')) + 1);
    return mapNames((name) => folder + name);
  } catch {
    return undefined;
  }
}

function mapNames(value: (name: WasmBinaryName) => string): Record<WasmBinaryName, string> {
  return Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, value(name)])) as Record<WasmBinaryName, string>;
}
