/** docs/results/toolkit-e4.md: the experiments of spec E.4 (2–4) on Fashion-MNIST. */
import type { PlotSeries, Report, ReportSection, ResultsClaim, TableCell } from '@sparse/experiments';
import { RULE, seedSentence } from './claims.js';
import { ALLOCATIONS, ERK_SPARSITY } from './e4-erk.js';
import { INIT_METHODS, INIT_SCOPES, INIT_SPARSITIES, SYNFLOW_ROUNDS } from './e4-init.js';
import { FINE_TUNE_EPOCHS } from './e4-one-shot.js';
import { accuracies, diffPp, mean, minutes, pct, pctPm, perSeed, plural, select, validationCurve } from './report-common.js';
import type { GraspAgreement } from './check-grasp.js';
import type { RunSummary, ToolkitResults } from './run-summary.js';

const LAYER_NAMES = ['fc1', 'fc2', 'fc3'] as const;

/** Mean density of each layer over runs (from `initStats` when present), in percent. */
function layerDensities(runs: readonly RunSummary[], atInit = true): Record<string, string> {
  const row: Record<string, string> = {};
  LAYER_NAMES.forEach((name, index) => {
    const values = runs.map((r) => {
      const layer = (atInit ? (r.initStats ?? r.stats) : r.stats).layers[index];
      return layer === undefined ? Number.NaN : layer.kept / layer.weights;
    });
    row[name] = (100 * mean(values)).toFixed(mean(values) < 0.01 ? 3 : 2);
  });
  return row;
}

function collapsedLayers(runs: readonly RunSummary[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) for (const name of r.stats.collapsed) counts.set(name, (counts.get(name) ?? 0) + 1);
  if (counts.size === 0) return 'none';
  return [...counts].map(([name, n]) => `${name.replace('/kernel', '')} (${n}/${runs.length} seeds)`).join(', ');
}

function gradualSection(runs: readonly RunSummary[], epochs: number): ReportSection {
  const dense = select(runs, 'gradual-core', 'dense');
  const gradual = select(runs, 'gradual-core', 'gradual');
  const noFineTune = select(runs, 'e4.2', 'one-shot, no fine-tune');
  const fineTuned = select(runs, 'e4.2', `one-shot + ${FINE_TUNE_EPOCHS}-epoch fine-tune`);
  const line = (method: string, group: readonly RunSummary[], trainEpochs: string) => ({
    method,
    sparsity: group[0] === undefined ? '' : pct(group[0].stats.weightSparsity, 4),
    epochs: trainEpochs,
    test: pctPm(accuracies(group)),
    seeds: perSeed(accuracies(group)),
    'vs gradual': method.startsWith('gradual') ? '' : diffPp(accuracies(group), accuracies(gradual)),
  });
  // A method without runs in the raw data gets no row (rather than NaN cells).
  const rows = [
    [dense, line('dense (reference)', dense, `${epochs}`)],
    [gradual, line('gradual cubic magnitude during training', gradual, `${epochs} (pruning inside)`)],
    [noFineTune, line('one-shot magnitude after training, no fine-tune', noFineTune, `${epochs} dense`)],
    [fineTuned, line(`one-shot magnitude after training + ${FINE_TUNE_EPOCHS}-epoch fine-tune`, fineTuned, `${epochs} dense + ${FINE_TUNE_EPOCHS}`)],
  ] as const;
  const oneShotCurve = validationCurve(fineTuned);
  const noFineTunePoint = validationCurve(noFineTune).filter((p) => p.x === epochs);
  const section: ReportSection = {
    heading: 'E.4.2 Gradual vs. one-shot magnitude pruning at 90 %',
    blocks: [
      {
        kind: 'text',
        text:
          `All pruned networks are 90 % sparse in every kernel (layerwise, exact counts, magnitude scores). Gradual: cubic schedule inside the training run (the run of toolkit-gradual.md's core loop). ` +
          `One-shot: the dense run's trained weights pruned once; the fine-tune continues the dense run's Adam state for ${FINE_TUNE_EPOCHS} epoch with the masks fixed.`,
      },
      {
        kind: 'table',
        table: {
          title: 'Test accuracy (%)',
          columns: ['method', { key: 'sparsity', header: 'sparsity (from weights)' }, { key: 'epochs', header: 'training epochs' }, { key: 'test', header: 'test %', align: 'right' }, { key: 'seeds', header: 'per seed' }, { key: 'vs gradual', align: 'right' }],
          rows: rows.filter(([group]) => group.length > 0).map(([, row]) => row),
        },
      },
      {
        kind: 'plot',
        title: 'E.4.2 validation accuracy by epoch',
        plot: {
          series: [
            { name: 'dense', points: validationCurve(dense), color: '#888888' },
            { name: 'gradual 90%', points: validationCurve(gradual) },
            { name: `one-shot 90% + fine-tune (epoch ${epochs + 1})`, points: oneShotCurve.filter((p) => p.x >= epochs) },
            { name: 'one-shot 90%, no fine-tune', points: noFineTunePoint },
          ],
          xLabel: 'epoch',
          yLabel: 'validation accuracy (%)',
          markers: true,
        },
        caption: 'Mean over seeds; band: min–max. The one-shot curve starts from the pruned dense network at the end of dense training.',
      },
    ],
  };
  return section;
}

