// `node --import tsx --import ./register-source-aliases.mjs …`, or a worker `preload` entry.
import { register } from 'node:module';

register('./source-aliases-hooks.mjs', import.meta.url);
