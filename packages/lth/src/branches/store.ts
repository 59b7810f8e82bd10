import { SparseError, type BinaryMaskSet } from '@sparse/core';
import type { ParameterValues } from '../imp/parameter-values.js';

/**
 * Where an IMP replicate keeps what its runs hand to later runs: θ0, the ticket's masks of every
 * level, θk (with rewinding), the dense trained weights (for one-shot pruning) and the one-shot
 * masks. {@link memoryImpStore} keeps them in memory (`runImp`); the resumable replicate of
 * `sparse run` keeps them in its run directory, so a killed run finds them again.
 *
 * @example
 * ```ts
 * import type { ImpStore } from '../branches/store.js';
 *
 * declare const store: ImpStore;
 * const masks = await store.loadMasks(2);
 * ```
 */
export interface ImpStore {
  /** The initial weights θ0. */
  readonly theta0: ParameterValues;
  /** The ticket's masks of a level ≥ 1 (saved by the ticket of the level before). */
  loadMasks(level: number): Promise<BinaryMaskSet>;
  saveMasks(level: number, masks: BinaryMaskSet): Promise<void>;
  /** θk, the weights after k iterations of dense training (rewinding only). */
  loadRewindPoint(): Promise<ParameterValues>;
  saveRewindPoint(values: ParameterValues): Promise<void>;
  /** The dense network's trained weights (kept when one-shot runs follow). */
  loadDenseTrained(): Promise<ParameterValues>;
  saveDenseTrained(values: ParameterValues): Promise<void>;
  /** Records the masks a one-shot run trains with. */
  saveOneShotMasks(level: number, masks: BinaryMaskSet): Promise<void>;
}

/**
 * An {@link ImpStore} in memory, with read access to what was saved.
 *
 * @example
 * ```ts
 * import type { MemoryImpStore } from '../branches/store.js';
 *
 * declare const store: MemoryImpStore;
 * console.log(store.masks.size, store.rewindPoint === undefined);
 * ```
 */
export interface MemoryImpStore extends ImpStore {
  /** The ticket's masks by level (level 0 is never saved: it is dense). */
  readonly masks: ReadonlyMap<number, BinaryMaskSet>;
  /** θk once saved. */
  readonly rewindPoint: ParameterValues | undefined;
  /** The one-shot masks by target level. */
  readonly oneShotMasks: ReadonlyMap<number, BinaryMaskSet>;
}

function missing(what: string, field: string): SparseError {
  return new SparseError('E_INTERNAL', `IMP store: ${what} was never saved.`, { field });
}

/**
 * An {@link ImpStore} in memory. Saves take effect at once (before the returned promise settles),
 * so a `rewind` callback that is not awaited still records θk.
 *
 * @example
 * ```ts
 * import { memoryImpStore } from '../branches/store.js';
 *
 * const store = memoryImpStore(new Map([['w', Float32Array.of(1, 2)]]));
 * await store.saveMasks(1, new Map([['w', { shape: [2], kept: Uint8Array.of(1, 0) }]]));
 * console.log((await store.loadMasks(1)).get('w')?.kept); // Uint8Array [1, 0]
 * ```
 */
export function memoryImpStore(theta0: ParameterValues): MemoryImpStore {
  const masks = new Map<number, BinaryMaskSet>();
  const oneShotMasks = new Map<number, BinaryMaskSet>();
  let rewindPoint: ParameterValues | undefined;
  let denseTrained: ParameterValues | undefined;
  const get = <V>(value: V | undefined, what: string, field: string): Promise<V> => (value === undefined ? Promise.reject(missing(what, field)) : Promise.resolve(value));
  return {
    theta0,
    masks,
    oneShotMasks,
    get rewindPoint() {
      return rewindPoint;
    },
    loadMasks: (level) => get(masks.get(level), `the ticket's mask of level ${level}`, 'masks'),
    saveMasks: (level, value) => {
      masks.set(level, value);
      return Promise.resolve();
    },
    loadRewindPoint: () => get(rewindPoint, 'the rewind point θk', 'rewindStep'),
    saveRewindPoint: (values) => {
      rewindPoint = values;
      return Promise.resolve();
    },
    loadDenseTrained: () => get(denseTrained, 'the dense trained weights', 'oneShot'),
    saveDenseTrained: (values) => {
      denseTrained = values;
      return Promise.resolve();
    },
    saveOneShotMasks: (level, value) => {
      oneShotMasks.set(level, value);
      return Promise.resolve();
    },
  };
}
