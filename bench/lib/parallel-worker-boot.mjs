/**
 * Entry of bench/lib/parallel-worker.ts in a worker thread: installs tsx and the workspace
 * resolution hooks (scripts/workspace-source-hooks.mjs) in this thread, then loads the worker.
 */
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('../../scripts/workspace-source-hooks.mjs', import.meta.url);
await import('./parallel-worker.ts');
