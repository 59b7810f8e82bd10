import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInSpec, runExperimentFile, type ExperimentOutcome } from '@sparse/experiments';
import { deltaPlugin } from '../src/index.js';

/** A tiny delta config: bundled data, a narrow MLP, one epoch each, few rates, cpu backend. */
export function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'delta',
    backend: 'cpu',
    name: 'tiny',
    dataset: 'bundled',
    validationSize: 5000,
    calibrationSize: 64,
    dropSeeds: [0, 1],
    model: { hidden: [16] },
    batchSize: 100,
    pretrain: { classes: [0, 1, 2, 3, 4], epochs: 2, learningRate: 0.003 },
    finetune: {
      regimes: [
        { id: 'adam', epochs: 2, optimizer: { name: 'adam', learningRate: 0.001 } },
        { id: 'adamr', epochs: 2, optimizer: { name: 'adamr', learningRate: 0.003, lambda: 0.1 } },
      ],
    },
    rates: [0.5, 0.9],
    methods: ['dare', 'drop-only', 'magnitude'],
    darex: { rate: 0.9, methods: ['dare', { name: 'darex-q-validation', upper: 0.3, step: 0.05 }, { name: 'darex-q-output-change', upper: 0.3, step: 0.05 }, { name: 'darex-q-analytical', log10EtaLower: -1, log10EtaUpper: 1, log10EtaStep: 1 }] },
    varianceCheck: { regime: 'adam', unit: 3, seeds: 200, points: [{ rate: 0.9, q: 0.1 }] },
    ...overrides,
  };
}

/** A fresh temporary folder. */
export function tempFolder(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes `config` as `<folder>/<file>` and runs it with the delta plugin built in. */
export async function runConfig(
  folder: string,
  config: Record<string, unknown>,
  options: { runs?: string; file?: string; log?: (text: string) => void; progress?: (text: string) => void; signal?: AbortSignal; extraPlugins?: string[] } = {},
): Promise<{ outcome: ExperimentOutcome; output: string }> {
  const file = options.file ?? 'config.json';
  await writeFile(join(folder, file), JSON.stringify(config, null, 2));
  let output = '';
  const outcome = await runExperimentFile({
    path: join(folder, file),
    cwd: folder,
    runsRoot: options.runs ?? 'runs',
    builtIns: [{ plugin: deltaPlugin(), spec: builtInSpec('@sparse/delta', import.meta.url) }],
    log: (text) => {
      output += text;
      options.log?.(text);
    },
    progress: { write: (text: string) => void options.progress?.(text), isTTY: false },
    ...(options.extraPlugins === undefined ? {} : { extraPlugins: options.extraPlugins }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { outcome, output };
}
