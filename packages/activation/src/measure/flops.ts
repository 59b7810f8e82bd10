import type { SiteInfo } from '../models/activation-model.js';
import type { SparsityReport } from '../hooks/sparsity-meter.js';

/**
 * FLOPs a sparse kernel could skip, per example, from a measured {@link SparsityReport}.
 *
 * @example
 * ```ts
 * import type { FlopsAccounting } from '@sparse/activation';
 *
 * const f: FlopsAccounting = { denseFlops: 1.4e6, skippableFlops: 5e5, skippableFraction: 0.36, sites: [] };
 * ```
 */
export interface FlopsAccounting {
  /** Dense forward FLOPs per example (the model's `flopsPerExample`). */
  readonly denseFlops: number;
  /** Skippable FLOPs per example, all sites. */
  readonly skippableFlops: number;
  /** `skippableFlops / denseFlops`. */
  readonly skippableFraction: number;
  /** Per site: zeros per example and the FLOPs they let a kernel skip. */
  readonly sites: readonly { readonly site: string; readonly zerosPerExample: number; readonly skippableFlops: number }[];
}

/**
 * Converts measured zeros into the FLOPs a kernel that skips zeroed activations could save:
 * `zeros per example × site.skippableFlopsPerZero`, summed over sites, against the dense forward
 * FLOPs. Measured sparsity that the model's sites do not describe is ignored. These are operation
 * counts, not measured latency: a real speed-up needs a sparse kernel.
 *
 * @param sites - the model's `sites`.
 * @param report - a meter's report.
 * @param denseFlops - the model's `flopsPerExample`.
 *
 * @example
 * ```ts
 * import { skippableFlops, type ActivationModel, type SparsityMeter } from '@sparse/activation';
 *
 * declare const model: ActivationModel;
 * declare const meter: SparsityMeter;
 * const flops = skippableFlops(model.sites, meter.report(), model.flopsPerExample);
 * console.log(`${(100 * flops.skippableFraction).toFixed(1)} % of the forward FLOPs could be skipped`);
 * ```
 */
export function skippableFlops(sites: readonly SiteInfo[], report: SparsityReport, denseFlops: number): FlopsAccounting {
  const rows = sites.flatMap((site) => {
    const measured = report.sites.find((s) => s.site === site.name);
    if (measured === undefined || measured.tokens === 0) return [];
    const examples = measured.tokens / site.tokensPerExample;
    const zerosPerExample = measured.zeros / examples;
    return [{ site: site.name, zerosPerExample, skippableFlops: zerosPerExample * site.skippableFlopsPerZero }];
  });
  const total = rows.reduce((sum, row) => sum + row.skippableFlops, 0);
  return { denseFlops, skippableFlops: total, skippableFraction: denseFlops > 0 ? total / denseFlops : 0, sites: rows };
}
