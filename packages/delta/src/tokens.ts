import { defineImplementationKind } from '@sparse/core';
import type { DeltaMethod } from './methods/delta-method.js';

/**
 * The delta methods, resolved by name from a runtime: `random`, `magnitude`, `dare`, `drop-only`,
 * `darex-q`, `darex-q-validation`, `darex-q-output-change`, `darex-q-analytical` (from
 * {@link deltaPlugin}), or a plugin's own. A config names them in `methods` (`"dare"` or
 * `{ "name": "darex-q", "q": 0.2 }`); `sparse dare --method NAME` too.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { DeltaMethods, deltaPlugin } from '@sparse/delta';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin()] });
 * const darex = runtime.resolve(DeltaMethods, { name: 'darex-q', q: 0.2 }, 'methods[0]');
 * const { rule } = await darex.plan(0.99);
 * ```
 */
export const DeltaMethods = defineImplementationKind<DeltaMethod>('delta method', '@sparse/delta/DeltaMethod');
