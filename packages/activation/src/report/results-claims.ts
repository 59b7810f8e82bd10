import { claimVerdict, compareSeeds, seedStats, type ResultsClaim } from '@sparse/experiments';
import type { ActivationRow } from './raw-rows.js';
import { distinct, levelRows, meanBlockError, meanSparsity, numStats, pctStats, rowsOf, trainRows, type RowOf } from './results-stats.js';

/** The page the claims belong to. */
const PAGE = 'activation.md';
const CATS = 'Lee et al. 2024, CATS (arXiv 2404.08763)';
const CHESS = 'Wang et al. 2024, CHESS (arXiv 2409.01366)';
const LAZY = 'Li et al. 2023, "The Lazy Neuron Phenomenon" (ICLR 2023)';

/**
 * The bounds of the "within" claims, in accuracy points (fractions): a sparsified model counts as
 * keeping accuracy when every seed is within `accuracyDrop` of its dense model, and thresholds as
 * hitting their target when every site of every seed is within `sparsity` of it.
 *
 * @example
 * ```ts
 * import { ACTIVATION_CLAIM_BOUNDS } from '@sparse/activation';
 *
 * console.log(ACTIVATION_CLAIM_BOUNDS.accuracyDrop); // 0.01
 * ```
 */
export const ACTIVATION_CLAIM_BOUNDS = Object.freeze({ accuracyDrop: 0.01, sparsity: 0.01, kurtosis: 3 });

const pt = (value: number): string => (100 * value).toFixed(2);
const targetLabel = (target: number): string => `${Number((100 * target).toFixed(2))} %`;

/** One part of a claim (one target, one learning rate…) with its verdict. */
interface Part {
  readonly label: string;
  readonly verdict: string;
}

/** The verdict of a claim tested at several levels: shown at all, partly, consistent at all, or not shown. */
function aggregate(parts: readonly Part[]): string {
  if (parts.length === 0) return 'not tested (no rows for it in the data)';
  const shown = parts.filter((part) => part.verdict.startsWith('shown'));
  const others = parts.filter((part) => !part.verdict.startsWith('shown'));
  const list = (items: readonly Part[]): string => items.map((part) => `${part.label}: ${part.verdict}`).join('; ');
  if (others.length === 0) return `shown (at ${shown.map((part) => part.label).join(', ')})`;
  if (shown.length > 0) return `partly shown (shown at ${shown.map((part) => part.label).join(', ')}; ${list(others)})`;
  if (others.every((part) => part.verdict.startsWith('consistent'))) return `consistent (within seed noise at ${others.map((part) => part.label).join(', ')})`;
  return `not shown (${list(others)})`;
}

function notTested(paper: string, claim: string, why: string): ResultsClaim {
  return { page: PAGE, paper, claim, setup: '-', result: '-', verdict: `not tested (${why})` };
}

/** A short description of a model's setup from its train rows. */
function setupOf(train: readonly RowOf<'train'>[], extra = ''): string {
  const first = train[0];
  if (first === undefined) return '-';
  const widths = distinct(first.sites.map((site) => site.width)).join('/');
  return `${first.model} (${first.architecture}, ${first.sites.length} sites of width ${widths}), Fashion-MNIST: ${first.images.train} training images, thresholds from ${first.images.calibration} held-out images, ${first.images.test} test images; ${train.length} seeds${extra}`;
}

/** The targets (not top-k levels) a model's method has, ascending. */
function targetsOf(rows: readonly ActivationRow[], model: string, method: string): number[] {
  return distinct(
    rowsOf(rows, 'sparsify')
      .filter((row) => row.model === model && row.method === method && 'target' in row.level)
      .map((row) => row.target),
  ).sort((a, b) => a - b);
}

/** The first model of an architecture that has rows of every given method. */
function modelWith(rows: readonly ActivationRow[], architecture: string, methods: readonly string[]): string | undefined {
  const models = distinct(rowsOf(rows, 'train').filter((row) => row.architecture === architecture).map((row) => row.model));
  return models.find((model) => methods.every((method) => rowsOf(rows, 'sparsify').some((row) => row.model === model && row.method === method)));
}

