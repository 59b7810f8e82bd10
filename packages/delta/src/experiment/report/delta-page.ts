import { compareSeeds, claimVerdict, insertAfterTitle, provenanceMarkdown, renderMarkdownReport, seedStats, type PlotSeries, type Report, type ReportBlock, type ResultsClaim, type ResultsProvenance, type Table } from '@sparse/experiments';
import type { DeltaRow } from '../raw-rows.js';
import { varianceTable } from './results-tables.js';

type Row<P extends DeltaRow['phase']> = Extract<DeltaRow, { phase: P }>;

const pts = (value: number): string => (100 * value).toFixed(2);
const avg = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${pts(value)}`;

/** Mean ± sd (percent) of per-seed values, with the number of seeds. */
function spread(values: readonly number[]): string {
  if (values.length === 0) return '';
  const stats = seedStats(values);
  return values.length > 1 ? `${pts(stats.mean)} ± ${pts(stats.sd)}` : pts(stats.mean);
}

function pick<P extends DeltaRow['phase']>(rows: readonly DeltaRow[], phase: P): Row<P>[] {
  return rows.filter((row): row is Row<P> => row.phase === phase);
}

/** The per-seed figure of a random method: the mean over its drop seeds. */
function perSeed<T extends { readonly seed: number }>(rows: readonly T[], value: (row: T) => number | undefined): { seeds: number[]; values: number[] } {
  const seeds: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    const v = value(row);
    if (v === undefined) continue;
    seeds.push(row.seed);
    values.push(v);
  }
  return { seeds, values };
}

/**
 * Per-seed figures of one regime: the fine-tuned accuracy, the pretrained accuracy on the
 * fine-tuning task, and every curve method's accuracy at every rate (mean over drop seeds).
 */
function regimeSeries(rows: readonly DeltaRow[], regime: string) {
  const finetunes = pick(rows, 'finetune').filter((row) => row.regime === regime);
  const curves = pick(rows, 'curve').filter((row) => row.regime === regime);
  const methods = [...new Map(curves.map((row) => [row.index, row.label])).entries()].sort((a, b) => a[0] - b[0]);
  const rates = [...new Set(curves.flatMap((row) => row.points.map((point) => point.rate)))].sort((a, b) => a - b);
  const at = (index: number, rate: number) => perSeed(curves.filter((row) => row.index === index), (row) => {
    const point = row.points.find((p) => p.rate === rate);
    return point === undefined ? undefined : avg(point.accuracy);
  });
  return { finetunes, methods, rates, at };
}

function regimeIds(rows: readonly DeltaRow[]): { id: string; label: string; epochs: number }[] {
  return [...new Map(pick(rows, 'finetune').map((row) => [row.regime, { id: row.regime, label: row.label, epochs: row.epochs }])).values()];
}

/**
 * The fine-tuned models: accuracy, the pretrained model's accuracy on the same task, and the size of
 * the delta (the papers' precondition is small deltas), over training seeds.
 *
 * @example
 * ```ts
 * import { deltaModelsTable, type DeltaRow } from '@sparse/delta';
 *
 * declare const rows: DeltaRow[];
 * console.log(deltaModelsTable(rows).rows.length);
 * ```
 */
export function deltaModelsTable(rows: readonly DeltaRow[]): Table {
  const pretrain = pick(rows, 'pretrain');
  return {
    title: 'Fine-tuned models and their deltas (mean ± sd over training seeds; delta sizes over the pruned tensors)',
    columns: [
      { key: 'regime', header: 'fine-tuning' },
      { key: 'epochs', align: 'right' },
      { key: 'accuracy', header: 'test accuracy (%)', align: 'right' },
      { key: 'gain', header: 'gain over pretrained (pt)', align: 'right' },
      { key: 'meanAbs', header: 'mean |δ|', align: 'right' },
      { key: 'rms', header: 'rms δ', align: 'right' },
      { key: 'maxAbs', header: 'max |δ|', align: 'right' },
    ],
    rows: [
      { regime: 'pretrained (no fine-tuning)', epochs: '', accuracy: spread(pretrain.map((row) => row.accuracy)), gain: '', meanAbs: '', rms: '', maxAbs: '' },
      ...regimeIds(rows).map(({ id, label, epochs }) => {
        const tuned = pick(rows, 'finetune').filter((row) => row.regime === id);
        const gains = tuned.map((row) => row.accuracy - (pretrain.find((p) => p.seed === row.seed)?.accuracy ?? Number.NaN));
        const mean = (f: (row: Row<'finetune'>) => number) => avg(tuned.map(f)).toExponential(2);
        return { regime: label, epochs, accuracy: spread(tuned.map((row) => row.accuracy)), gain: spread(gains), meanAbs: mean((row) => row.delta.meanAbs), rms: mean((row) => row.delta.rms), maxAbs: mean((row) => row.delta.maxAbs) };
      }),
    ],
  };
}

function curveTable(rows: readonly DeltaRow[], regime: { id: string; label: string }): Table {
  const { finetunes, methods, rates, at } = regimeSeries(rows, regime.id);
  const dare = methods.find(([, label]) => label.startsWith('DARE'));
  const gap = (rate: number) => {
    if (dare === undefined) return '';
    const { seeds, values } = at(dare[0], rate);
    return spread(values.map((value, k) => value - (finetunes.find((row) => row.seed === seeds[k])?.accuracy ?? Number.NaN)));
  };
  return {
    title: `${regime.label}: test accuracy (%) by drop rate p, mean ± sd over training seeds (each the mean over the drop seeds); fine-tuned ${spread(finetunes.map((row) => row.accuracy))}`,
    columns: [{ key: 'p', header: 'p', align: 'right' }, ...methods.map(([index, label]) => ({ key: `m${index}`, header: label, align: 'right' as const })), ...(dare === undefined ? [] : [{ key: 'gap', header: 'DARE − fine-tuned (pt)', align: 'right' as const }])],
    rows: rates.map((rate) => ({ p: String(rate), ...Object.fromEntries(methods.map(([index]) => [`m${index}`, spread(at(index, rate).values)])), ...(dare === undefined ? {} : { gap: gap(rate) }) })),
  };
}

function curvePlot(rows: readonly DeltaRow[], regime: { id: string; label: string }): ReportBlock | undefined {
  const { methods, rates, at } = regimeSeries(rows, regime.id);
  if (rates.length < 2 || rates.some((rate) => rate >= 1)) return undefined;
  const series: PlotSeries[] = methods.map(([index, label]) => ({
    name: label,
    points: rates.map((rate) => {
      const stats = seedStats(at(index, rate).values);
      return { x: 1 - rate, y: 100 * stats.mean, ...(stats.n > 1 ? { yMin: 100 * stats.min, yMax: 100 * stats.max } : {}) };
    }),
  }));
  const kept = rates.map((rate) => 1 - rate);
  const flat = (name: string, value: number, color: string): PlotSeries => ({ name, points: [{ x: Math.min(...kept), y: 100 * value }, { x: Math.max(...kept), y: 100 * value }], dashed: true, color });
  const tuned = avg(pick(rows, 'finetune').filter((row) => row.regime === regime.id).map((row) => row.accuracy));
  const pretrained = avg(pick(rows, 'pretrain').map((row) => row.accuracy));
  return {
    kind: 'plot',
    title: `Accuracy after delta pruning (${regime.id})`,
    plot: {
      title: `Test accuracy after pruning the delta: ${regime.label}`,
      series: [...series, flat('fine-tuned (no pruning)', tuned, '#000000'), flat('pretrained base', pretrained, '#999999')],
      xLabel: 'fraction of the delta kept, 1 − p (log scale)',
      yLabel: 'test accuracy (%)',
      xScale: 'log',
      reverseX: true,
      xTickFormat: (value) => String(+value.toPrecision(2)),
    },
    caption: 'Mean over training seeds of the per-seed mean over drop seeds; band: min to max over training seeds.',
  };
}

function darexTable(rows: readonly DeltaRow[]): Table | undefined {
  const darex = pick(rows, 'darex');
  if (darex.length === 0) return undefined;
  const lines: Record<string, string>[] = [];
  for (const { id, label } of regimeIds(rows)) {
    const mine = darex.filter((row) => row.regime === id);
    const methods = [...new Map(mine.map((row) => [row.index, row.label])).entries()].sort((a, b) => a[0] - b[0]);
    const reference = perSeed(mine.filter((row) => row.index === methods[0]?.[0]), (row) => avg(row.accuracy));
    for (const [index, methodLabel] of methods) {
      const own = mine.filter((row) => row.index === index);
      const values = perSeed(own, (row) => avg(row.accuracy));
      const gaps = values.values.map((value, k) => value - (reference.values[reference.seeds.indexOf(values.seeds[k] as number)] ?? Number.NaN));
      lines.push({
        regime: label,
        method: methodLabel,
        q: own.map((row) => row.q ?? '1 − p').join('; '),
        accuracy: spread(values.values),
        gap: index === methods[0]?.[0] ? '' : spread(gaps),
        change: avg(own.map((row) => row.outputChange)).toExponential(2),
        evaluations: String(Math.round(avg(own.map((row) => row.evaluations)))),
      });
    }
  }
  const rate = darex[0]?.rate ?? Number.NaN;
  return {
    title: `At p = ${rate}: test accuracy (%) by rescale method, mean ± sd over training seeds; gap to the first method of the regime, per seed`,
    columns: [
      { key: 'regime', header: 'fine-tuning' },
      { key: 'method' },
      { key: 'q', header: 'q chosen (per seed)' },
      { key: 'accuracy', header: 'test accuracy (%)', align: 'right' },
      { key: 'gap', header: 'gap (pt)', align: 'right' },
      { key: 'change', header: 'output change', align: 'right' },
      { key: 'evaluations', align: 'right' },
    ],
    rows: lines,
  };
}

function mergeTable(rows: readonly DeltaRow[], tasks: readonly { readonly id: string; readonly classes: readonly number[] }[]): Table | undefined {
  const merges = pick(rows, 'merge');
  if (merges.length === 0) return undefined;
  const keys = [...new Map(merges.map((row) => [`${row.method}@${row.rate}`, { method: row.method, rate: row.rate }])).values()];
  const sets = [...tasks.map((task) => task.id), 'all'];
  const name = (method: string, rate: number) =>
    method === 'pretrained' ? 'pretrained (no fine-tuning)' : method.startsWith('single:') ? `fine-tune ${method.slice(7)} alone` : `${method}${rate > 0 ? ` after DARE p = ${rate}` : ''}`;
  return {
    title: 'Merging: test accuracy (%) on each task\'s classes and on all of them, mean ± sd over training seeds (each the mean over the drop seeds)',
    columns: [{ key: 'model' }, ...sets.map((id) => ({ key: id, header: id === 'all' ? `all (${[...new Set(tasks.flatMap((task) => task.classes))].length} classes)` : `${id} (classes ${tasks.find((task) => task.id === id)?.classes.join(', ')})`, align: 'right' as const }))],
    rows: keys.map(({ method, rate }) => ({
      model: name(method, rate),
      ...Object.fromEntries(sets.map((id) => [id, spread(perSeed(merges.filter((row) => row.method === method && row.rate === rate), (row) => { const values = row.accuracy[id]; return values === undefined ? undefined : avg(values); }).values)])),
    })),
  };
}

/**
 * The claims a `delta` data set tests, each with its evidence and the verdict its numbers give:
 * DARE within 1 pt of the fine-tuned model at p = 0.9 (per regime); each `darex` method above DARE
 * at the `darex` rate beyond seed noise; AdamR fine-tuning raising DARE at the `darex` rate above
 * plain Adam fine-tuning (the plain regime of `config` with the same learning rate and epochs, else
 * the first); merges above each fine-tune alone on all the tasks' classes; DARE before
 * merging within 1 pt of merging the whole deltas.
 *
 * @example
 * ```ts
 * import { deltaClaims, type DeltaRow } from '@sparse/delta';
 *
 * declare const rows: DeltaRow[];
 * for (const claim of deltaClaims(rows, 'delta.md', 'MLP 784-1024-1024-10')) console.log(claim.claim, claim.verdict);
 * ```
 */
export function deltaClaims(rows: readonly DeltaRow[], page: string, setup: string, config?: { readonly finetune?: { readonly regimes?: readonly { readonly id: string; readonly epochs: number; readonly optimizer: { readonly learningRate: number } }[] } }): ResultsClaim[] {
  const claims: ResultsClaim[] = [];
  const yu = 'Yu et al. 2024 (DARE, "Language Models are Super Mario")';
  const deng = 'Deng et al. 2025 (DAREx, "DARE the Extreme")';
  const regimes = regimeIds(rows);
  for (const regime of regimes) {
    const { finetunes, methods, rates, at } = regimeSeries(rows, regime.id);
    const dare = methods.find(([, label]) => label.startsWith('DARE'));
    if (dare === undefined || !rates.includes(0.9)) continue;
    const { seeds, values } = at(dare[0], 0.9);
    const gaps = values.map((value, k) => value - (finetunes.find((row) => row.seed === seeds[k])?.accuracy ?? Number.NaN));
    const gap = seedStats(gaps);
    const delta = avg(finetunes.map((row) => row.delta.meanAbs));
    claims.push({
      page,
      paper: yu,
      claim: 'DARE at p = 0.9 keeps the fine-tuned accuracy (within 1 pt)',
      setup: `${setup}; ${regime.label}, mean |δ| ${delta.toExponential(1)}; ${gaps.length} seeds`,
      result: `DARE ${spread(values)} vs fine-tuned ${spread(finetunes.map((row) => row.accuracy))}: gap ${signed(gap.mean)} ± ${pts(gap.sd)} pt`,
      verdict: gap.mean >= -0.01 ? 'shown (mean gap at most 1 pt)' : 'not shown (mean gap more than 1 pt)',
    });
  }
  const darex = pick(rows, 'darex');
  for (const regime of regimes) {
    const mine = darex.filter((row) => row.regime === regime.id);
    const methods = [...new Map(mine.map((row) => [row.index, row])).values()].sort((a, b) => a.index - b.index);
    const reference = methods.find((row) => row.method === 'dare');
    if (reference === undefined) continue;
    const base = perSeed(mine.filter((row) => row.index === reference.index), (row) => avg(row.accuracy)).values;
    const pretrained = pick(rows, 'pretrain').map((row) => row.accuracy);
    for (const method of methods.filter((row) => row.method !== 'dare')) {
      const values = perSeed(mine.filter((row) => row.index === method.index), (row) => avg(row.accuracy)).values;
      const { comparison, gap } = compareSeeds(values, base);
      claims.push({
        page,
        paper: deng,
        claim: `${method.label} above DARE at p = ${method.rate}`,
        setup: `${setup}; ${regime.label}; ${values.length} seeds`,
        result: `${spread(values)} vs DARE ${spread(base)}: gap ${signed(gap)} pt (pretrained model, no delta: ${spread(pretrained)})`,
        verdict: comparison === 'above' ? 'shown (above beyond seed noise)' : comparison === 'below' ? 'not shown (below beyond seed noise)' : 'not shown (within seed noise)',
      });
    }
    for (const method of methods) {
      const values = perSeed(mine.filter((row) => row.index === method.index), (row) => avg(row.accuracy)).values;
      const { comparison, gap } = compareSeeds(values, pretrained);
      claims.push({
        page,
        paper: method.method === 'dare' ? yu : deng,
        claim: `${method.label} at p = ${method.rate} keeps part of the fine-tuning gain (above the pretrained model)`,
        setup: `${setup}; ${regime.label}; ${values.length} seeds`,
        result: `${spread(values)} vs pretrained ${spread(pretrained)}: gap ${signed(gap)} pt`,
        verdict: claimVerdict(comparison, true),
      });
    }
  }
  const adamr = regimes.filter((regime) => pick(rows, 'finetune').some((row) => row.regime === regime.id && /AdamR/.test(row.label)));
  const settings = (id: string) => (config?.finetune?.regimes ?? []).find((regime) => regime.id === id);
  for (const regime of adamr) {
    // the plain regime with the same learning rate and epochs; else the first plain one
    const own = settings(regime.id);
    const candidates = regimes.filter((other) => !adamr.includes(other) && darex.some((row) => row.regime === other.id));
    const plain = candidates.find((other) => settings(other.id)?.optimizer.learningRate === own?.optimizer.learningRate && settings(other.id)?.epochs === own?.epochs) ?? candidates[0];
    if (plain === undefined) break;
    const dareAt = (id: string) => perSeed(darex.filter((row) => row.regime === id && row.method === 'dare'), (row) => avg(row.accuracy)).values;
    const a = dareAt(regime.id);
    const b = dareAt(plain.id);
    if (a.length === 0 || b.length === 0) continue;
    const { comparison, gap } = compareSeeds(a, b);
    claims.push({
      page,
      paper: deng,
      claim: `fine-tuning with AdamR makes DARE at p = ${darex[0]?.rate} better than after plain fine-tuning`,
      setup: `${setup}; ${regime.label} against ${plain.label}; ${a.length} seeds`,
      result: `DARE ${spread(a)} vs ${spread(b)}: gap ${signed(gap)} pt`,
      verdict: claimVerdict(comparison, true),
    });
  }
  const merges = pick(rows, 'merge');
  const singles = [...new Set(merges.filter((row) => row.method.startsWith('single:')).map((row) => row.method))];
  const allOf = (method: string, rate: number) => perSeed(merges.filter((row) => row.method === method && row.rate === rate), (row) => avg(row.accuracy['all'] ?? [])).values;
  for (const { method, rate } of [...new Map(merges.filter((row) => row.method === 'task-arithmetic' || row.method === 'ties').map((row) => [`${row.method}@${row.rate}`, row])).values()]) {
    const merged = allOf(method, rate);
    const best = singles.map((single) => ({ single, values: allOf(single, 0) })).sort((x, y) => avg(y.values) - avg(x.values))[0];
    if (best === undefined) continue;
    const { comparison, gap } = compareSeeds(merged, best.values);
    claims.push({
      page,
      paper: method === 'ties' ? 'Yadav et al. 2023 (TIES-Merging)' : 'Ilharco et al. 2023 (task arithmetic)',
      claim: `${method}${rate > 0 ? ` of DARE'd deltas (p = ${rate})` : ''} scores above each fine-tune alone on all the tasks' classes`,
      setup: `${setup}; ${singles.length} fine-tunes merged; ${merged.length} seeds`,
      result: `${spread(merged)} vs best single (${best.single.slice(7)}) ${spread(best.values)}: gap ${signed(gap)} pt`,
      verdict: claimVerdict(comparison, true),
    });
    if (rate > 0) {
      const whole = allOf(method, 0);
      if (whole.length === 0) continue;
      const gaps = seedStats(merged.map((value, k) => value - (whole[k] ?? Number.NaN)));
      claims.push({
        page,
        paper: yu,
        claim: `DARE (p = ${rate}) before ${method} keeps the merge's accuracy (within 1 pt)`,
        setup: `${setup}; ${merged.length} seeds`,
        result: `${spread(merged)} vs whole deltas ${spread(whole)}: gap ${signed(gaps.mean)} ± ${pts(gaps.sd)} pt`,
        verdict: gaps.mean >= -0.01 ? 'shown (mean gap at most 1 pt)' : 'not shown (mean gap more than 1 pt)',
      });
    }
  }
  return claims;
}

