/** `node --import ./bench/lib/register.mjs`: installs the workspace source resolution (scripts/workspace-source-hooks.mjs). */
import { register } from 'node:module';

register('../../scripts/workspace-source-hooks.mjs', import.meta.url);
