import type { JsonObject } from '@sparse/experiments';
import type { ActivationHook } from '../hooks/activation-hook.js';
import { createSparsityMeter } from '../hooks/sparsity-meter.js';
import { skippableFlops } from '../measure/flops.js';
import type { ActivationModel } from '../models/activation-model.js';
import { evaluateModel, type LabelledSet } from '../training/evaluate.js';

/** What {@link measureHook} measures, in JSON (non-finite numbers as `null`). @internal */
export interface Measurement extends JsonObject {
  accuracy: number;
  sites: { site: string; sparsity: number }[];
  blocks: { block: string; relativeError: number | null }[];
  skippableFraction: number;
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Accuracy, realized sparsity per site, block errors and skippable FLOPs of a hook on a set. @internal */
export function measureHook(model: ActivationModel, hook: ActivationHook, set: LabelledSet, blockErrors: boolean): Measurement {
  const meter = createSparsityMeter(hook, { blockErrors });
  const { accuracy } = evaluateModel(model, set, { hook: meter });
  const report = meter.report();
  return {
    accuracy,
    sites: report.sites.map((site) => ({ site: site.site, sparsity: site.sparsity })),
    blocks: report.blocks.map((block) => ({ block: block.block, relativeError: finite(block.relativeError) })),
    skippableFraction: skippableFlops(model.sites, report, model.flopsPerExample).skippableFraction,
  };
}

/** The fraction of nonzero activations, averaged over the model's sites. @internal */
export function nonzeroFraction(measurement: Measurement): number {
  const sites = measurement.sites;
  return sites.length === 0 ? 1 : 1 - sites.reduce((sum, site) => sum + site.sparsity, 0) / sites.length;
}