/** The rows of one method at one target, by seed. */
function at(rows: readonly ActivationRow[], model: string, method: string, target: number): RowOf<'sparsify'>[] {
  return levelRows(rows, model, method, targetLabel(target));
}

/** The largest |realized − target| over the sites and seeds of some rows. */
function worstDeviation(level: readonly RowOf<'sparsify'>[]): number {
  return Math.max(0, ...level.flatMap((row) => row.testSparsity.map((site) => Math.abs(site.sparsity - row.target))));
}

function catsAtHalf(rows: readonly ActivationRow[]): ResultsClaim {
  const claim = '50 % activation sparsity in the MLP without fine-tuning, accuracy within 1 pt of dense';
  const model = modelWith(rows, 'gated-mlp', ['CATS']);
  if (model === undefined || !targetsOf(rows, model, 'CATS').includes(0.5)) return notTested(CATS, claim, 'no CATS rows at 50 % on a gated MLP');
  const level = at(rows, model, 'CATS', 0.5);
  const drop = seedStats(level.map((row) => row.drop));
  const worst = worstDeviation(level);
  const keeps = level.every((row) => row.drop <= ACTIVATION_CLAIM_BOUNDS.accuracyDrop);
  const hits = worst <= ACTIVATION_CLAIM_BOUNDS.sparsity;
  const verdict =
    keeps && hits
      ? `shown (every seed within ${pt(ACTIVATION_CLAIM_BOUNDS.accuracyDrop)} pt of dense; realized sparsity within ${pt(ACTIVATION_CLAIM_BOUNDS.sparsity)} pt of 50 % at every site)`
      : `not shown (${keeps ? '' : `largest seed drop ${pt(Math.max(...level.map((row) => row.drop)))} pt > ${pt(ACTIVATION_CLAIM_BOUNDS.accuracyDrop)} pt`}${!keeps && !hits ? '; ' : ''}${hits ? '' : `realized sparsity off by up to ${pt(worst)} pt`})`;
  return {
    page: PAGE,
    paper: CATS,
    claim,
    setup: setupOf(trainRows(rows, model), ', CATS thresholds, no fine-tuning'),
    result: `drop ${pctStats(drop)} pt; realized test sparsity ${pctStats(seedStats(level.map(meanSparsity)))} %, worst site ${pt(worst)} pt off`,
    verdict,
  };
}

function catsVsReluSwap(rows: readonly ActivationRow[]): ResultsClaim {
  const claim = 'CATS at 50 % is more accurate than swapping SiLU for ReLU in the gates (ReLUfication without fine-tuning; the sparsities of both are in the result)';
  const model = modelWith(rows, 'gated-mlp', ['CATS']);
  const swap = rowsOf(rows, 'relu-swap')
    .filter((row) => row.model === model)
    .sort((a, b) => a.seed - b.seed);
  if (model === undefined || swap.length === 0 || !targetsOf(rows, model, 'CATS').includes(0.5)) return notTested(CATS, claim, 'no gated MLP with CATS at 50 % and a ReLU swap');
  const cats = at(rows, model, 'CATS', 0.5);
  const { comparison, gap } = compareSeeds(
    cats.map((row) => row.accuracy),
    swap.map((row) => row.accuracy),
  );
  const swapSparsity = swap.map((row) => row.sparsity.reduce((a, b) => a + b, 0) / Math.max(1, row.sparsity.length));
  return {
    page: PAGE,
    paper: CATS,
    claim,
    setup: setupOf(trainRows(rows, model), ', no fine-tuning'),
    result: `CATS 50 %: ${pctStats(seedStats(cats.map((row) => row.accuracy)))} % at ${pctStats(seedStats(cats.map(meanSparsity)))} % sparsity; ReLU swap: ${pctStats(seedStats(swap.map((row) => row.accuracy)))} % at ${pctStats(seedStats(swapSparsity))} % (gap ${pt(gap)} pt)`,
    verdict: claimVerdict(comparison, true),
  };
}

