export { describeBackendConformance, type BackendConformanceOptions } from './conformance/describe-backend-conformance.js';
export {
  checkBackendConformance,
  runConformanceCase,
  type BackendConformanceCheckOptions,
  type ConformanceCaseResult,
} from './conformance/check-backend-conformance.js';
export { BACKEND_CONFORMANCE_CASES } from './conformance/backend-conformance-cases.js';
export type { ConformanceCase, ConformanceContext } from './conformance/conformance-case.js';
export { DEFAULT_CONFORMANCE_TOLERANCE, type ConformanceTolerance } from './conformance/tolerance.js';
export type { BackendAvailability } from './conformance/backend-availability.js';

export type { ContractViolation } from './contracts/shared/contract-violation.js';
export { createContractFixture, type ContractFixture } from './contracts/shared/contract-fixture.js';
export { checkScorerContract, describeScorerContract } from './contracts/scorer/check-scorer-contract.js';
export type { ScorerContractOptions } from './contracts/scorer/scorer-contract-options.js';
export { checkPrunerContract, describePrunerContract } from './contracts/pruner/check-pruner-contract.js';
export type { PrunerContractOptions } from './contracts/pruner/pruner-contract-options.js';
export { checkScheduleContract, describeScheduleContract } from './contracts/schedule/check-schedule-contract.js';
export type { ScheduleContractOptions } from './contracts/schedule/schedule-contract-options.js';
export { checkRegularizerContract, describeRegularizerContract } from './contracts/regularizer/check-regularizer-contract.js';
export type { RegularizerContractOptions } from './contracts/regularizer/regularizer-contract-options.js';
