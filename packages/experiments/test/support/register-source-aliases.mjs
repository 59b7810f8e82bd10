// `node --import tsx --import ./register-source-aliases.mjs …`, or a worker `preload` entry.
import { register } from 'node:module';

register('./source-aliases-hooks.mjs', import.meta.url);
// under Vitest: no tfjs banner from worker threads (see that file)
await import('../../../core/test/support/quiet-tfjs-in-workers.mjs');