function initSection(runs: readonly RunSummary[], agreement: ToolkitResults['graspAgreement']): ReportSection {
  const dense = accuracies(select(runs, 'gradual-core', 'dense'));
  const rows: Record<string, TableCell>[] = [];
  for (const sparsity of INIT_SPARSITIES) {
    for (const method of INIT_METHODS) {
      const group = select(runs, 'e4.3', method, sparsity);
      if (group.length === 0) continue;
      rows.push({
        sparsity: pct(sparsity, 0),
        method,
        scope: INIT_SCOPES[method],
        test: pctPm(accuracies(group)),
        'vs dense': diffPp(accuracies(group), dense),
        ...layerDensities(group),
        effective: (100 * mean(group.map((r) => (r.initStats ?? r.stats).effectiveDensity))).toFixed(3),
        collapsed: collapsedLayers(group),
      });
    }
  }
  const series: PlotSeries[] = INIT_METHODS.map((method) => ({
    name: `${method} (${INIT_SCOPES[method]})`,
    ...(method === 'grasp-fd' ? { dashed: true } : {}),
    points: INIT_SPARSITIES.map((sparsity) => {
      const values = accuracies(select(runs, 'e4.3', method, sparsity)).map((v) => 100 * v);
      return { x: 100 * (1 - sparsity), y: mean(values), yMin: Math.min(...values), yMax: Math.max(...values) };
    }).filter((p) => Number.isFinite(p.y)),
  }));
  series.push({ name: 'dense', points: [{ x: 100 * (1 - INIT_SPARSITIES[1]), y: 100 * mean(dense) }, { x: 100 * (1 - INIT_SPARSITIES[0]), y: 100 * mean(dense) }], dashed: true, color: '#888888' });

  const section: ReportSection = {
    heading: 'E.4.3 Pruning at initialisation, then training (90 % and 99 %)',
    blocks: [
      {
        kind: 'text',
        text:
          `Masks are computed once on the untrained network and kept fixed while it trains (same seeded initialisation and data order as the dense run). ` +
          `SNIP: |g ⊙ w| on one calibration batch of training images, global. GraSP: θ ⊙ Hg with temperature 200, global, keep the largest, with the exact Hessian-gradient product (double backprop, as the reference Synaptic-Flow code computes it). ` +
          `grasp-fd: the same with graspScorer()'s default finite-difference product, shown beside as what the library default gives${keptInCommonNote(agreement)} (see examples/toolkit/check-grasp.ts and the note under Checks); the claims are judged on the exact variant. ` +
          `SynFlow: data-free, ${SYNFLOW_ROUNDS} rounds, exponential density schedule, global. Random: uniform scores, every layer at the target (layerwise). Magnitude: |w| at init, global. ` +
          `The collapse guard is off (allowLayerCollapse), so what each criterion allocates is what trains. Densities are per layer at initialisation, mean over seeds; ` +
          `effective density counts kept weights lying on some input→output path (a kept weight into a unit with no kept outgoing path, or out of a unit with no kept incoming path, does nothing). ` +
          `Collapsed = a kernel without a single kept weight.`,
      },
      {
        kind: 'table',
        table: {
          title: 'Test accuracy (%) and layer densities at init (%)',
          columns: [
            'sparsity',
            'method',
            'scope',
            { key: 'test', header: 'test %', align: 'right' },
            { key: 'vs dense', align: 'right' },
            { key: 'fc1', header: 'fc1 density %', align: 'right' },
            { key: 'fc2', header: 'fc2 density %', align: 'right' },
            { key: 'fc3', header: 'fc3 density %', align: 'right' },
            { key: 'effective', header: 'effective density %', align: 'right' },
            { key: 'collapsed', header: 'collapsed layers' },
          ],
          rows,
        },
      },
      {
        kind: 'plot',
        title: 'E.4.3 test accuracy after training vs weights remaining',
        plot: { series, xLabel: 'weights remaining (%)', yLabel: 'test accuracy (%)', xScale: 'log', reverseX: true, markers: true },
        caption: 'Mean over seeds; band: min–max. Dashed: the dense network trained alike.',
      },
    ],
  };
  return section;
}

