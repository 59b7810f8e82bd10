/**
 * docs/results/README.md from every family's docs/results/data/<family>/claims.json (which each
 * family's `pnpm results:<family> render` writes).
 *
 *   pnpm results:index
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFatalErrors } from '@sparse/core';
import { readClaimsFiles, renderClaimsIndex, writeFileAtomic } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

reportFatalErrors('results:index');
const claims = await readClaimsFiles(join(repo, 'docs/results/data'));
await writeFileAtomic(join(repo, 'docs/results/README.md'), renderClaimsIndex(claims));
process.stdout.write(`wrote docs/results/README.md: ${claims.length} claims\n`);
