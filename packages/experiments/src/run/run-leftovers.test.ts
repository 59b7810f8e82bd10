/**
 * What a finished run leaves (issue 14): no empty checkpoint folders (each unit's checkpoints are
 * deleted when it completes, and so is the folder that held them), and no run.lock.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allUnitIds, replicateSeed, toyUnits, type ToyConfig } from '../../test/fixtures/toy-job.js';
import { openRunDirectory } from './run-directory.js';
import { finalizeRun, runUnits } from './run-units.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sparse-leftovers-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every empty folder under `folder`, relative to it. */
async function emptyFolders(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  if (entries.length === 0) return [prefix === '' ? '.' : prefix];
  const nested = await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => emptyFolders(join(folder, entry.name), prefix === '' ? entry.name : `${prefix}/${entry.name}`)));
  return nested.flat();
}

describe('a finished run', () => {
  it('leaves no empty checkpoint folder and no lock', async () => {
    const config: ToyConfig = { seed: 3, replicates: 2, levels: 2, epochs: 2, dim: 8, samples: 16, lr: 0.3 };
    const run = await openRunDirectory({ root, name: 'leftovers', config: { ...config } });
    for (let replicate = 0; replicate < config.replicates; replicate += 1) {
      await runUnits({ run, units: toyUnits(run, config, replicate), runSeed: replicateSeed(config, replicate), finalize: false });
    }
    await finalizeRun(run, allUnitIds(config));
    await run.close();
    expect(await emptyFolders(run.path)).toEqual([]);
    expect(await readdir(run.path)).not.toContain('run.lock');
    expect(await readdir(run.path)).not.toContain('checkpoints');
  });
});
