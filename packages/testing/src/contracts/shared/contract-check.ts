import { describeError } from '../../shared/describe-error.js';
import type { ContractViolation } from './contract-violation.js';

/** One named property of a contract, checked on fresh instances from a factory. */
export interface ContractCheck<Subject, Options> {
  readonly name: string;
  /** A reason the check does not apply with these options (e.g. no penalty), or undefined. */
  readonly skip?: (subject: Subject, options: Options) => string | undefined;
  /** Returns one message per problem found; empty when the property holds. */
  run(factory: () => Subject, options: Options): Promise<readonly string[]>;
}

/** Runs one check, turning a thrown error into a violation. */
export async function runContractCheck<Subject, Options>(
  check: ContractCheck<Subject, Options>,
  factory: () => Subject,
  options: Options,
): Promise<ContractViolation[]> {
  try {
    const messages = await check.run(factory, options);
    return messages.map((message) => ({ check: check.name, message }));
  } catch (error) {
    return [{ check: check.name, message: `threw: ${describeError(error)}` }];
  }
}

/** Runs every applicable check and concatenates their violations. */
export async function runContractChecks<Subject, Options>(
  checks: readonly ContractCheck<Subject, Options>[],
  factory: () => Subject,
  options: Options,
): Promise<ContractViolation[]> {
  const violations: ContractViolation[] = [];
  for (const check of checks) {
    if (check.skip?.(factory(), options) !== undefined) continue;
    violations.push(...(await runContractCheck(check, factory, options)));
  }
  return violations;
}