function chessVsCats(rows: readonly ActivationRow[], figure: 'error' | 'accuracy'): ResultsClaim {
  const claim = figure === 'error' ? 'CHESS channel-wise thresholds give a lower block-output error than CATS at equal sparsity' : 'CHESS accuracy ≥ CATS accuracy at equal sparsity';
  const model = modelWith(rows, 'gated-mlp', ['CATS', 'CHESS']);
  if (model === undefined) return notTested(CHESS, claim, 'no gated MLP with both CATS and CHESS rows');
  const targets = targetsOf(rows, model, 'CATS').filter((target) => targetsOf(rows, model, 'CHESS').includes(target));
  const results: string[] = [];
  const parts: Part[] = targets.map((target) => {
    const cats = at(rows, model, 'CATS', target);
    const chess = at(rows, model, 'CHESS', target);
    if (figure === 'error') {
      const { comparison, gap } = compareSeeds(cats.map(meanBlockError), chess.map(meanBlockError));
      results.push(`${targetLabel(target)}: ${numStats(seedStats(chess.map(meanBlockError)), 3)} vs ${numStats(seedStats(cats.map(meanBlockError)), 3)} (CATS − CHESS ${gap.toFixed(3)})`);
      return { label: targetLabel(target), verdict: claimVerdict(comparison, true) };
    }
    const { comparison, gap } = compareSeeds(
      chess.map((row) => row.accuracy),
      cats.map((row) => row.accuracy),
    );
    results.push(`${targetLabel(target)}: ${pctStats(seedStats(chess.map((row) => row.accuracy)))} vs ${pctStats(seedStats(cats.map((row) => row.accuracy)))} (gap ${pt(gap)} pt)`);
    return { label: targetLabel(target), verdict: claimVerdict(comparison, false) };
  });
  return { page: PAGE, paper: CHESS, claim, setup: setupOf(trainRows(rows, model), ', no fine-tuning'), result: `${figure === 'error' ? 'mean block error, CHESS vs CATS' : 'test accuracy (%), CHESS vs CATS'}: ${results.join('; ')}`, verdict: aggregate(parts) };
}

function chessPlus(rows: readonly ActivationRow[]): ResultsClaim {
  const claim = 'CHESS+ (thresholds on the attention inputs too) keeps accuracy within 1 pt of dense';
  const model = modelWith(rows, 'vit', ['CHESS+']);
  if (model === undefined) return notTested(CHESS, claim, 'no ViT with CHESS+ rows');
  const results: string[] = [];
  const parts = targetsOf(rows, model, 'CHESS+').map((target): Part => {
    const level = at(rows, model, 'CHESS+', target);
    const worst = Math.max(...level.map((row) => row.drop));
    results.push(`${targetLabel(target)}: drop ${pctStats(seedStats(level.map((row) => row.drop)))} pt`);
    return { label: targetLabel(target), verdict: worst <= ACTIVATION_CLAIM_BOUNDS.accuracyDrop ? 'shown' : `not shown (largest seed drop ${pt(worst)} pt)` };
  });
  return { page: PAGE, paper: CHESS, claim, setup: setupOf(trainRows(rows, model), ', no fine-tuning'), result: results.join('; '), verdict: aggregate(parts) };
}

