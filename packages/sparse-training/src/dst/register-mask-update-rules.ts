import { MaskUpdateRules, type PluginRegistry } from '@sparse/core';
import { riglRule, setRule } from './mask-update-rules.js';
import { dstRuleOptionsSchema, type DstRuleOptions } from './rule-options.js';

/**
 * Registers the `set` ({@link setRule}) and `rigl` ({@link riglRule}) mask update rules in core's
 * `MaskUpdateRules` table, with their options' schema ({@link dstRuleOptionsSchema}), so a config
 * can name them (`"rigl"`, `{ "name": "set", "updateEvery": 50 }`).
 *
 * @example
 * ```ts
 * import { MaskUpdateRules, createRuntime, definePlugin } from '@sparse/core';
 * import { registerMaskUpdateRules } from '@sparse/sparse-training';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@my-org/dst', registerMaskUpdateRules)] });
 * const rule = runtime.resolve(MaskUpdateRules, { name: 'rigl', dropFraction: 0.5 });
 * console.log(rule.name, runtime.names(MaskUpdateRules)); // rigl [ 'rigl', 'set' ]
 * ```
 */
export function registerMaskUpdateRules(registry: PluginRegistry): void {
  registry.provide(MaskUpdateRules, 'set', (options) => setRule(options as DstRuleOptions), {
    options: dstRuleOptionsSchema,
    summary: 'SET: every ΔT steps drop the smallest-|w| active weights (cosine-annealed fraction) and regrow as many uniformly at random',
  });
  registry.provide(MaskUpdateRules, 'rigl', (options) => riglRule(options as DstRuleOptions), {
    options: dstRuleOptionsSchema,
    summary: 'RigL: every ΔT steps drop the smallest-|w| active weights (cosine-annealed fraction) and regrow those with the largest dense |gradient|',
  });
}
