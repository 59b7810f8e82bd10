import { wasmBackend } from '@sparse/backend-wasm';
import { nodeBackend } from '@sparse/backend-node';
import { lthPlugin } from '@sparse/lth';
import { groupEnvelopePlugin } from '@sparse/group-envelope';
import { activationPlugin } from '@sparse/activation';
import { deltaPlugin } from '@sparse/delta';
import { sparseTrainingPlugin } from '@sparse/sparse-training';
import { builtInSpec, type BuiltInPlugin } from '@sparse/experiments';
import type { SparsePlugin } from '@sparse/core';

/** The packages every `sparse` command loads, each with its plugin factory (its default export). */
const BUILT_INS: readonly (readonly [string, () => SparsePlugin])[] = [
  ['@sparse/backend-wasm', wasmBackend],
  ['@sparse/backend-node', nodeBackend],
  ['@sparse/lth', lthPlugin],
  ['@sparse/group-envelope', groupEnvelopePlugin],
  ['@sparse/activation', activationPlugin],
  ['@sparse/delta', deltaPlugin],
  ['@sparse/sparse-training', sparseTrainingPlugin],
];

/**
 * The plugins every `sparse` command loads: the wasm and native backends and the five families
 * (lottery tickets, group envelope, activation sparsity, delta pruning, sparse training), each with the spec worker
 * threads load it by.
 *
 * @example
 * ```ts
 * import { builtInPlugins } from '@sparse/cli';
 *
 * console.log(builtInPlugins().map((builtIn) => builtIn.plugin.id));
 * ```
 */
export function builtInPlugins(): BuiltInPlugin[] {
  return BUILT_INS.map(([specifier, factory]) => ({ plugin: factory(), spec: builtInSpec(specifier, import.meta.url) }));
}
