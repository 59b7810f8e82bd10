import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/**
 * Direct float32 access to tensor storage on the `wasm` and `cpu` backends, for fused updates that
 * run as one JavaScript loop instead of a dozen kernels (internal module of `training/`).
 *
 * Reading is always safe. Writing in place is only done to a buffer this module allocated itself
 * and that nothing else references (backend reference count 1): tfjs tensors are immutable, a
 * clone or reshape shares the buffer of its source, and the `cpu` backend keeps a user's
 * `Float32Array` passed to `tf.tensor` as the storage itself. Any other buffer is replaced
 * (copy-on-write) by a fresh one the first time it is written.
 */

/** The `wasm` backend's storage API used here (tfjs-backend-wasm 4.22). */
interface HeapBackend {
  readonly dataIdMap: { has(dataId: object): boolean; get(dataId: object): { id?: unknown; memoryOffset?: unknown } | undefined };
  readonly wasm?: {
    asm?: { memory?: unknown };
    wasmExports?: { memory?: unknown };
    tfjs?: { disposeData?: (id: number) => void; registerTensor?: (id: number, size: number, offset: number) => void };
  };
  typedArrayFromHeap(info: { shape: number[]; dtype: string; dataId: object }): Float32Array | Int32Array | Uint8Array;
  refCount(dataId: object): number;
}

/** The `cpu` backend's storage API used here (tfjs-backend-cpu 4.22). */
interface ArrayBackend {
  readonly data: { get(dataId: object): { values?: unknown } | undefined; has(dataId: object): boolean };
  refCount(dataId: object): number;
}

type Storage = { kind: 'heap'; backend: HeapBackend } | { kind: 'array'; backend: ArrayBackend };

/** Buffers (data ids) this module allocated: they may be written in place while unshared. */
const owned = new WeakSet<object>();

function isHeapBackend(value: unknown): value is HeapBackend {
  const candidate = value as Partial<HeapBackend> | null;
  return (
    typeof candidate?.typedArrayFromHeap === 'function' &&
    typeof candidate.refCount === 'function' &&
    typeof candidate.dataIdMap?.has === 'function'
  );
}

function isArrayBackend(value: unknown): value is ArrayBackend {
  const candidate = value as Partial<ArrayBackend> | null;
  return typeof candidate?.refCount === 'function' && typeof candidate.data?.get === 'function' && typeof candidate.data.has === 'function';
}

/**
 * The active backend's storage, when it is one whose float32 buffers JavaScript can address
 * directly (`wasm`, `cpu`); `undefined` for others (`webgl`, `tensorflow`), which then take the
 * regular kernel path.
 */
export function directStorage(): Storage | undefined {
  const backend: unknown = tf.backend();
  if (isHeapBackend(backend)) return { kind: 'heap', backend };
  if (isArrayBackend(backend)) return { kind: 'array', backend };
  return undefined;
}

function dataIdOf(tensor: Tensor): object {
  return tensor.dataId as object;
}

/** Values a fused loop may read: a float32 tensor's storage (the `cpu` backend may hold it in another typed array). */
export type ReadableValues = Float32Array | Int32Array | Uint8Array;

/**
 * The storage of a float32 tensor for reading, in whatever typed array the backend holds it (the
 * `cpu` backend keeps a cast from `bool` as a `Uint8Array`), or `undefined`.
 */
export function readableView(storage: Storage, tensor: Tensor): ReadableValues | undefined {
  if (storage.kind === 'heap') return float32View(storage, tensor);
  if (tensor.dtype !== 'float32' || tensor.isDisposed) return undefined;
  const values = storage.backend.data.get(dataIdOf(tensor))?.values;
  const readable = values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array;
  return readable && values.length === tensor.size ? values : undefined;
}

