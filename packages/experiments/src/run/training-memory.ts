import { totalmem } from 'node:os';
import { SparseError } from '@sparse/core';

/** The largest WebAssembly memory (32-bit addresses): what the wasm backend's tensors live in. */
const WASM_MEMORY_BYTES = 4 * 2 ** 30;

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * What {@link checkTrainingMemory} checks: a model's size, its batch, how many train at once.
 *
 * @example
 * ```ts
 * import type { TrainingMemoryOptions } from '@sparse/experiments';
 *
 * const options: TrainingMemoryOptions = { field: 'model.layerSizes', model: '784-300-10', parameters: 238_510, activations: 1094, batchSize: 60, replicates: 2, backend: 'wasm' };
 * ```
 */
export interface TrainingMemoryOptions {
  /** The config field the error names. */
  readonly field: string;
  /** The model as the error describes it (`[784, 1000000000, 10]`, `gated-mlp d 65536`). */
  readonly model: string;
  /** Trainable parameters. */
  readonly parameters: number;
  /** Activations per example (the sum of the layer widths, or an estimate). */
  readonly activations: number;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Models trained at the same time (worker threads). */
  readonly replicates: number;
  /** The backend: `wasm` keeps every tensor in one 4 GiB WebAssembly memory. */
  readonly backend: string;
  /** This machine's memory (default `os.totalmem()`). */
  readonly machineBytes?: number;
}

/**
 * Refuses, before anything is written, a model too large to train: on the wasm backend more than
 * a WebAssembly memory (4 GiB) of tensors for one model, or on any backend more than this
 * machine's memory for the replicates that train at once. The estimate counts 5 float32 copies of
 * the parameters in the backend (weights, two Adam moments, gradients, masks), 3 of the
 * activations of a batch, and 12 more per parameter outside it (checkpoints, the mask set,
 * snapshots). Without it such a model failed late — after the run directory was written — with
 * "Invalid typed array length", or made the machine swap.
 *
 * @throws SparseError `E_CONFIG` naming `field`, the model, the memory it needs and the limit.
 *
 * @example
 * ```ts
 * import { checkTrainingMemory } from '@sparse/experiments';
 *
 * checkTrainingMemory({ field: 'model.layerSizes', model: '[784, 300, 10]', parameters: 238_510, activations: 1094, batchSize: 60, replicates: 2, backend: 'wasm' }); // fits
 * ```
 */
export function checkTrainingMemory(options: TrainingMemoryOptions): void {
  const { field, model, parameters, activations, batchSize, replicates, backend } = options;
  const backendBytes = 4 * (5 * parameters + 3 * batchSize * activations);
  const totalBytes = backendBytes + 4 * 12 * parameters;
  if (backend === 'wasm' && backendBytes > WASM_MEMORY_BYTES) {
    throw new SparseError(
      'E_CONFIG',
      `${field}: ${model} has ${parameters} parameters; their weights, Adam moments, gradients and masks and a batch of ${batchSize} need about ${gib(backendBytes)}, more than the ${gib(WASM_MEMORY_BYTES)} of a WebAssembly memory (backend wasm). Use a smaller model.`,
      { field, received: parameters, allowed: `at most ${gib(WASM_MEMORY_BYTES)} of tensors per model` },
    );
  }
  const machine = options.machineBytes ?? totalmem();
  if (totalBytes * replicates > machine) {
    throw new SparseError(
      'E_CONFIG',
      `${field}: ${model} has ${parameters} parameters; ${replicates} at once need about ${gib(totalBytes * replicates)} (${gib(totalBytes)} each), more than this machine's ${gib(machine)}. Use a smaller model or fewer workers.`,
      { field, received: parameters, allowed: `at most ${gib(machine)} for ${replicates} model(s) at once` },
    );
  }
}
