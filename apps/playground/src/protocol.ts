/**
 * The messages between the page (main thread) and its training workers. Everything is plain
 * structured-cloneable data; typed arrays are transferred where they are large.
 */
import type { EvalRecord, LthExperimentConfig, UnitSummary } from '@sparse/lth';

/** What the page asks a worker to do. */
export type ToWorker =
  /**
   * Start the runtime: `threads` is the worker's share of the cores (`⌊cores / workers⌋`), which
   * its dense trainer's threads and tfjs-backend-wasm's pool share where the page is cross-origin
   * isolated; `dataUrl` the site's `data/` folder (the shipped subset).
   */
  | { readonly type: 'init'; readonly threads: number; readonly dataUrl: string }
  /** Validate a config (the worker's runtime knows the registry) and answer with its plan. */
  | { readonly type: 'check'; readonly raw: unknown }
  /** Run these seeds of a validated config, one after the other. */
  | { readonly type: 'run'; readonly config: LthExperimentConfig; readonly seeds: readonly number[] }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' };

/** How the worker's wasm backend runs: the binary tfjs picked and its thread pool, and the dense trainer's threads. */
export interface ThreadInfo {
  readonly crossOriginIsolated: boolean;
  /** `threaded-simd`, `simd` or `plain`. */
  readonly binary: string;
  /** Threads of tfjs-backend-wasm's pool (1 without the threaded binary). */
  readonly threads: number;
  /** Threads sharing each step of the `dense-trainer` engine (the worker's own included): 1 without cross-origin isolation. */
  readonly trainerThreads: number;
}

/** One unit of the plan as the page shows it. */
export interface PlannedUnitInfo {
  readonly id: string;
  readonly level: number;
  readonly branch: string;
  readonly startStep: number;
}

/** A layer's kernel mask (0 = pruned, 1 = kept), `[inputs, outputs]` row-major. */
export interface LayerMask {
  readonly name: string;
  readonly shape: readonly [number, number];
  readonly kept: Uint8Array;
}

/** A parameter's values, for the weights download. */
export interface NamedValues {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** What a worker tells the page. */
export type FromWorker =
  | { readonly type: 'ready'; readonly threads: ThreadInfo; readonly scorers: readonly string[]; readonly engines: readonly string[] }
  | {
      readonly type: 'checked';
      readonly config: LthExperimentConfig;
      readonly iterations: number;
      readonly units: readonly PlannedUnitInfo[];
      readonly remaining: readonly number[];
    }
  | { readonly type: 'invalid'; readonly message: string }
  /** A seed started training on `engine`; `trainerThreads`: the threads sharing each of its steps (the dense trainer's; 1 for engines that run on tfjs's kernels). */
  | { readonly type: 'started'; readonly seed: number; readonly engine: string; readonly trainerThreads: number }
  | { readonly type: 'samples'; readonly images: Float32Array; readonly labels: readonly number[]; readonly classNames: readonly string[] }
  | { readonly type: 'progress'; readonly seed: number; readonly done: number; readonly total: number }
  | { readonly type: 'unit-start'; readonly seed: number; readonly id: string; readonly level: number; readonly branch: string; readonly remaining: number }
  | { readonly type: 'eval'; readonly seed: number; readonly id: string; readonly record: EvalRecord }
  | { readonly type: 'unit-done'; readonly seed: number; readonly id: string; readonly summary: UnitSummary; readonly metrics: string }
  | {
      readonly type: 'ticket';
      readonly seed: number;
      readonly level: number;
      readonly remaining: number;
      readonly masks: readonly LayerMask[];
      readonly weights: readonly NamedValues[];
      readonly predictions: readonly number[];
    }
  | { readonly type: 'paused' | 'resumed'; readonly seed: number | undefined }
  | { readonly type: 'seed-done'; readonly seed: number; readonly seconds: number }
  | { readonly type: 'failed'; readonly message: string };
