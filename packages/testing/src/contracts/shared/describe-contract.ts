import { describe, expect, it } from 'vitest';
import { runContractCheck, type ContractCheck } from './contract-check.js';

/** Declares one vitest test per check; a check that does not apply is skipped with its reason. */
export function describeContract<Subject, Options>(
  title: string,
  checks: readonly ContractCheck<Subject, Options>[],
  factory: () => Subject,
  options: Options,
): void {
  describe(title, () => {
    for (const check of checks) {
      const reason = check.skip?.(factory(), options);
      if (reason !== undefined) {
        it.skip(`${check.name} (skipped: ${reason})`, () => undefined);
        continue;
      }
      it(check.name, async () => {
        const violations = await runContractCheck(check, factory, options);
        expect(violations.map((violation) => violation.message)).toEqual([]);
      });
    }
  });
}
