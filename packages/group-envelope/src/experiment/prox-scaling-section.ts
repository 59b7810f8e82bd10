import type { ReportSection } from '@sparse/experiments';
import type { ScalingRow } from './appendix.js';

/** Milliseconds with three decimals below 10 ms, one above. */
export const formatMs = (value: number): string => (value >= 10 ? value.toFixed(1) : value.toFixed(3));

/**
 * The "Prox scaling" section of the run report and the results page: the prox of λ·SEF_k against
 * the sort-based peers, one row per group count, from bench/prox-scaling.ts's JSON. The text
 * states the per-group time at the smallest and largest m from the rows.
 *
 * @example
 * ```ts
 * import { proxScalingSection } from './prox-scaling-section.js';
 *
 * const section = proxScalingSection([{ groups: 1e6, k: 250_000, lambda: 0.05, runs: 5, jsMedianMs: 21, jsNsPerGroup: 21, torchMs: 60 }], 'From bench/results/prox-scaling.json.');
 * console.log(section.heading); // 'Prox scaling (bench/prox-scaling.ts)'
 * ```
 */
export function proxScalingSection(scaling: readonly ScalingRow[], source: string): ReportSection {
  const perGroup = scaling.map((row) => row.jsNsPerGroup);
  return {
    heading: 'Prox scaling (bench/prox-scaling.ts)',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: [
            { key: 'groups', header: 'groups m', align: 'right' },
            { key: 'k', header: 'k', align: 'right' },
            { key: 'js', header: 'gsefScales, JS (ms, median)', align: 'right' },
            { key: 'perGroup', header: 'ns per group', align: 'right' },
            { key: 'sort', header: 'JS Float64Array sort alone (ms)', align: 'right' },
            { key: 'numpy', header: 'numpy sort-based (ms)', align: 'right' },
            { key: 'torch', header: 'torch sort-based (ms)', align: 'right' },
            { key: 'ratio', header: 'torch / JS', align: 'right' },
          ],
          rows: scaling.map((row) => ({
            groups: row.groups.toExponential(0),
            k: row.k,
            js: formatMs(row.jsMedianMs),
            perGroup: row.jsNsPerGroup.toFixed(1),
            sort: row.jsSortMs === undefined ? '' : formatMs(row.jsSortMs),
            numpy: row.numpyMs === undefined ? '' : formatMs(row.numpyMs),
            torch: row.torchMs === undefined ? '' : formatMs(row.torchMs),
            ratio: row.torchMs === undefined ? '' : (row.torchMs / row.jsMedianMs).toFixed(2),
          })),
        },
      },
      {
        kind: 'text',
        text:
          `${source} Time of the prox of λ·SEF_k on m group norms, median of ${scaling[0]?.runs ?? 0} runs; the JS prox finds its threshold by randomized selection (sampled pivots, no sort), the peers (bench/prox_peer.py, float64, one thread) solve the same equation with a sort, and the benchmark checks that all three give the same prox (sum and support). ` +
          `Time per group from m = ${(scaling[0]?.groups ?? 0).toExponential(0)} to m = ${(scaling[scaling.length - 1]?.groups ?? 0).toExponential(0)}: ${(perGroup[0] ?? 0).toFixed(1)} → ${(perGroup[perGroup.length - 1] ?? 0).toFixed(1)} ns.`,
      },
    ],
  };
}