function erkSection(runs: readonly RunSummary[]): ReportSection {
  const rows = ALLOCATIONS.map(({ method }) => {
    const group = select(runs, 'e4.4', method);
    return {
      allocation: method,
      ...layerDensities(group),
      total: group[0] === undefined ? '' : pct(1 - group[0].stats.sparsity, 3),
      test: pctPm(accuracies(group)),
      seeds: perSeed(accuracies(group)),
    };
  });
  const section: ReportSection = {
    heading: 'E.4.4 ERK vs. uniform allocation at 95 %',
    blocks: [
      {
        kind: 'text',
        text:
          `Static sparse training from the seeded initialisation: random masks of exact per-layer density, fixed during training. ${firstLayerNote(runs)} ` +
          `Uniform: every kernel at ${pct(ERK_SPARSITY, 0)}. ERK: Erdős–Rényi-Kernel densities (power scale 1) with the same total budget.`,
      },
      {
        kind: 'table',
        table: {
          title: 'Densities (%) and test accuracy (%)',
          columns: [
            'allocation',
            { key: 'fc1', header: 'fc1 density %', align: 'right' },
            { key: 'fc2', header: 'fc2 density %', align: 'right' },
            { key: 'fc3', header: 'fc3 density %', align: 'right' },
            { key: 'total', header: 'total density', align: 'right' },
            { key: 'test', header: 'test %', align: 'right' },
            { key: 'seeds', header: 'per seed' },
          ],
          rows,
        },
      },
      {
        kind: 'plot',
        title: 'E.4.4 validation accuracy by epoch',
        plot: { series: ALLOCATIONS.map(({ method }) => ({ name: method, points: validationCurve(select(runs, 'e4.4', method)) })), xLabel: 'epoch', yLabel: 'validation accuracy (%)', markers: true },
        caption: 'Mean over seeds; band: min–max.',
      },
    ],
  };
  return section;
}

const DEFAULT_STEP = 1e-3;
const lowestCosine = (row: GraspAgreement): number => Math.min(...Object.values(row.cosine));
const network = (agreement: readonly GraspAgreement[], smooth: boolean): GraspAgreement[] => agreement.filter((row) => row.network.startsWith('smooth') === smooth).sort((a, b) => b.step - a.step);

/** `, and only 39.8 % of …`: how many kept weights the two GraSP variants share on the ReLU MLP at the default step. */
function keptInCommonNote(agreement: ToolkitResults['graspAgreement']): string {
  const row = network(agreement ?? [], false).find((r) => r.step === DEFAULT_STEP);
  return row === undefined ? '' : `; on this ReLU network the two keep ${pct(row.keptInCommon, 1)} of the same weights at 90 % (check-grasp.ts, seed 0)`;
}