function setupText(config: Record<string, unknown>, rows: readonly DeltaRow[]): string {
  const c = config as {
    model?: { hidden?: number[] };
    batchSize?: number;
    pretrain?: { classes?: number[]; epochs?: number; learningRate?: number };
    finetune?: { classes?: number[] };
    exclude?: string[];
    dropSeeds?: number[];
    seeds?: number[];
    seed?: number;
    validationSize?: number;
    calibrationSize?: number;
    merge?: { tasks?: { id: string; classes: number[]; epochs: number }[]; scale?: number };
  };
  const seeds = c.seeds ?? [c.seed ?? 0];
  const excluded = (c.exclude ?? []).length === 0 ? 'every tensor (kernels, biases and the head) is pruned' : `tensors matching ${(c.exclude ?? []).map((source) => `/${source}/`).join(', ')} are kept as fine-tuned`;
  const engines = [...new Set(rows.flatMap((row) => ('engine' in row ? [row.engine] : [])))].join(', ');
  const parts = [
    `MLP 784-${(c.model?.hidden ?? []).join('-')}-10 (ReLU), batch ${c.batchSize}. Pretrained with Adam (lr ${c.pretrain?.learningRate}, ${c.pretrain?.epochs} epochs) on Fashion-MNIST classes ${(c.pretrain?.classes ?? []).join(', ')}; fine-tuned on classes ${(c.finetune?.classes ?? []).join(', ')}, every parameter trained; ${c.validationSize} training images held out for validation (the labelled q search), ${c.calibrationSize} training images used without labels (output change, analytical q).`,
    `The delta δ = fine-tuned − pretrained is pruned and ${excluded}. Accuracy is measured on the test images of the fine-tuning classes.`,
    `Training seeds ${seeds.join(', ')} (initial weights, validation split, batch order); random methods average drop seeds ${(c.dropSeeds ?? []).join(', ')} within each training seed, and every figure is the mean ± sample sd over training seeds of those per-seed means. Models trained by the ${engines} engine.`,
  ];
  if (c.merge?.tasks !== undefined) {
    parts.push(
      `Merging: the pretrained model is fine-tuned once per task (${c.merge.tasks.map((task) => `${task.id}: classes ${task.classes.join(', ')}, ${task.epochs} epoch${task.epochs === 1 ? '' : 's'}`).join('; ')}); the deltas are merged (λ = ${c.merge.scale ?? 1}), after DARE with the drop seeds where p > 0, and the merged model is tested on each task's classes and on all of them.`,
    );
  }
  return parts.join(' ');
}

