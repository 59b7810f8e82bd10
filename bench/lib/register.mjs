/** `node --import ./bench/lib/register.mjs`: installs the resolution hooks of hooks.mjs. */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
