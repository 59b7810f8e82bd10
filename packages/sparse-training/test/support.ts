import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, type BuiltInPlugin } from '@sparse/experiments';
import { sparseTrainingPlugin } from '../src/index.js';

/** The repository root. */
export const repo = new URL('../../../', import.meta.url);

/** The plugins `sparse run` would build in for these tests: the wasm backend and the sparse-training family. */
export function builtIns(): BuiltInPlugin[] {
  return [
    { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
    { plugin: sparseTrainingPlugin(), spec: builtInSpec('@sparse/sparse-training', import.meta.url) },
  ];
}