/**
 * The report of a multi-seed `delta` run (or the results page, from committed raw results): setup,
 * the fine-tuned models with their delta sizes, accuracy by drop rate per regime with plots, the
 * rescale comparison at the `darex` rate, merging, and the claims with their verdicts.
 *
 * @example
 * ```ts
 * import { buildDeltaSeedsReport, type DeltaRow } from '@sparse/delta';
 *
 * declare const rows: DeltaRow[], config: Record<string, unknown>;
 * console.log(buildDeltaSeedsReport(rows, config).sections.length);
 * ```
 */
export function buildDeltaSeedsReport(rows: readonly DeltaRow[], config: Record<string, unknown>, page = 'delta.md'): Report {
  const tasks = ((config as { merge?: { tasks?: { id: string; classes: number[] }[] } }).merge?.tasks ?? []) as readonly { id: string; classes: number[] }[];
  const claims = deltaClaims(rows, page, setupLabel(config), config as Parameters<typeof deltaClaims>[3]);
  const sections: Report['sections'][number][] = [
    { heading: 'Setup', blocks: [{ kind: 'text', text: setupText(config, rows) }, { kind: 'table', table: deltaModelsTable(rows) }] },
    { heading: 'Claims', blocks: [{ kind: 'table', table: deltaClaimsTable(claims) }] },
  ];
  for (const regime of regimeIds(rows)) {
    const blocks: ReportBlock[] = [];
    const plot = curvePlot(rows, regime);
    if (plot !== undefined) blocks.push(plot);
    blocks.push({ kind: 'table', table: curveTable(rows, regime) });
    sections.push({ heading: `Delta pruning: ${regime.label}`, blocks });
  }
  const darex = darexTable(rows);
  if (darex !== undefined) sections.push({ heading: 'Choosing the rescale at the highest drop rate (DAREx-q)', blocks: [{ kind: 'text', text: 'Kept deltas are multiplied by 1/q; DARE uses q = 1 − p. DAREx-q searches q on the validation split (labels) or by the output change of the last hidden layer on the calibration images (no labels); the analytical variant computes q per layer. Output change = mean |Δh| on the calibration images.' }, { kind: 'table', table: darex }] });
  const merge = mergeTable(rows, tasks);
  if (merge !== undefined) sections.push({ heading: 'Merging two fine-tunes', blocks: [{ kind: 'table', table: merge }] });
  const variance = pick(rows, 'variance');
  const first = variance[0]?.check;
  if (first !== undefined) {
    sections.push({
      heading: `Mean and variance of the change of one unit (${first.regime}, ${first.layer} unit ${first.unit})`,
      blocks: [
        { kind: 'text', text: `Δh = Σ_j c_j − (1/q) Σ_j b_j c_j with c_j = δ_j x̄_j (x̄: mean ${first.layer} input on the calibration images, b_j: kept), over ${first.rows[0]?.seeds ?? 0} drop seeds, for each training seed. Expected: E[Δh] = (1 − (1−p)/q) Σ c and Var[Δh] = ((1−p)p/q²) Σ c².` },
        ...variance.map((row): ReportBlock => ({ kind: 'table', table: { ...varianceTable(row.check), title: `Training seed ${row.seed}` } })),
      ],
    });
  }
  return { title: `Delta-parameter pruning (DARE, DAREx-q, AdamR) and merging on Fashion-MNIST: ${String((config as { name?: unknown }).name ?? '')}`, sections };
}

