import { describe, expect, it } from 'vitest';
import { trainerThreadLauncher, type ThreadEnvironment } from './launch-worker.js';

/** A browser's global scope as far as the launcher reads it. */
const browser = (web: ThreadEnvironment['web'], sharedMemory = true): ThreadEnvironment => ({ node: undefined, web, sharedMemory });
const FakeWorker = function FakeWorker() {};

describe('trainerThreadLauncher', () => {
  it('uses Node worker threads in Node', () => {
    expect(typeof trainerThreadLauncher()).toBe('function');
  });

  it('uses Web Workers in a cross-origin isolated browser worker', () => {
    expect(typeof trainerThreadLauncher(browser({ Worker: FakeWorker, crossOriginIsolated: true }))).toBe('function');
  });

  it.each([
    ['a page that is not cross-origin isolated', browser({ Worker: FakeWorker, crossOriginIsolated: false }, false), /cross-origin isolated.*use threads: 1/],
    ['isolation reported but no SharedArrayBuffer', browser({ Worker: FakeWorker, crossOriginIsolated: true }, false), /shared memory/],
    ["a page's main thread (Atomics.wait is refused there)", browser({ Worker: FakeWorker, crossOriginIsolated: true, document: {} }), /Web Worker: the threads wait .*Atomics\.wait/],
    ['an environment with no workers at all', browser({}), /Node\.js worker threads .* or a browser's Web Workers/],
  ])('refuses threads in %s with E_BACKEND_UNAVAILABLE', (_, environment, message) => {
    expect(() => trainerThreadLauncher(environment)).toThrowError(expect.objectContaining({ code: 'E_BACKEND_UNAVAILABLE', message: expect.stringMatching(message) }));
  });
});
