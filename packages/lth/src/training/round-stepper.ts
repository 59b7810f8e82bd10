import type { Batch } from '@sparse/core';
import type { AdamState } from './adam-state.js';

/**
 * How a training round advances the model (internal module of `training/`): one step at a time,
 * with the model's variables brought up to date only when someone reads them.
 */
export interface RoundStepper {
  /** One masked Adam step on a batch (the caller disposes the batch). */
  step(batch: Batch): Promise<void>;
  /** Makes the model's variables hold the trained weights (before evaluations, snapshots, checkpoints). */
  sync(): void;
  /** Adam's complete state now, in tfjs's layout (see {@link AdamState}). */
  adamState(): Promise<AdamState>;
  /** Frees the optimizer or trainer. */
  dispose(): Promise<void>;
}
