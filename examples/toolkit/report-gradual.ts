/** docs/results/toolkit-gradual.md: gradual magnitude pruning to 90 % inside model.fit and inside core's loop. */
import type { PlotSeries, Report, ResultsClaim, TableCell } from '@sparse/experiments';
import { RULE, scheduleAgreement, seedSentence, versus } from './claims.js';
import { accuracies, diffPp, mean, minutes, pct, pctPm, perSeed, plural, select, validationCurve } from './report-common.js';
import type { RunSummary, ToolkitResults } from './run-summary.js';

const INTEGRATIONS = [
  { experiment: 'gradual-fit', label: 'model.fit + pruningCallback (tfjs-layers)', schedule: 'polynomialDecay (tfmot PolynomialDecay, power 3)' },
  { experiment: 'gradual-core', label: 'core train() (withMasks)', schedule: 'cubicSparsity (Zhu & Gupta)' },
] as const;

function layerSparsities(run: RunSummary | undefined): string {
  if (run === undefined) return '';
  return run.stats.layers.map((l) => `${l.name.replace('/kernel', '')} ${l.weights - l.nonzero}/${l.weights}`).join(', ');
}

/** Whether the two schedules coincided, from every seed's mask updates. */
function scheduleSentence(runs: readonly RunSummary[]): string {
  const a = scheduleAgreement(runs);
  if (a.compared === 0) return 'The raw data do not hold both schedules.';
  return a.same
    ? `Over ${plural(a.compared, 'seed')}, the tfmot polynomial schedule in model.fit and the cubic schedule in the core loop made the same ${a.updates} updates at the same steps (largest target difference ${a.maxDifference === 0 ? '0' : a.maxDifference.toExponential(1)}).`
    : `The two schedules' mask updates differ (largest target difference ${a.maxDifference.toExponential(1)} over ${plural(a.compared, 'seed')}).`;
}

/** What the pruned weights say about the sparsity reached, over every gradual run of both integrations. */
function exactness(runs: readonly RunSummary[]): string {
  const gradual = INTEGRATIONS.flatMap(({ experiment }) => select(runs, experiment, 'gradual'));
  const zeros = [...new Set(gradual.map((r) => r.stats.weights - r.stats.layers.reduce((n, l) => n + l.nonzero, 0)))];
  const weights = gradual[0]?.stats.weights ?? 0;
  const leaks = gradual.reduce((n, r) => n + r.stats.leaks, 0);
  return zeros.length === 1
    ? `Every gradual run (both integrations, every seed) ends with exactly ${zeros[0]} of ${weights} kernel weights equal to 0 (${pct((zeros[0] ?? 0) / weights, 4)}), and ${leaks} pruned weight${leaks === 1 ? '' : 's'} not zero.`
    : `The gradual runs end with different zero counts: ${zeros.join(', ')} of ${weights}.`;
}

