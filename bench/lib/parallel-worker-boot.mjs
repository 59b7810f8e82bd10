/**
 * Entry of bench/lib/parallel-worker.ts in a worker thread: installs tsx and the workspace
 * resolution hooks (register.mjs) in this thread, then loads the TypeScript worker.
 */
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./hooks.mjs', import.meta.url);
await import('./parallel-worker.ts');
