/** The few Node built-in functions this package uses. */
export interface NodeBuiltins {
  readonly fs: { existsSync(path: string): boolean };
  readonly module: { createRequire(from: string | URL): { resolve(id: string): string } };
  readonly url: { fileURLToPath(url: string | URL): string };
}

/**
 * Loads Node built-ins through `process.getBuiltinModule` (Node 20.16+), which bundlers leave
 * alone, so that the browser build of this package imports nothing from Node. `undefined`
 * outside Node.
 */
export function nodeBuiltins(): NodeBuiltins | undefined {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') return undefined;
  if (typeof process.getBuiltinModule !== 'function') return undefined;
  return {
    fs: process.getBuiltinModule('node:fs'),
    module: process.getBuiltinModule('node:module'),
    url: process.getBuiltinModule('node:url'),
  };
}