/** What check-grasp.ts's rows show, computed from them. */
function graspSentence(agreement: readonly GraspAgreement[]): string {
  const smooth = network(agreement, true);
  const relu = network(agreement, false);
  const listing = (rows: readonly GraspAgreement[]) => rows.map((r) => `${lowestCosine(r).toFixed(4)} at ${r.step}`).join(', ');
  const parts = [`Lowest per-kernel cosine of the two Hg on the smooth twin of the MLP (x + x²/2): ${listing(smooth)}; on the ReLU MLP: ${listing(relu)}.`];
  const smoothAt = smooth.find((r) => r.step === DEFAULT_STEP);
  const reluAt = relu.find((r) => r.step === DEFAULT_STEP);
  if (smoothAt !== undefined && reluAt !== undefined && lowestCosine(smoothAt) >= 0.999 && lowestCosine(reluAt) < 0.99) {
    parts.push(`At the default step the smooth twin agrees (≥ 0.999) and the ReLU MLP does not, so float32 rounding at that step does not explain the gap; the finite differences cross ReLU kinks and pick up curvature that double backprop (ReLU'' = 0) does not have.`);
  }
  const kept = relu.map((r) => r.keptInCommon);
  if (kept.length > 1 && kept.every((v, i) => i === 0 || v < (kept[i - 1] ?? 0))) parts.push(`On the ReLU MLP the weights kept in common fall as the step shrinks (${kept.map((v) => pct(v, 1)).join(' → ')}).`);
  return parts.join(' ');
}

/** The first layer's share of the kernel weights, from the runs' layer statistics. */
function firstLayerNote(runs: readonly RunSummary[]): string {
  const layers = runs[0]?.stats.layers ?? [];
  const first = layers[0];
  const total = layers.reduce((n, l) => n + l.weights, 0);
  if (first === undefined || total === 0) return '';
  const budget = (1 - ERK_SPARSITY) * total;
  return `The first layer holds ${first.weights} of the ${total} kernel weights (${pct(first.weights / total, 0)})${first.weights > budget ? `, more than the whole ${pct(1 - ERK_SPARSITY, 0)} budget (${Math.round(budget)} weights), so RigL's uniform variant (first layer dense) is impossible here` : ''}.`;
}

/** check-grasp.ts's comparison of graspScorer()'s default finite-difference Hg with the exact one. */
function graspBlocks(agreement: ToolkitResults['graspAgreement']): ReportSection['blocks'] {
  if (agreement === undefined || agreement.length === 0) return [];
  return [
    {
      kind: 'text',
      text:
        `GraSP's Hessian-gradient product (check-grasp.ts, seed 0, the calibration batch): graspScorer() computes Hg by central finite differences by default (step 1e-3), the reference code by double backprop (hessian: 'exact' here). ` +
        `${graspSentence(agreement)} ` +
        `The E.4.3 rows named grasp use the exact product; grasp-fd shows what the library default gives.`,
    },
    {
      kind: 'table',
      table: {
        title: 'Finite-difference vs exact GraSP scores',
        columns: ['network', { key: 'step', header: 'finite-difference step', align: 'right' }, { key: 'cosine', header: 'cosine per kernel (fc1, fc2, fc3)' }, { key: 'kept', header: 'weights kept at 90 % in common', align: 'right' }],
        rows: agreement.map((row) => ({
          network: row.network,
          step: row.step === 1e-3 ? '0.001 (default)' : String(row.step),
          cosine: Object.values(row.cosine).map((v) => v.toFixed(4)).join(', '),
          kept: pct(row.keptInCommon, 1),
        })),
      },
    },
  ];
}