/** A float32 view of a tensor's storage, or `undefined` if it is not float32 or lives elsewhere. */
export function float32View(storage: Storage, tensor: Tensor): Float32Array | undefined {
  if (tensor.dtype !== 'float32' || tensor.isDisposed) return undefined;
  const dataId = dataIdOf(tensor);
  if (storage.kind === 'heap') {
    if (!storage.backend.dataIdMap.has(dataId)) return undefined;
    const view = storage.backend.typedArrayFromHeap({ shape: tensor.shape, dtype: tensor.dtype, dataId });
    return view instanceof Float32Array && view.length === tensor.size ? view : undefined;
  }
  const values = storage.backend.data.get(dataId)?.values;
  return values instanceof Float32Array && values.length === tensor.size ? values : undefined;
}

/**
 * Where a new value of `variable` can be written: its own buffer when this module allocated it and
 * nothing shares it, else a fresh buffer (`fresh`, to be assigned with {@link commitTarget}).
 * Allocates before returning, so views made afterwards stay valid (wasm memory may grow).
 */
export function writeTarget(storage: Storage, variable: Variable): { fresh: Tensor | undefined } {
  const dataId = dataIdOf(variable);
  if (owned.has(dataId) && storage.backend.refCount(dataId) === 1 && canInvalidate(storage)) return { fresh: undefined };
  const fresh = tf.zeros(variable.shape, 'float32');
  owned.add(dataIdOf(fresh));
  return { fresh };
}

/**
 * Tells the backend that a buffer changed in place. The `wasm` backend caches XNNPACK operators
 * (with their packed weights) per tensor id, assuming tensors never change: re-registering the id
 * drops those caches (`dispose_data` runs the tensor's disposal callbacks, `register_tensor` puts
 * the same memory back), exactly what disposing the old tensor does on the regular path.
 */
export function invalidateCaches(storage: Storage, tensor: Tensor): void {
  if (storage.kind !== 'heap') return;
  const info = storage.backend.dataIdMap.get(dataIdOf(tensor));
  const tfjs = storage.backend.wasm?.tfjs;
  const { id, memoryOffset } = info ?? {};
  if (typeof id !== 'number' || typeof memoryOffset !== 'number' || tfjs?.disposeData === undefined || tfjs.registerTensor === undefined) {
    throw new Error('backend-views: the wasm backend no longer exposes disposeData/registerTensor; in-place writes cannot be made safe.');
  }
  tfjs.disposeData(id);
  tfjs.registerTensor(id, tensor.size, memoryOffset);
}

/** Whether in-place writes can be announced to the backend (see {@link invalidateCaches}). */
export function canInvalidate(storage: Storage): boolean {
  if (storage.kind !== 'heap') return true;
  const tfjs = storage.backend.wasm?.tfjs;
  return typeof tfjs?.disposeData === 'function' && typeof tfjs.registerTensor === 'function';
}

/** Makes `fresh` (from {@link writeTarget}) the variable's value, releasing the old buffer. */
export function commitTarget(variable: Variable, fresh: Tensor | undefined): void {
  if (fresh === undefined) return;
  variable.assign(fresh);
  fresh.dispose();
}

/** The `wasm` backend's `WebAssembly.Memory`, when it can be reached (for {@link heapOffset} pointers). */
export function heapMemory(storage: Storage): WebAssembly.Memory | undefined {
  if (storage.kind !== 'heap') return undefined;
  const candidate = storage.backend.wasm?.asm?.memory ?? storage.backend.wasm?.wasmExports?.memory;
  return candidate instanceof WebAssembly.Memory ? candidate : undefined;
}

/** The byte offset of a tensor's storage in the `wasm` backend's memory. */
export function heapOffset(storage: Storage, tensor: Tensor): number | undefined {
  if (storage.kind !== 'heap') return undefined;
  const offset = storage.backend.dataIdMap.get(dataIdOf(tensor))?.memoryOffset;
  return typeof offset === 'number' && offset % 4 === 0 ? offset : undefined;
}