function setupLabel(config: Record<string, unknown>): string {
  const c = config as { model?: { hidden?: number[] }; pretrain?: { classes?: number[] }; finetune?: { classes?: number[] } };
  return `MLP 784-${(c.model?.hidden ?? []).join('-')}-10, pretrained on classes ${(c.pretrain?.classes ?? []).join(',')}, fine-tuned on ${(c.finetune?.classes ?? []).join(',')}`;
}

/**
 * The claims as a table: claim, paper, evidence, verdict.
 *
 * @example
 * ```ts
 * import { deltaClaimsTable, deltaClaims, type DeltaRow } from '@sparse/delta';
 *
 * declare const rows: DeltaRow[];
 * console.log(deltaClaimsTable(deltaClaims(rows, 'delta.md', 'setup')).rows.length);
 * ```
 */
export function deltaClaimsTable(claims: readonly ResultsClaim[]): Table {
  return {
    title: 'Claims and what these runs show',
    columns: [{ key: 'claim' }, { key: 'paper' }, { key: 'setup' }, { key: 'result', header: 'result (mean ± sd over seeds)' }, { key: 'verdict' }],
    rows: claims.map((claim) => ({ claim: claim.claim, paper: claim.paper, setup: claim.setup, result: claim.result, verdict: claim.verdict })),
  };
}