/** Exact budgets and masking, checked on every run: what the numbers above stand on. */
function checksSection(runs: readonly RunSummary[], agreement: ToolkitResults['graspAgreement']): ReportSection {
  const sparse = runs.filter((r) => r.target > 0);
  const leaks = sparse.reduce((n, r) => n + r.stats.leaks, 0);
  const problems: string[] = [];
  for (const r of sparse) {
    const scope = r.experiment === 'e4.3' ? INIT_SCOPES[r.method as keyof typeof INIT_SCOPES] : r.experiment === 'e4.4' && r.method === 'ERK' ? 'erk' : 'layerwise';
    const zeros = r.stats.weights - r.stats.kept;
    if (scope === 'layerwise') {
      for (const l of r.stats.layers) if (l.weights - l.kept !== Math.floor(r.target * l.weights)) problems.push(`${r.experiment} ${r.method} seed ${r.seed}: ${l.name} has ${l.weights - l.kept} zeros, expected ${Math.floor(r.target * l.weights)}`);
    } else if (scope === 'global') {
      if (zeros !== Math.floor(r.target * r.stats.weights)) problems.push(`${r.experiment} ${r.method} ${r.target} seed ${r.seed}: ${zeros} zeros, expected ${Math.floor(r.target * r.stats.weights)}`);
    } else {
      const kept = r.stats.layers.reduce((n, l) => n + l.weights - Math.floor(r.target * l.weights), 0);
      if (r.stats.kept !== kept) problems.push(`${r.experiment} ${r.method} seed ${r.seed}: ${r.stats.kept} kept, expected ${kept}`);
    }
    if (r.initStats !== undefined && r.initStats.kept !== r.stats.kept) problems.push(`${r.experiment} ${r.method} seed ${r.seed}: masks changed during training`);
  }
  // One line per run that warned: how many warnings, and the last (iterative SynFlow warns at every round near collapse).
  const warned = runs.filter((r) => (r.warnings ?? []).length > 0);
  const warnings = warned.map((r) => {
    const list = r.warnings ?? [];
    return `${r.experiment} ${r.method} ${pct(r.target, 0)} seed ${r.seed}: ${list.length} warning${list.length === 1 ? '' : 's'}, last "${list[list.length - 1] ?? ''}"`;
  });
  return {
    heading: 'Checks',
    blocks: [
      {
        kind: 'text',
        text:
          `Over the ${sparse.length} sparse runs: ${leaks} pruned weight${leaks === 1 ? '' : 's'} ended non-zero after training (the masked optimizer zeroes gradients and re-applies w ← m ⊙ w after every update). ` +
          `Exact budgets (layerwise: ⌊s·N⌋ zeros in each kernel; global: ⌊s·ΣN⌋ zeros in total; ERK: Σ(N − ⌊s·N⌋) kept): ${problems.length === 0 ? 'all met' : problems.join('; ')}. ` +
          `Pruner warnings: ${warnings.length === 0 ? 'none' : warnings.join('; ')}.`,
      },
      ...graspBlocks(agreement),
    ],
  };
}

/** The E.4 page as a Report; `claims` are e4Claims(results), printed as the page's verdict table. */
export function e4Report(results: ToolkitResults, claims: readonly ResultsClaim[]): Report {
  const { settings, runs } = results;
  const seeds = settings.seeds.length;
  const kernelWeights = (runs[0]?.stats.layers ?? []).reduce((n, l) => n + l.weights, 0);
  return {
    title: 'Spec E.4 on Fashion-MNIST: gradual vs. one-shot, pruning at init, ERK vs. uniform',
    subtitle:
      `Issue #3. ${seeds} seed${seeds === 1 ? '' : 's'} (${settings.seeds.join(', ')}); every run trains ${plural(settings.epochs, 'epoch')}; backend ${results.backend}; ` +
      `the whole command (this report and toolkit-gradual.md) took ${minutes(results.seconds)} ${results.machine === undefined ? 'on a machine the raw data do not name' : `on ${results.machine.cores} cores (${results.machine.cpu}) at load ${(results.loadAverage ?? []).map((load) => load.toFixed(1)).join(' / ')}`}, finished ${results.finishedAt}. Provenance, the command and the raw results: see below.`,
    sections: [
      {
        heading: 'Setup',
        blocks: [
          {
            kind: 'text',
            text:
              `Data: Fashion-MNIST (${results.data.source}), ${results.data.train} training / ${results.data.validation} validation / ${results.data.test} test images. ` +
              `Model: MLP 784-300-100-10 (ReLU), Glorot-uniform kernels from the seed, zero biases; only the three kernels are pruned (${kernelWeights} weights). ` +
              `Training: Adam ${settings.learningRate}, batch ${settings.batchSize}, ${plural(settings.epochs, 'epoch')}, core train() (withMasks: masked gradients, w ← m ⊙ w after each update), seeded data order. ` +
              `Sparsity is exact (exact-count selection, ties by index). Accuracy is on the ${results.data.test} test images after the last epoch.`,
          },
        ],
      },
      {
        heading: 'Expectations of spec E.4',
        blocks: [
          { kind: 'text', text: `${seedSentence(runs)} ${RULE}` },
          { kind: 'table', table: { columns: ['paper', { key: 'claim', header: 'expectation' }, { key: 'result', header: 'measured (mean ± sd over seeds)' }, 'verdict'], rows: claims.map((c): Record<string, TableCell> => ({ paper: c.paper, claim: c.claim, result: c.result, verdict: c.verdict })) } },
        ],
      },
      gradualSection(runs, settings.epochs),
      initSection(runs, results.graspAgreement),
      erkSection(runs),
      checksSection(runs, results.graspAgreement),
    ],
  };
}
