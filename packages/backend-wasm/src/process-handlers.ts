/** The process events emscripten's Node glue listens to. */
const EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

type Listener = (...args: unknown[]) => void;

/**
 * Runs `start` and then removes the `uncaughtException` and `unhandledRejection` listeners it
 * added to `process`. tfjs-backend-wasm's emscripten glue installs listeners that rethrow every
 * uncaught error from inside its minified code, so Node printed that code (tens of kilobytes)
 * before the real message and exited with code 7; without them an uncaught error is reported as
 * Node reports it (the message and its stack, exit code 1). The backend does not rely on them.
 * Outside Node it only runs `start`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { withoutNewProcessHandlers } from './process-handlers.js';
 *
 * await withoutNewProcessHandlers(() => tf.setBackend('wasm'));
 * ```
 */
export async function withoutNewProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const events = typeof process === 'undefined' || typeof process.listeners !== 'function' ? undefined : (process as unknown as ListenerHost);
  const before = new Map(EVENTS.map((event) => [event, new Set<Listener>(events?.listeners(event))]));
  try {
    return await start();
  } finally {
    for (const event of EVENTS) {
      for (const listener of events?.listeners(event) ?? []) {
        if (!(before.get(event)?.has(listener) ?? true)) events?.removeListener(event, listener);
      }
    }
  }
}

/** The part of `process` this uses, typed for the two events. */
interface ListenerHost {
  listeners(event: (typeof EVENTS)[number]): Listener[];
  removeListener(event: (typeof EVENTS)[number], listener: Listener): unknown;
}