/** The gradual page as a Report; `claims` are gradualClaims(results), printed as the page's verdict table. */
export function gradualReport(results: ToolkitResults, claims: readonly ResultsClaim[]): Report {
  const { settings, plan, runs } = results;
  const seeds = settings.seeds.length;
  const rows: Record<string, TableCell>[] = INTEGRATIONS.map(({ experiment, label }) => {
    const dense = select(runs, experiment, 'dense');
    const gradual = select(runs, experiment, 'gradual');
    const sparsities = [...new Set(gradual.map((r) => r.stats.weightSparsity.toFixed(6)))];
    return {
      integration: label,
      dense: pctPm(accuracies(dense)),
      gradual: pctPm(accuracies(gradual)),
      drop: diffPp(accuracies(gradual), accuracies(dense)),
      sparsity: sparsities.join(', '),
      zeros: layerSparsities(gradual[0]),
      leaks: gradual.reduce((total, r) => total + r.stats.leaks, 0),
      time: `${minutes(mean(dense.map((r) => r.seconds)))} / ${minutes(mean(gradual.map((r) => r.seconds)))}`,
    };
  });
  const seedRows = INTEGRATIONS.flatMap(({ experiment, label }) =>
    settings.seeds.map((seed) => {
      const dense = select(runs, experiment, 'dense').find((r) => r.seed === seed);
      const gradual = select(runs, experiment, 'gradual').find((r) => r.seed === seed);
      return {
        integration: label,
        seed,
        dense: dense === undefined ? '' : (100 * dense.testAccuracy).toFixed(2),
        gradual: gradual === undefined ? '' : (100 * gradual.testAccuracy).toFixed(2),
        'mask updates': gradual?.prunes?.length ?? '',
        'sparsity (weights)': gradual === undefined ? '' : gradual.stats.weightSparsity.toFixed(6),
        'removable (whole neurons)': gradual === undefined ? '' : pct(gradual.stats.removableFraction),
      };
    }),
  );
  const schedule: PlotSeries[] = INTEGRATIONS.map(({ experiment, label }, index) => {
    const prunes = select(runs, experiment, 'gradual')[0]?.prunes ?? [];
    return { name: label, points: prunes.map((p) => ({ x: p.step, y: 100 * p.sparsity })), ...(index === 1 ? { dashed: true } : {}) };
  });
  const curves: PlotSeries[] = INTEGRATIONS.flatMap(({ experiment, label }, index) => [
    { name: `${label}: dense`, points: validationCurve(select(runs, experiment, 'dense')), ...(index === 1 ? { dashed: true } : {}) },
    { name: `${label}: gradual 90%`, points: validationCurve(select(runs, experiment, 'gradual')), ...(index === 1 ? { dashed: true } : {}) },
  ]);
  const fit = accuracies(select(runs, 'gradual-fit', 'gradual'));
  const core = accuracies(select(runs, 'gradual-core', 'gradual'));
  const totalSteps = settings.epochs * results.stepsPerEpoch;
  return {
    title: 'Gradual magnitude pruning to 90 % on Fashion-MNIST: inside model.fit and inside the core loop',
    subtitle:
      `Issue #3. ${seeds} seed${seeds === 1 ? '' : 's'} (${settings.seeds.join(', ')}), ${plural(settings.epochs, 'epoch')} per run, ` +
      `backend ${results.backend}; the whole command (this report and toolkit-e4.md) took ${minutes(results.seconds)} ${results.machine === undefined ? 'on a machine the raw data do not name' : `on ${results.machine.cores} cores (${results.machine.cpu}) at load ${(results.loadAverage ?? []).map((load) => load.toFixed(1)).join(' / ')}`}, finished ${results.finishedAt}. Provenance, the command and the raw results: see below.`,
    sections: [
      {
        heading: 'Claims',
        blocks: [
          { kind: 'text', text: `${seedSentence(runs)} ${RULE}` },
          { kind: 'table', table: { columns: ['paper', 'claim', { key: 'result', header: 'result (mean ± sd over seeds)' }, 'verdict'], rows: claims.map((c) => ({ paper: c.paper, claim: c.claim, result: c.result, verdict: c.verdict })) } },
        ],
      },
      {
        heading: 'Setup',
        blocks: [
          {
            kind: 'text',
            text:
              `Data: Fashion-MNIST (${results.data.source}), ${results.data.train} training / ${results.data.validation} validation (a fixed seeded split of the 60k training images) / ${results.data.test} test images, pixels in [0, 1]. ` +
              `Model: MLP 784-300-100-10 (ReLU), Glorot-uniform kernels drawn from the seed, zero biases; the tfjs-layers model and the plain-variable model get the same initial weights and see the same batches in the same order. ` +
              `Training: Adam ${settings.learningRate}, batch ${settings.batchSize}, ${plural(settings.epochs, 'epoch')} (${totalSteps} steps). ` +
              `Pruning: magnitude scores, exact-count layerwise pruner (every kernel to exactly ⌊0.9·N⌋ zeros; biases are not pruned), ` +
              `schedule from 0 to 90 % over steps ${plan.begin}–${plan.end}, mask updated every ${plan.frequency} steps (${plan.pruningSteps + 1} updates), then ${totalSteps - plan.end} steps at 90 %. ` +
              `model.fit uses tfmot's PolynomialDecay (polynomialDecay, power 3) through pruningCallback, with the model compiled with withMasks(adam) so gradients of pruned weights are masked too; ` +
              `the core loop uses Zhu & Gupta's cubicSparsity with the same begin, frequency and end (the two formulas coincide). ` +
              `Sparsity is counted from the trained weights themselves (weights exactly 0); "pruned weights not zero" counts weights whose mask is 0 but whose value is not (must be 0).`,
          },
        ],
      },
      {
        heading: 'Results',
        blocks: [
          {
            kind: 'table',
            table: {
              title: `Test accuracy (%), mean ± sd over ${seeds} seed${seeds === 1 ? '' : 's'}`,
              columns: [
                { key: 'integration', header: 'integration' },
                { key: 'dense', header: 'dense baseline', align: 'right' },
                { key: 'gradual', header: 'gradual 90 %', align: 'right' },
                { key: 'drop', header: 'vs dense', align: 'right' },
                { key: 'sparsity', header: 'final sparsity (from weights)', align: 'right' },
                { key: 'zeros', header: 'zeros per kernel' },
                { key: 'leaks', header: 'pruned weights not zero', align: 'right' },
                { key: 'time', header: 'time dense / gradual' },
              ],
              rows,
            },
          },
          { kind: 'table', table: { title: 'Per seed', columns: ['integration', 'seed', 'dense', 'gradual', 'mask updates', 'sparsity (weights)', 'removable (whole neurons)'], rows: seedRows } },
          {
            kind: 'text',
            text:
              `${exactness(runs)} ` +
              `Gradual pruning inside model.fit vs inside the core loop: ${versus(fit, core, ['model.fit', 'core loop'])} (per seed ${perSeed(fit)} and ${perSeed(core)}); ` +
              `verdict: ${claims.find((c) => c.claim.startsWith('Gradual pruning inside model.fit'))?.verdict ?? 'not tested'}. Same initial weights, same batches, same schedule: the two differ only in the loss (tfjs-layers' categorical cross-entropy on softmax outputs, with probability clipping, vs. softmax cross-entropy on logits) and in floating-point order.`,
          },
          {
            kind: 'plot',
            title: 'Target sparsity at each mask update',
            plot: { series: schedule, xLabel: 'training step', yLabel: 'target sparsity (%)', markers: true },
            caption: `The sparsity each mask update pruned to (first seed). ${scheduleSentence(runs)}`,
          },
          {
            kind: 'plot',
            title: 'Validation accuracy by epoch',
            plot: { series: curves, xLabel: 'epoch', yLabel: 'validation accuracy (%)', markers: true },
            caption: 'Mean over seeds, min–max as the band. Dashed: the core loop.',
          },
        ],
      },
    ],
  };
}
