import { isExcluded } from '../options/exclude.js';

/** What is compared between a base tensor and its fine-tuned counterpart (internal). */
export interface TensorDescription {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

/**
 * Every difference that makes base and fine-tuned tensors unusable together, as sentences
 * (internal): a non-excluded fine-tuned tensor missing from the base or of another shape or
 * dtype, and a non-excluded base tensor missing from the fine-tuned model. Excluded tensors are
 * copied from the fine-tuned model, so their base counterpart may differ or be absent.
 */
export function findMismatches(
  base: readonly TensorDescription[],
  finetuned: readonly TensorDescription[],
  exclude: readonly RegExp[],
  labels: { readonly base: string; readonly finetuned: string } = { base: 'base', finetuned: 'finetuned' },
): string[] {
  const problems: string[] = [];
  const baseByName = new Map(base.map((tensor) => [tensor.name, tensor]));
  const tunedNames = new Set(finetuned.map((tensor) => tensor.name));
  for (const tensor of finetuned) {
    if (isExcluded(tensor.name, exclude)) continue;
    const other = baseByName.get(tensor.name);
    if (other === undefined) {
      problems.push(`'${tensor.name}' is in ${labels.finetuned} but not in ${labels.base}`);
      continue;
    }
    if (other.shape.length !== tensor.shape.length || other.shape.some((size, i) => size !== tensor.shape[i])) {
      problems.push(`'${tensor.name}' has shape [${tensor.shape.join(', ')}] in ${labels.finetuned} but [${other.shape.join(', ')}] in ${labels.base}`);
    }
    if (other.dtype !== tensor.dtype) {
      problems.push(`'${tensor.name}' is ${tensor.dtype} in ${labels.finetuned} but ${other.dtype} in ${labels.base}`);
    }
  }
  for (const tensor of base) {
    if (!tunedNames.has(tensor.name) && !isExcluded(tensor.name, exclude)) {
      problems.push(`'${tensor.name}' is in ${labels.base} but not in ${labels.finetuned}`);
    }
  }
  return problems;
}

/** The first problems as one message, with a count of the rest (internal). */
export function listProblems(problems: readonly string[], limit = 10): string {
  const shown = problems.slice(0, limit).map((problem) => `  - ${problem}`);
  if (problems.length > limit) shown.push(`  … and ${problems.length - limit} more`);
  return shown.join('\n');
}
