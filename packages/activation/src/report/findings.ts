import { catsChessPair, findResult, levelLabels, mean, meanBlockError, methodLabels, pct, pt, worstDeviation } from './format.js';
import type { ActivationResults, ModelResults } from './results.js';

function catsLines(model: ModelResults, targets: readonly number[]): string[] {
  const cats = targets.map((target) => findResult(model, 'CATS', target));
  const present = cats.flatMap((result) => (result === undefined ? [] : [result]));
  const lines: string[] = [];
  if (present.length > 0) {
    const drops = present.map((result) => result.drop);
    const monotone = drops.every((drop, i) => i === 0 || drop >= (drops[i - 1] ?? 0));
    const worst = Math.max(...present.map(worstDeviation));
    lines.push(
      `${model.id}, CATS without fine-tuning: accuracy drops ${drops.map(pt).join(' / ')} pt at ${present.map((result) => pct(result.target, 0)).join(' / ')} % (${monotone ? 'monotone in the target' : 'not monotone in the target'}); realized test sparsity per site stays within ${pct(worst)} pt of the target at every level.`,
    );
  }
  const chess = targets.flatMap((target) => {
    const pair = catsChessPair(model, target);
    if (pair === undefined) return [];
    const ce = meanBlockError(pair.cats);
    const he = meanBlockError(pair.chess);
    return [`at ${pct(target, 0)} % mean block error ${he.toFixed(3)} (${pair.chess.method}) vs ${ce.toFixed(3)} (${pair.cats.method}), accuracy ${pct(pair.chess.accuracy)} % vs ${pct(pair.cats.accuracy)} %`];
  });
  if (chess.length > 0) lines.push(`${model.id}, CHESS vs CATS at equal sparsity on the same sites: ${chess.join('; ')}.`);
  return lines;
}

function reluSwapLine(model: ModelResults): string[] {
  const swap = model.reluSwap;
  if (swap === undefined) return [];
  const sparsity = mean(swap.sparsity);
  const nearest = model.methods.filter((result) => result.method === 'CATS').sort((a, b) => Math.abs(a.target - sparsity) - Math.abs(b.target - sparsity))[0];
  const against = nearest === undefined ? '' : `, against CATS at ${pct(nearest.target, 0)} %: ${pct(nearest.accuracy)} % (drop ${pt(nearest.drop)} pt)`;
  return [`${model.id}, naive ReLU swap (SiLU replaced by ReLU in the gates, no fine-tuning): ${pct(sparsity, 1)} % realized sparsity at ${pct(swap.accuracy)} % accuracy (drop ${pt(model.denseAccuracy - swap.accuracy)} pt)${against}.`];
}

function fineTuneLine(model: ModelResults): string[] {
  if (model.fineTuned.length === 0) return [];
  const runs = model.fineTuned.map((run) => `${run.method} ${run.levelLabel} at lr ${run.learningRate.toExponential(0)}: ${pct(run.before)} -> ${pct(run.after)} %`);
  return [`${model.id}, fine-tuning with thresholds in place (${model.fineTuned[0]?.epochs ?? 1} epoch${model.fineTuned[0]?.epochs === 1 ? '' : 's'}): ${runs.join('; ')} (dense ${pct(model.denseAccuracy)} %).`];
}

function accuracyLine(model: ModelResults): string[] {
  if (model.methods.length === 0) return [];
  const byLevel = levelLabels(model).map((level) => {
    const parts = methodLabels(model).flatMap((method) => {
      const result = model.methods.find((r) => r.method === method && r.levelLabel === level);
      return result === undefined ? [] : [`${method} ${pct(result.accuracy)} %`];
    });
    return `${level}: ${parts.join(', ')}`;
  });
  return [`${model.id} (dense ${pct(model.denseAccuracy)} %), test accuracy by level: ${byLevel.join('; ')}.`];
}

function lazyLines(models: readonly ModelResults[]): string[] {
  const tracked = models.filter((model) => model.trackNonzero);
  const lines: string[] = [];
  for (const model of tracked) {
    const points = model.history.filter((point) => point.testNonzero !== undefined);
    const first = points[0];
    const last = points.at(-1);
    const lowest = [...points].sort((a, b) => (a.testNonzero ?? 0) - (b.testNonzero ?? 0))[0];
    if (first === undefined || last === undefined || lowest === undefined) continue;
    lines.push(`Lazy neurons, ${model.id}: ${pct(first.testNonzero ?? 0, 1)} % nonzero at initialisation, ${pct(last.testNonzero ?? 0, 1)} % after ${last.epoch} epochs (lowest ${pct(lowest.testNonzero ?? 0, 1)} % after epoch ${lowest.epoch}).`);
  }
  if (tracked.length >= 2) {
    const ends = tracked
      .map((model) => ({ id: model.id, width: model.sites.reduce((sum, site) => sum + site.width, 0), nonzero: model.history.at(-1)?.testNonzero ?? Number.NaN }))
      .sort((a, b) => a.width - b.width);
    lines.push(`After training, nonzero activations by width: ${ends.map((end) => `${end.id}, width ${end.width}: ${pct(end.nonzero, 1)} %`).join(', ')}.`);
  }
  return lines;
}

/**
 * Statements read off the numbers of one seed, so that they stay true when the report is
 * regenerated. One seed cannot tell a difference from seed noise, so they give the numbers side by
 * side and judge nothing; the results page compares seeds. @internal
 */
export function findings(results: ActivationResults): string[] {
  return [
    `These are the numbers of seed ${results.seed} alone; differences between methods are not compared with seed noise here. The run's results.jsonl holds every seed, and the results page (pnpm results:activation render) compares them.`,
    ...results.models.flatMap((model) => [...catsLines(model, results.targets), ...reluSwapLine(model), ...fineTuneLine(model), ...accuracyLine(model)]),
    ...lazyLines(results.models),
  ];
}
