/** The runtime (wasm backend with its fast kernels) and the data every toolkit script starts from. */
import { pathToFileURL } from 'node:url';
import { createRuntime, reportFatalErrors } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { loadData, type ToolkitData } from './data.js';
import { log } from './log.js';
import { settingsFromArgs, type Settings } from './settings.js';

export interface Context {
  readonly settings: Settings;
  readonly data: ToolkitData;
  readonly backend: string;
}

export async function createContext(settings: Settings = settingsFromArgs()): Promise<Context> {
  const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  const data = await loadData(settings.dataDir);
  log(
    `backend ${runtime.backend}; data ${settings.dataDir}: ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test; ` +
      `${settings.epochs} epochs, batch ${settings.batchSize}, Adam ${settings.learningRate}, seeds ${settings.seeds.join(', ')}`,
  );
  return { settings, data, backend: runtime.backend };
}

/**
 * Whether the module at `url` is the script node was started with. When it is, errors nothing
 * caught are reported as every entry point reports them: a SparseError as one line, exit code 2
 * (usage) or 1; anything else with its stack, exit code 1.
 */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  const main = script !== undefined && pathToFileURL(script).href === url;
  if (main) reportFatalErrors(script.replace(/^.*[\\/]/, ''));
  return main;
}