/**
 * The results page of a committed `delta` data set: the report of {@link buildDeltaSeedsReport}
 * with the provenance and how to regenerate it; returns its Markdown, its SVG plots and its claims.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { renderDeltaPage, type DeltaRow } from '@sparse/delta';
 *
 * const data = await readResultsData<DeltaRow>('docs/results/data/delta', 'delta-wide-full');
 * const page = renderDeltaPage(data, { page: 'delta.md', dataFolder: 'data/delta', regenerate: 'pnpm results:delta render' });
 * console.log(page.claims.length);
 * ```
 */
export function renderDeltaPage(
  data: { readonly rows: readonly DeltaRow[]; readonly provenance: ResultsProvenance },
  options: { readonly page: string; readonly dataFolder: string; readonly regenerate: string },
): { readonly markdown: string; readonly files: readonly { readonly name: string; readonly content: string }[]; readonly claims: readonly ResultsClaim[] } {
  const report = buildDeltaSeedsReport(data.rows, data.provenance.config, options.page);
  const rendered = renderMarkdownReport(report, options.page.replace(/\.md$/, ''));
  const engines = [...new Set(data.rows.flatMap((row) => ('engine' in row ? [row.engine] : [])))];
  const provenance = provenanceMarkdown(data.provenance, { dataLink: `${options.dataFolder}/${data.provenance.name}`, units: data.rows.length, engines });
  const markdown = insertAfterTitle(rendered.markdown, [
    `Generated by \`${options.regenerate}\` from the committed raw results below: every number on this page is computed from them. A difference is **shown** when the gap of the means exceeds both sides' sample standard deviations over training seeds and every seed of the better side reaches the other's mean; "within 1 pt" claims compare the mean per-seed gap with the bound.`,
    '## Provenance',
    provenance,
  ]);
  return { markdown, files: rendered.files, claims: deltaClaims(data.rows, options.page, setupLabel(data.provenance.config), data.provenance.config as Parameters<typeof deltaClaims>[3]) };
}
