/** Builds the docs/results/activation.md report from the experiment's results (see experiment.ts). */
import type { PlotSeries, Report, ReportBlock, TableCell } from '@sparse/experiments';

export interface PhaseTime {
  readonly name: string;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

export interface MethodResult {
  readonly method: string;
  readonly target: number;
  readonly accuracy: number;
  readonly drop: number;
  readonly testSparsity: readonly { readonly site: string; readonly sparsity: number }[];
  readonly calibrationSparsity: readonly { readonly site: string; readonly sparsity: number }[];
  readonly blockErrors: readonly { readonly block: string; readonly relativeError: number }[];
  readonly skippableFraction: number;
}

export interface ExperimentResults {
  readonly settings: Record<string, unknown> & { readonly quick: boolean; readonly targets: readonly number[]; readonly calibrationCount: number; readonly testCount: number; readonly trainCount: number; readonly backend: string; readonly seed: number };
  readonly mlp: {
    readonly history: readonly { epoch: number; accuracy: number }[];
    readonly denseAccuracy: number;
    readonly naturalSparsity: readonly number[];
    readonly results: readonly MethodResult[];
    readonly reluSwap: { readonly accuracy: number; readonly sparsity: readonly number[]; readonly skippableFraction: number };
    readonly fineTuned: readonly { target: number; lr: number; before: number; after: number; sparsity: number[] }[];
    readonly flopsPerExample: number;
  };
  readonly vit: {
    readonly history: readonly { epoch: number; accuracy: number }[];
    readonly denseAccuracy: number;
    readonly results: readonly MethodResult[];
    readonly flopsPerExample: number;
  };
  readonly lazy: readonly {
    readonly width: number;
    readonly points: readonly { epoch: number; testNonzero: number; trainNonzero: number; accuracy: number }[];
    readonly topK: readonly { k: number; accuracy: number }[];
  }[];
  readonly phases: readonly PhaseTime[];
}

const pct = (value: number, digits = 2): string => (100 * value).toFixed(digits);
const pt = (value: number): string => `${value >= 0 ? '' : '-'}${Math.abs(100 * value).toFixed(2)}`;
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const text = (t: string): ReportBlock => ({ kind: 'text', text: t });

function find(results: readonly MethodResult[], method: string, target: number): MethodResult | undefined {
  return results.find((r) => r.method === method && r.target === target);
}

function methodTable(results: readonly MethodResult[], blocks: string): ReportBlock {
  const rows: Record<string, TableCell>[] = results.map((r) => ({
    method: r.method,
    target: `${pct(r.target, 0)} %`,
    accuracy: pct(r.accuracy),
    drop: pt(r.drop),
    test: r.testSparsity.map((s) => pct(s.sparsity, 1)).join(' / '),
    worst: (100 * Math.max(...r.testSparsity.map((s) => Math.abs(s.sparsity - r.target)))).toFixed(2),
    calib: r.calibrationSparsity.map((s) => pct(s.sparsity, 2)).join(' / '),
    error: r.blockErrors.filter((b) => b.relativeError > 0 || blocks === 'all').map((b) => b.relativeError.toFixed(3)).join(' / '),
    flops: pct(r.skippableFraction, 1),
  }));
  return {
    kind: 'table',
    table: {
      columns: [
        'method',
        'target',
        { key: 'accuracy', header: 'test acc. (%)' },
        { key: 'drop', header: 'drop (pt)' },
        { key: 'test', header: 'realized sparsity per site, test (%)' },
        { key: 'worst', header: 'max |realized - target| (pt)' },
        { key: 'calib', header: 'realized, calibration set (%)' },
        { key: 'error', header: 'block rel. error' },
        { key: 'flops', header: 'skippable FLOPs (%)' },
      ],
      rows,
    },
  };
}

function accuracyPlot(title: string, results: readonly MethodResult[], dense: number, methods: readonly string[]): ReportBlock {
  const targets = [...new Set(results.map((r) => r.target))].sort();
  const series: PlotSeries[] = methods.map((method) => ({
    name: method,
    points: results.filter((r) => r.method === method).map((r) => ({ x: 100 * mean(r.testSparsity.map((s) => s.sparsity)), y: 100 * r.accuracy })),
  }));
  series.push({ name: 'dense', dashed: true, color: '#777777', points: [{ x: 100 * Math.min(...targets) - 5, y: 100 * dense }, { x: 100 * Math.max(...targets) + 5, y: 100 * dense }] });
  return { kind: 'plot', title, plot: { series, xLabel: 'realized activation sparsity on test data (%)', yLabel: 'test accuracy (%)' } };
}

function errorPlot(title: string, results: readonly MethodResult[], methods: readonly string[], blockFilter: (block: string) => boolean): ReportBlock {
  const series: PlotSeries[] = methods.map((method) => ({
    name: method,
    points: results.filter((r) => r.method === method).map((r) => ({ x: 100 * mean(r.testSparsity.map((s) => s.sparsity)), y: mean(r.blockErrors.filter((b) => blockFilter(b.block)).map((b) => b.relativeError)) })),
  }));
  return { kind: 'plot', title, plot: { series, xLabel: 'realized activation sparsity on test data (%)', yLabel: 'mean relative block-output error' } };
}

function compare(a: number, b: number, lower: string, higher: string): string {
  return a < b ? lower : a > b ? higher : 'equal to';
}

/** Statements read off the numbers, so that they stay true when the report is regenerated. */
function findings(results: ExperimentResults): string[] {
  const { mlp, vit, lazy, settings } = results;
  const lines: string[] = [];
  const cats = settings.targets.map((t) => find(mlp.results, 'CATS', t));
  const chess = settings.targets.map((t) => find(mlp.results, 'CHESS', t));
  const targetsText = settings.targets.map((t) => pct(t, 0)).join(' / ');
  const drops = cats.map((r) => (r === undefined ? Number.NaN : r.drop));
  const monotone = drops.every((d, i) => i === 0 || d >= (drops[i - 1] ?? 0));
  lines.push(`Gated MLP, CATS without fine-tuning: accuracy drops ${drops.map((d) => pt(d)).join(' / ')} pt at ${targetsText} % (${monotone ? 'monotone in the target' : 'not monotone in the target'}); realized test sparsity per block stays within ${(100 * Math.max(...cats.flatMap((r) => (r === undefined ? [] : r.testSparsity.map((x) => Math.abs(x.sparsity - r.target)))))).toFixed(2)} pt of the target at every level.`);
  const chessLines = settings.targets.map((t, i) => {
    const c = cats[i];
    const h = chess[i];
    if (c === undefined || h === undefined) return '';
    const ce = mean(c.blockErrors.map((b) => b.relativeError));
    const he = mean(h.blockErrors.map((b) => b.relativeError));
    return `at ${pct(t, 0)} % CHESS's mean block error ${he.toFixed(3)} is ${compare(he, ce, 'lower than', 'higher than')} CATS's ${ce.toFixed(3)} and its accuracy ${pct(h.accuracy)} % is ${compare(h.accuracy, c.accuracy, 'lower than', 'higher than')} CATS's ${pct(c.accuracy)} %`;
  });
  lines.push(`CHESS vs CATS at equal sparsity: ${chessLines.filter((l) => l !== '').join('; ')}.`);
  const swapSparsity = mean(mlp.reluSwap.sparsity);
  const nearest = [...mlp.results].filter((r) => r.method === 'CATS').sort((a, b) => Math.abs(a.target - swapSparsity) - Math.abs(b.target - swapSparsity))[0];
  if (nearest !== undefined) {
    lines.push(`Naive ReLU swap (SiLU replaced by ReLU in the gates, no fine-tuning): ${pct(swapSparsity, 1)} % realized sparsity at ${pct(mlp.reluSwap.accuracy)} % accuracy (drop ${pt(mlp.denseAccuracy - mlp.reluSwap.accuracy)} pt), against CATS at ${pct(nearest.target, 0)} %: ${pct(nearest.accuracy)} % (drop ${pt(nearest.drop)} pt).`);
  }
  if (mlp.fineTuned.length > 0) {
    lines.push(`CATS fine-tuning (one epoch, thresholds in place): ${mlp.fineTuned.map((f) => `${pct(f.target, 0)} % at lr ${f.lr.toExponential(0)}: ${pct(f.before)} -> ${pct(f.after)} %`).join('; ')} (dense ${pct(mlp.denseAccuracy)} %).`);
  }
  const vitLine = settings.targets.map((t) => {
    const parts = ['CATS (MLP)', 'CHESS (MLP)', 'CATS (MLP + attention)', 'CHESS+'].map((m) => {
      const r = find(vit.results, m, t);
      return r === undefined ? '' : `${m} ${pct(r.accuracy)} %`;
    });
    return `${pct(t, 0)} %: ${parts.filter((x) => x !== '').join(', ')}`;
  });
  lines.push(`ViT (dense ${pct(vit.denseAccuracy)} %), test accuracy by target: ${vitLine.join('; ')}.`);
  for (const run of lazy) {
    const first = run.points[0];
    const last = run.points.at(-1);
    const lowest = [...run.points].sort((a, b) => a.testNonzero - b.testNonzero)[0];
    if (first === undefined || last === undefined || lowest === undefined) continue;
    lines.push(`Lazy neurons, width ${run.width}: ${pct(first.testNonzero, 1)} % nonzero at initialisation, ${pct(last.testNonzero, 1)} % after ${last.epoch} epochs (lowest ${pct(lowest.testNonzero, 1)} % after epoch ${lowest.epoch}).`);
  }
  if (lazy.length >= 2) {
    const ends = lazy.map((run) => ({ width: run.width, nonzero: run.points.at(-1)?.testNonzero ?? Number.NaN })).sort((a, b) => a.width - b.width);
    const widerSparser = ends.every((e, i) => i === 0 || e.nonzero < (ends[i - 1]?.nonzero ?? 0));
    lines.push(`After training, the wider MLP has ${widerSparser ? 'the lower' : 'not the lower'} fraction of nonzero activations (${ends.map((e) => `width ${e.width}: ${pct(e.nonzero, 1)} %`).join(', ')}).`);
  }
  return lines;
}

export function buildReport(results: ExperimentResults): Report {
  const { settings, mlp, vit, lazy, phases } = results;
  const cats50 = find(mlp.results, 'CATS', 0.5);
  const worst50 = cats50 === undefined ? Number.NaN : Math.max(...cats50.testSparsity.map((s) => Math.abs(s.sparsity - 0.5)));
  const sparsityOk = worst50 <= 0.03;
  const accuracyOk = cats50 !== undefined && cats50.drop <= 0.015;
  const cpu = phases.reduce((s, p) => s + p.cpuSeconds, 0);
  const wall = phases.reduce((s, p) => s + p.wallSeconds, 0);
  const timeOk = cpu <= 20 * 60;
  const chessVsCats = settings.targets.map((target) => {
    const cats = find(mlp.results, 'CATS', target);
    const chess = find(mlp.results, 'CHESS', target);
    return {
      target: `${pct(target, 0)} %`,
      catsSparsity: cats === undefined ? '' : pct(mean(cats.testSparsity.map((s) => s.sparsity)), 1),
      chessSparsity: chess === undefined ? '' : pct(mean(chess.testSparsity.map((s) => s.sparsity)), 1),
      catsError: cats === undefined ? '' : mean(cats.blockErrors.map((b) => b.relativeError)).toFixed(3),
      chessError: chess === undefined ? '' : mean(chess.blockErrors.map((b) => b.relativeError)).toFixed(3),
      catsAccuracy: cats === undefined ? '' : pct(cats.accuracy),
      chessAccuracy: chess === undefined ? '' : pct(chess.accuracy),
    };
  });
  const lazyPlot: PlotSeries[] = lazy.flatMap((run) => [
    { name: `width ${run.width}, test`, points: run.points.map((p) => ({ x: p.epoch, y: 100 * p.testNonzero })) },
    { name: `width ${run.width}, train subset`, dashed: true, points: run.points.map((p) => ({ x: p.epoch, y: 100 * p.trainNonzero })) },
  ]);
  return {
    title: 'Activation sparsity: CATS, CHESS, CHESS+ and lazy neurons on Fashion-MNIST',
    subtitle: `Generated by pnpm --filter @sparse/activation experiment (examples/activation/experiment.ts). ${settings.quick ? 'QUICK SMOKE RUN on the bundled subset: not the reference numbers.' : ''}`.trim(),
    sections: [
      {
        heading: 'Summary',
        blocks: [
          text(
            `Data: Fashion-MNIST, ${settings.trainCount} training and ${settings.testCount} test images; thresholds calibrated on ${settings.calibrationCount} random training images (seed ${settings.seed}); every accuracy and realized sparsity below is measured on the ${settings.testCount} test images, with no fine-tuning unless stated. Backend: ${settings.backend}, one process.`,
          ),
          {
            kind: 'table',
            table: {
              columns: ['check', 'bound', 'measured', 'result'],
              rows: [
                { check: 'CATS 50 %: realized sparsity per layer on test data', bound: 'within 3 pt of 50 %', measured: cats50 === undefined ? 'n/a' : `${cats50.testSparsity.map((s) => pct(s.sparsity, 2)).join(' / ')} % (worst ${(100 * worst50).toFixed(2)} pt)`, result: sparsityOk ? 'met' : 'NOT met' },
                { check: 'CATS 50 %: accuracy cost on the gated MLP', bound: '<= 1.5 pt', measured: cats50 === undefined ? 'n/a' : `${pt(cats50.drop)} pt (${pct(mlp.denseAccuracy)} -> ${pct(cats50.accuracy)} %)`, result: accuracyOk ? 'met' : 'NOT met' },
                { check: 'whole experiment, CPU time of this process', bound: '<= ~20 min on one core', measured: `${(cpu / 60).toFixed(1)} min CPU (${(wall / 60).toFixed(1)} min wall on a shared machine)`, result: timeOk ? 'met' : 'NOT met' },
              ],
            },
          },
          text(
            'Definitions. Zeroing rule: an activation is zeroed when |a| <= t. Exact quantile: t is the m-th smallest calibration magnitude with m = round(target x n), so on the calibration values exactly m are zeroed when they have no ties (ties at t are zeroed together). Realized sparsity: the fraction of exactly-zero entries of the sparsified activation. Block relative error: sqrt(sum ||y_sparse - y_dense||^2 / sum ||y_dense||^2) over the test set, where both outputs of a block are computed from the same (sparse model\'s) block input. Skippable FLOPs: the multiply-adds that read a zeroed activation (for a gate entry: its column of W_up and row of W_down; for an attention input: its row of W_q or W_o), as a fraction of the dense forward FLOPs of the whole model; operation counts, not measured latency.',
          ),
        ],
      },
      {
        heading: 'Findings',
        blocks: findings(results).map(text),
      },
      {
        heading: 'Gated MLP (SwiGLU): CATS and CHESS without fine-tuning',
        blocks: [
          text(
            `Model: 784 -> 128, 3 residual SwiGLU blocks (RMSNorm, hidden 512), RMSNorm, 128 -> 10; ${(mlp.flopsPerExample / 1e6).toFixed(2)} MFLOP per example. Trained dense for ${mlp.history.length} epochs (Adam, batch 128, cosine learning rate): test accuracy per epoch ${mlp.history.map((h) => pct(h.accuracy)).join(', ')} %. Dense accuracy ${pct(mlp.denseAccuracy)} %; natural sparsity of SiLU(gate): ${mlp.naturalSparsity.map((s) => pct(s, 2)).join(' / ')} %.`,
          ),
          text(
            'Methods. CATS: one exact-quantile threshold per block on |SiLU(x W_gate)|. CATS histogram: the CATS code\'s histogram (999 bins, edges [-inf, linspace(-1, 1, 998), +inf]). CATS per channel: one exact quantile per hidden channel. CHESS: channel thresholds t_i = tau / mean|up_i| with tau the exact quantile of |g_i| mean|up_i|. CHESS mean of batches: tau as CHESS computes it, the mean of per-batch quantiles (batches of 100 images). Site columns read block0 / block1 / block2. On the calibration set block0 hits the target exactly (up to the 1/n rounding); the later blocks differ slightly because, as in CATS and CHESS, all statistics are recorded in one pass on the dense model, while in the sparsified model the input of block i already carries the error of blocks before it.',
          ),
          methodTable(mlp.results, 'all'),
          accuracyPlot('Gated MLP accuracy vs activation sparsity', mlp.results, mlp.denseAccuracy, ['CATS', 'CATS histogram', 'CATS per channel', 'CHESS', 'CHESS mean of batches']),
          errorPlot('Gated MLP block-output error vs activation sparsity', mlp.results, ['CATS', 'CATS per channel', 'CHESS'], () => true),
          {
            kind: 'table',
            table: {
              title: 'Naive ReLU swap: the same trained weights with ReLU instead of SiLU in the gates, no fine-tuning',
              columns: [{ key: 'accuracy', header: 'test acc. (%)' }, { key: 'drop', header: 'drop (pt)' }, { key: 'sparsity', header: 'realized sparsity per block, test (%)' }, { key: 'flops', header: 'skippable FLOPs (%)' }],
              rows: [{ accuracy: pct(mlp.reluSwap.accuracy), drop: pt(mlp.denseAccuracy - mlp.reluSwap.accuracy), sparsity: mlp.reluSwap.sparsity.map((x) => pct(x, 1)).join(' / '), flops: pct(mlp.reluSwap.skippableFraction, 1) }],
            },
          },
        ],
      },
      {
        heading: 'CHESS vs CATS at equal sparsity (gated MLP)',
        blocks: [
          text(`Both calibrated to the same target on the same ${settings.calibrationCount} images; block error is the mean over the three blocks of the relative error of the block output on test data.`),
          {
            kind: 'table',
            table: {
              columns: [
                'target',
                { key: 'catsSparsity', header: 'CATS realized (%)' },
                { key: 'chessSparsity', header: 'CHESS realized (%)' },
                { key: 'catsError', header: 'CATS block error' },
                { key: 'chessError', header: 'CHESS block error' },
                { key: 'catsAccuracy', header: 'CATS acc. (%)' },
                { key: 'chessAccuracy', header: 'CHESS acc. (%)' },
              ],
              rows: chessVsCats,
            },
          },
        ],
      },
      {
        heading: 'CATS fine-tuning with thresholds in place (gated MLP)',
        blocks: [
          text('The CATS fine-tuning variant: one epoch of training of all parameters with the CATS thresholds fixed and applied (zeroed activations pass no gradient), through the core train loop with Adam, starting each time from the dense model. Two learning rates: 5e-5, where the dense training\'s cosine schedule ended, and 4x that.'),
          {
            kind: 'table',
            table: {
              columns: ['target', { key: 'lr', header: 'learning rate' }, { key: 'before', header: 'acc. before (%)' }, { key: 'after', header: 'acc. after (%)' }, { key: 'sparsity', header: 'realized sparsity after, test (%)' }],
              rows: mlp.fineTuned.map((f) => ({ target: `${pct(f.target, 0)} %`, lr: f.lr.toExponential(0), before: pct(f.before), after: pct(f.after), sparsity: f.sparsity.map((s) => pct(s, 1)).join(' / ') })),
            },
          },
        ],
      },
      {
        heading: 'Vision transformer: CHESS+',
        blocks: [
          text(
            `Model: 16 patches of 7x7 -> d 64 with learned positions, 2 pre-norm layers (4-head attention, SwiGLU MLP with hidden 128, RMSNorm), mean pooling, linear head; ${(vit.flopsPerExample / 1e6).toFixed(2)} MFLOP per example. Trained dense for ${vit.history.length} epochs: test accuracy per epoch ${vit.history.map((h) => pct(h.accuracy)).join(', ')} %; dense ${pct(vit.denseAccuracy)} %. Sites per layer: attn/q_input (the query projection's input; keys and values use the dense input), attn/o_input (the output projection's input), mlp/gate. CHESS+ = CHESS channel thresholds on the MLP gates plus one exact-quantile threshold on each attention input. Realized-sparsity columns list the sparsified sites in forward order (MLP-only methods: layer0/mlp/gate / layer1/mlp/gate; with attention: layer0 q_input / o_input / mlp/gate, then the same for layer1); block errors read layer0/attn / layer0/mlp / layer1/attn / layer1/mlp (0 for a block left dense).`,
          ),
          methodTable(vit.results, 'all'),
          accuracyPlot('ViT accuracy vs activation sparsity', vit.results, vit.denseAccuracy, ['CATS (MLP)', 'CHESS (MLP)', 'CATS (MLP + attention)', 'CHESS+']),
        ],
      },
      {
        heading: 'Lazy neurons: nonzero post-ReLU activations during training',
        blocks: [
          text(
            'A 2-layer ReLU MLP (784 -> width -> 10) trained dense with Adam; after each epoch (epoch 0 = at initialisation) the percentage of nonzero entries of the post-ReLU hidden activation, averaged over examples, on the test set and on 5,000 held-back training images.',
          ),
          { kind: 'plot', title: 'Nonzero hidden activations per epoch', plot: { series: lazyPlot, xLabel: 'epoch', yLabel: 'nonzero post-ReLU activations (%)' } },
          {
            kind: 'table',
            table: {
              columns: ['epoch', ...lazy.flatMap((run) => [{ key: `nz${run.width}`, header: `width ${run.width}: nonzero, test (%)` }, { key: `acc${run.width}`, header: `width ${run.width}: test acc. (%)` }])],
              rows: (lazy[0]?.points ?? []).map((_, i) => {
                const row: Record<string, TableCell> = { epoch: lazy[0]?.points[i]?.epoch ?? i };
                for (const run of lazy) {
                  const p = run.points[i];
                  row[`nz${run.width}`] = p === undefined ? '' : pct(p.testNonzero, 1);
                  row[`acc${run.width}`] = p === undefined ? '' : pct(p.accuracy);
                }
                return row;
              }),
            },
          },
          ...lazy
            .filter((run) => run.topK.length > 0)
            .map(
              (run): ReportBlock => ({
                kind: 'table',
                table: {
                  title: `Top-k at inference on the trained width-${run.width} MLP (k largest post-ReLU activations per example kept, ties by index; dense ${pct(run.points.at(-1)?.accuracy ?? 0)} %)`,
                  columns: ['k', { key: 'kept', header: 'kept (%)' }, { key: 'accuracy', header: 'test acc. (%)' }],
                  rows: run.topK.map((t) => ({ k: t.k, kept: pct(t.k / run.width, 1), accuracy: pct(t.accuracy) })),
                },
              }),
            ),
        ],
      },
      {
        heading: 'Time',
        blocks: [
          {
            kind: 'table',
            table: {
              columns: ['phase', { key: 'cpu', header: 'CPU (s)' }, { key: 'wall', header: 'wall (s)' }],
              rows: [...phases.map((p) => ({ phase: p.name, cpu: p.cpuSeconds.toFixed(1), wall: p.wallSeconds.toFixed(1) })), { phase: 'total', cpu: cpu.toFixed(1), wall: wall.toFixed(1) }],
            },
          },
          text('CPU time is user + system time of the process (the wasm backend runs on one thread in Node), the honest measure of the one-core budget on a machine shared with other jobs; wall time is what this run took under that sharing.'),
          text(`Settings: ${JSON.stringify(settings)}`),
        ],
      },
    ],
  };
}
