/**
 * Emscripten's Node glue (loaded by tfjs-backend-wasm) installs process handlers that rethrow any
 * uncaught error from inside its own minified code: Node then prints tens of kilobytes of that
 * code before the real message and exits with code 7. After the wasm backend starts, an uncaught
 * error must look as it does without it: Node's usual report and exit code 1.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ALIASES = new URL('../../experiments/test/support/register-source-aliases.mjs', import.meta.url).href;
const SCRIPT = fileURLToPath(new URL('./fixtures/uncaught-after-wasm.ts', import.meta.url));

describe('an uncaught error after the wasm backend started', () => {
  it.each(['throw', 'reject'])('%s: exit code 1, the real message, no emscripten code', (how) => {
    const child = spawnSync(process.execPath, ['--import', TSX, '--import', ALIASES, SCRIPT, how], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toContain('the real message');
    expect(child.status).toBe(1);
    expect(child.stderr.length).toBeLessThan(4000);
    expect(child.stderr).not.toMatch(/ExitStatus|keepRuntimeAlive/);
  });

  it('in an entry point that calls reportFatalErrors: a SparseError is one line, exit code 2', () => {
    const child = spawnSync(process.execPath, ['--import', TSX, '--import', ALIASES, SCRIPT, 'reject', 'reported'], { encoding: 'utf8', timeout: 60_000 });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 2, stderr: 'fixture: the real message\n' });
  });
});
