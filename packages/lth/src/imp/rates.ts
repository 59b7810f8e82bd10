import { SparseError } from '@sparse/core';

/**
 * Pruning rates of one IMP round: the fraction of each tensor's *remaining* weights to remove.
 * `output` is the output layer's rate (the paper prunes it at half the rate: 20% / 10%);
 * `perTensor` overrides both by parameter name.
 *
 * @example
 * ```ts
 * import type { PruningRates } from '@sparse/lth';
 *
 * const lenet: PruningRates = { default: 0.2, output: 0.1 };
 * ```
 */
export interface PruningRates {
  /** Rate of every prunable tensor without an override, in `[0, 1]`. */
  readonly default: number;
  /** Rate of the output layer's kernel; default `default / 2`. */
  readonly output?: number;
  /** Rates by parameter name (take precedence over `default` and `output`). */
  readonly perTensor?: Readonly<Record<string, number>>;
}

function checkRate(value: number, field: string): void {
  if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw new SparseError('E_CONFIG', `${field} must be a number in [0, 1], got ${String(value)}.`, { field, received: value, allowed: '[0, 1]' });
  }
}

/**
 * The rate of each prunable tensor for one round: `perTensor[name]`, else `output` (default half
 * of `default`) for `outputName`, else `default`.
 *
 * @throws SparseError `E_CONFIG` for a rate outside `[0, 1]` or a `perTensor` name that is not prunable.
 *
 * @example
 * ```ts
 * import { tensorRates } from '@sparse/lth';
 *
 * const rates = tensorRates(['fc1/kernel', 'fc2/kernel', 'fc3/kernel'], { default: 0.2 }, 'fc3/kernel');
 * console.log(rates.get('fc3/kernel')); // 0.1
 * ```
 */
export function tensorRates(prunable: readonly string[], rates: PruningRates, outputName: string | undefined): Map<string, number> {
  checkRate(rates.default, 'rates.default');
  const output = rates.output ?? rates.default / 2;
  checkRate(output, 'rates.output');
  for (const [name, rate] of Object.entries(rates.perTensor ?? {})) {
    checkRate(rate, `rates.perTensor.${name}`);
    if (!prunable.includes(name)) {
      throw new SparseError('E_CONFIG', `rates.perTensor names '${name}', which is not a prunable parameter; prunable: ${prunable.join(', ')}.`, {
        field: `rates.perTensor.${name}`,
        received: name,
        allowed: prunable,
      });
    }
  }
  const out = new Map<string, number>();
  for (const name of prunable) {
    const own = rates.perTensor?.[name];
    out.set(name, own ?? (name === outputName ? output : rates.default));
  }
  return out;
}
