/**
 * Edit distance between two strings (insertions, deletions, substitutions and swaps of adjacent
 * characters each cost 1), used to suggest the key or value the user probably meant.
 *
 * @example
 * ```ts
 * import { editDistance } from '@sparse/experiments';
 *
 * editDistance('sparsity', 'sparsty'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i += 1) d[i * cols] = i;
  for (let j = 0; j < cols; j += 1) d[j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Longest input a suggestion is looked for: a typo of a name is short, and the distance is quadratic. */
const MAX_SUGGEST_LENGTH = 100;

/**
 * The candidate closest to `input`, when it is close enough to be a likely typo: case-insensitive
 * equality, or an edit distance of at most a third of the longer word (at least 1, at most 3).
 * Returns `undefined` when nothing is close, and at once for inputs longer than 100 characters or
 * candidates whose length differs by more than the limit (so a megabyte value costs nothing).
 *
 * @example
 * ```ts
 * import { didYouMean } from '@sparse/experiments';
 *
 * didYouMean('lerning_rate', ['learningRate', 'learning_rate', 'epochs']); // 'learning_rate'
 * didYouMean('xyz', ['epochs']); // undefined
 * ```
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  if (input.length > MAX_SUGGEST_LENGTH) return undefined;
  const lowered = input.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === input || Math.abs(candidate.length - input.length) > 3 || candidate.length > MAX_SUGGEST_LENGTH) continue;
    const distance = candidate.toLowerCase() === lowered ? 0 : editDistance(lowered, candidate.toLowerCase());
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3)));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