function fineTuning(rows: readonly ActivationRow[]): ResultsClaim {
  const claim = 'fine-tuning with the thresholds in place raises accuracy at the same sparsity';
  const tuned = rowsOf(rows, 'fine-tune');
  const model = tuned[0]?.model;
  if (model === undefined) return notTested(CATS, claim, 'no fine-tuning rows');
  const mine = tuned.filter((row) => row.model === model);
  const keys = distinct(mine.map((row) => `${row.levelLabel}|${row.learningRate}`));
  const results: string[] = [];
  const parts = keys.map((key): Part => {
    const group = mine.filter((row) => `${row.levelLabel}|${row.learningRate}` === key).sort((a, b) => a.seed - b.seed);
    const label = `${group[0]?.levelLabel ?? ''}, lr ${group[0]?.learningRate ?? ''}`;
    const { comparison } = compareSeeds(
      group.map((row) => row.after),
      group.map((row) => row.before),
    );
    results.push(`${label}: ${pctStats(seedStats(group.map((row) => row.before)))} → ${pctStats(seedStats(group.map((row) => row.after)))}`);
    return { label, verdict: claimVerdict(comparison, true) };
  });
  return { page: PAGE, paper: CATS, claim, setup: setupOf(trainRows(rows, model), `, ${mine[0]?.method ?? ''} thresholds, ${mine[0]?.epochs ?? 0} epoch(s) of Adam`), result: results.join('; '), verdict: aggregate(parts) };
}

/** The final test nonzero fraction of a tracked train row. */
function finalNonzero(row: RowOf<'train'>): number | undefined {
  return row.history.at(-1)?.testNonzero;
}

function lazyNeurons(rows: readonly ActivationRow[]): ResultsClaim[] {
  const wider = 'the wider MLP has the lower fraction of nonzero ReLU activations after training';
  const falls = 'the fraction of nonzero ReLU activations falls during training';
  const tracked = rowsOf(rows, 'train').filter((row) => row.architecture === 'relu-mlp' && finalNonzero(row) !== undefined);
  const models = distinct(tracked.map((row) => row.model)).sort((a, b) => (trainRows(rows, a)[0]?.sites[0]?.width ?? 0) - (trainRows(rows, b)[0]?.sites[0]?.width ?? 0));
  const narrow = models[0];
  const wide = models.at(-1);
  if (narrow === undefined || wide === undefined) return [notTested(LAZY, wider, 'no ReLU MLP with trackNonzero'), notTested(LAZY, falls, 'no ReLU MLP with trackNonzero')];
  const nonzero = (model: string): number[] => trainRows(rows, model).map((row) => finalNonzero(row) ?? 1);
  const width = (model: string): number => trainRows(rows, model)[0]?.sites[0]?.width ?? 0;
  const claims: ResultsClaim[] = [];
  const setup = `ReLU MLPs 784 → width → 10 (widths ${models.map(width).join(', ')}), dense training with Adam; nonzero fraction on ${trainRows(rows, wide)[0]?.images.test ?? 0} test images; ${trainRows(rows, wide).length} seeds`;
  if (narrow === wide) {
    claims.push(notTested(LAZY, wider, 'only one width'));
  } else {
    const { comparison } = compareSeeds(nonzero(narrow), nonzero(wide));
    claims.push({ page: PAGE, paper: LAZY, claim: wider, setup, result: `nonzero after training: width ${width(narrow)} ${pctStats(seedStats(nonzero(narrow)))} %, width ${width(wide)} ${pctStats(seedStats(nonzero(wide)))} %`, verdict: claimVerdict(comparison, true) });
  }
  const wideRows = trainRows(rows, wide);
  const initial = wideRows.map((row) => row.history[0]?.testNonzero ?? 1);
  const { comparison } = compareSeeds(initial, nonzero(wide));
  claims.push({ page: PAGE, paper: LAZY, claim: falls, setup, result: `width ${width(wide)}: ${pctStats(seedStats(initial))} % at initialisation → ${pctStats(seedStats(nonzero(wide)))} % after training`, verdict: claimVerdict(comparison, true) });
  return claims;
}

