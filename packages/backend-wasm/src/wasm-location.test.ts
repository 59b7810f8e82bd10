import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WASM_BINARY_NAMES } from './wasm-binaries.js';
import type * as WasmLocationModule from './wasm-location.js';
import { resolveWasmLocation } from './wasm-location.js';

const SIMD = 'tfjs-backend-wasm-simd.wasm';
const distModule = fileURLToPath(new URL('../dist/wasm-location.js', import.meta.url));
const distBinaries = fileURLToPath(new URL('../dist/wasm/', import.meta.url));

describe('resolveWasmLocation', () => {
  it('from the TypeScript sources, falls back to the binaries inside @tensorflow/tfjs-backend-wasm', () => {
    const location = resolveWasmLocation(undefined, SIMD);
    expect(location.source).toBe('tfjs-package');
    expect(location.localFile).toMatch(/@tensorflow[/\\]tfjs-backend-wasm[/\\]dist[/\\]tfjs-backend-wasm-simd\.wasm$/);
    expect(existsSync(location.localFile ?? '')).toBe(true);
    expect(Object.keys(location.paths)).toEqual([...WASM_BINARY_NAMES]);
  });

  it.skipIf(!existsSync(distModule) || !existsSync(distBinaries))('from the build, uses the binaries copied into dist/wasm/', async () => {
    const built = (await import(pathToFileURL(distModule).href)) as typeof WasmLocationModule;
    const location = built.resolveWasmLocation(undefined, SIMD);
    expect(location).toMatchObject({ source: 'bundled', localFile: `${distBinaries}${SIMD}` });
  });

  it('takes a folder from wasmPaths, adding the trailing slash, and checks the binary Node will load', () => {
    expect(resolveWasmLocation('/opt/wasm', SIMD)).toEqual({ paths: '/opt/wasm/', localFile: `/opt/wasm/${SIMD}`, source: 'option' });
    expect(resolveWasmLocation('/opt/wasm/', 'tfjs-backend-wasm.wasm').localFile).toBe('/opt/wasm/tfjs-backend-wasm.wasm');
    expect(resolveWasmLocation('file:///opt/my%20wasm/', SIMD).localFile).toBe(`/opt/my wasm/${SIMD}`);
  });

  it('does not check remote locations', () => {
    expect(resolveWasmLocation('https://cdn.example.com/wasm', SIMD)).toEqual({ paths: 'https://cdn.example.com/wasm/', source: 'option' });
  });

  it('takes one path per binary from wasmPaths', () => {
    const map = Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, `/assets/${name.replace('.wasm', '.v1.wasm')}`])) as Record<
      (typeof WASM_BINARY_NAMES)[number],
      string
    >;
    expect(resolveWasmLocation(map, SIMD)).toEqual({ paths: map, localFile: '/assets/tfjs-backend-wasm-simd.v1.wasm', source: 'option' });
  });
});
