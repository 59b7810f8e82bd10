/**
 * Every committed results data set (docs/results/data/<family>/<name>.provenance.json, written by
 * `pnpm results:<family> import`) names the run directory whose rows it holds, and that name ends
 * in the config hash `sparse run <its config file>` gives today: the config as stored in the
 * provenance, and the committed config file prepared as `sparse run` prepares it, hash to it. A
 * config edited after its run was imported fails here, naming the data set (issue 19: "the config
 * and its hash, reproducible from the committed config").
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prepareExperiment, readConfigFile, runDirectoryName } from '@sparse/experiments';
import { builtInPlugins } from '../src/plugins/built-in-plugins.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const dataRoot = join(repo, 'docs', 'results', 'data');

interface Provenance {
  readonly name: string;
  readonly configFile?: string;
  readonly runDirectory: string;
  readonly config: { readonly name: string };
}

const provenanceFiles = readdirSync(dataRoot)
  .filter((family) => statSync(join(dataRoot, family)).isDirectory())
  .flatMap((family) =>
    readdirSync(join(dataRoot, family))
      .filter((file) => file.endsWith('.provenance.json'))
      .map((file) => `${family}/${file}`),
  );

describe('committed results name the run directory their committed config gives', () => {
  it('finds the data sets', () => {
    expect(provenanceFiles.length).toBeGreaterThanOrEqual(10);
  });

  it.each(provenanceFiles)('%s', async (file) => {
    const provenance = JSON.parse(readFileSync(join(dataRoot, file), 'utf8')) as Provenance;
    expect(runDirectoryName(provenance.config.name, provenance.config), 'the stored config hashes to the stored run directory').toBe(provenance.runDirectory);
    expect(provenance.configFile, 'the provenance names its config file').toBeTypeOf('string');
    const configPath = join(repo, provenance.configFile as string);
    expect(existsSync(configPath), `${provenance.configFile} exists`).toBe(true);
    const prepared = await prepareExperiment({ raw: await readConfigFile(configPath), source: configPath, cwd: repo, builtIns: builtInPlugins() });
    const config = prepared.config as { name: string };
    expect(runDirectoryName(config.name, config), `sparse run ${provenance.configFile} gives the run directory of ${file}`).toBe(provenance.runDirectory);
  });
});