/** Whether the sites a sparsifier thresholds are heavy-tailed in every seed (kurtosis above 3). */
function heavyTails(rows: readonly ActivationRow[], which: 'gated-mlp' | 'vit-attention'): ResultsClaim {
  const claim =
    which === 'gated-mlp'
      ? "precondition of CATS and CHESS: the gated MLP's pre-threshold activations are heavy-tailed (kurtosis above 3, the normal distribution's)"
      : "precondition of CHESS+'s attention thresholds: the ViT's attention inputs are heavy-tailed (kurtosis above 3)";
  const paper = which === 'gated-mlp' ? `${CATS}; ${CHESS}` : CHESS;
  const model = modelWith(rows, which === 'gated-mlp' ? 'gated-mlp' : 'vit', []);
  if (model === undefined) return notTested(paper, claim, which === 'gated-mlp' ? 'no gated MLP' : 'no ViT');
  const train = trainRows(rows, model);
  const attention = new Set((train[0]?.sites ?? []).filter((site) => site.kind.startsWith('attention')).map((site) => site.name));
  const values = train.flatMap((row) => row.distributions.filter((site) => which === 'gated-mlp' || attention.has(site.site)));
  if (values.length === 0) return notTested(paper, claim, 'no distributions of those sites in the data');
  const all = values.map((site) => site.kurtosis);
  const low = Math.min(...all);
  const below = distinct(values.filter((site) => site.kurtosis <= ACTIVATION_CLAIM_BOUNDS.kurtosis).map((site) => site.site));
  const verdict = below.length === 0 ? 'shown (every site of every seed above 3)' : `not shown (kurtosis at or below 3 in some seed at ${below.join(', ')}; lowest ${low.toFixed(2)})`;
  return { page: PAGE, paper, claim, setup: setupOf(train, '; activations of the trained dense model on the calibration images'), result: `kurtosis ${numStats(seedStats(all), 2)} over ${all.length} site × seed values (lowest ${low.toFixed(2)})`, verdict };
}

function wallClock(rows: readonly ActivationRow[]): ResultsClaim {
  const claim = 'thresholded MLP activations give a wall-clock speed-up (the paper with a custom sparse GPU kernel)';
  const timing = rowsOf(rows, 'timing');
  const model = timing[0]?.model;
  if (model === undefined) return notTested(CATS, claim, 'no timing rows; this data set has FLOP counts only');
  const mine = timing.filter((row) => row.model === model).sort((a, b) => a.seed - b.seed);
  const dense = mine.map((row) => row.denseMs);
  const labels = distinct(mine.flatMap((row) => row.levels.map((level) => level.levelLabel)));
  const results: string[] = [`dense ${numStats(seedStats(dense), 1)} ms`];
  const parts = labels.map((label): Part => {
    const sparse = mine.map((row) => row.levels.find((level) => level.levelLabel === label)?.ms ?? Number.NaN);
    const { comparison } = compareSeeds(dense, sparse);
    results.push(`${label}: ${numStats(seedStats(sparse), 1)} ms`);
    return { label, verdict: claimVerdict(comparison, true) };
  });
  const first = mine[0];
  return {
    page: PAGE,
    paper: CATS,
    claim,
    setup: `${model}, ${first?.method ?? ''} thresholds; median of ${first?.repeats ?? 0} interleaved forward passes over ${first?.examples ?? 0} test images, dense and thresholded in the same process (tf.js ${first?.backend ?? ''} backend, dense kernels); ${mine.length} seeds`,
    result: results.join('; '),
    verdict: aggregate(parts),
  };
}

/**
 * The claims the activation results page tests, each with its verdict computed from the raw rows
 * (seed spreads through `compareSeeds` / `claimVerdict`, bounds from
 * {@link ACTIVATION_CLAIM_BOUNDS}); a claim whose rows are absent is `not tested`.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 * import { activationClaims, type ActivationRow } from '@sparse/activation';
 *
 * const { rows } = await readResultsData<ActivationRow>('docs/results/data/activation', 'activation-full');
 * for (const claim of activationClaims(rows)) console.log(claim.claim, '→', claim.verdict);
 * ```
 */
export function activationClaims(rows: readonly ActivationRow[]): ResultsClaim[] {
  return [heavyTails(rows, 'gated-mlp'), catsAtHalf(rows), catsVsReluSwap(rows), chessVsCats(rows, 'error'), chessVsCats(rows, 'accuracy'), heavyTails(rows, 'vit-attention'), chessPlus(rows), fineTuning(rows), wallClock(rows), ...lazyNeurons(rows)];
}
