import { configErrorFromIssues, implementationRefs, optionIssuesFromZod, type SparseRuntime } from '@sparse/core';
import { experimentConfigSchema, type ExperimentKind } from '@sparse/experiments';
import type { LthExperimentConfig } from './config.js';
import { lthKind } from './kind.js';

/**
 * Checks a raw `lth` config against the kind's whole schema (its fields, `plugins`, `backend`;
 * `kind` may be left out) with the names `runtime` knows: every problem at once, before any work.
 * `sparse run` does the same through `prepareExperiment`, after loading the config's plugins; here
 * the runtime must already hold the ones the config names.
 *
 * @param raw - the config as read.
 * @param runtime - the runtime whose scorers and training engines the config may name.
 * @param source - the file it came from, named in errors.
 * @throws SparseError `E_CONFIG` naming every invalid field with what is allowed.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { lthPlugin, validateLthConfig } from '@sparse/lth';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [lthPlugin()] });
 * const config = validateLthConfig({ name: 'quick', seeds: [0, 1], rounds: 4, epochsPerRound: 2, validationSize: 500, backend: 'cpu' }, runtime);
 * console.log(config.scorer); // magnitude
 * ```
 */
export function validateLthConfig(raw: unknown, runtime: SparseRuntime, source?: string): LthExperimentConfig {
  const input = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !('kind' in raw) ? { kind: lthKind.name, ...raw } : raw;
  const schema = experimentConfigSchema(lthKind as ExperimentKind, implementationRefs(runtime));
  const result = schema.safeParse(input);
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, input, [], schema), source);
  const { $schema: _schema, ...config } = result.data as Record<string, unknown>;
  return config as unknown as LthExperimentConfig;
}
