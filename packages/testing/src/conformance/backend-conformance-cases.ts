import type { ConformanceCase } from './conformance-case.js';
import { adamCase } from './cases/adam-cases.js';
import { castToBoolCase, castToFloatCase, castToIntCase, floatOneHotCase, oneHotCase } from './cases/conversion-cases.js';
import { conv2dCase } from './cases/conv2d-cases.js';
import { binaryBroadcastCase, tinySignCase, unaryCase } from './cases/elementwise-cases.js';
import { gradientCase } from './cases/gradient-cases.js';
import { batchedFusedMatMulCase, fusedMatMulCase, matMulCase } from './cases/matmul-cases.js';
import { memoryCase } from './cases/memory-cases.js';
import { argMaxCase, reductionCase } from './cases/reduction-cases.js';
import { comparisonCase, gatherCase, topKCase } from './cases/selection-cases.js';
import { softmaxCase } from './cases/softmax-cases.js';

/**
 * Every case of the backend conformance suite, in the order they run: the ops `@sparse` relies
 * on, each compared with a plain-JavaScript reference on seeded random inputs.
 *
 * @example
 * ```ts
 * import { BACKEND_CONFORMANCE_CASES } from '@sparse/testing';
 *
 * console.log(BACKEND_CONFORMANCE_CASES.map((c) => c.name));
 * ```
 */
export const BACKEND_CONFORMANCE_CASES: readonly ConformanceCase[] = Object.freeze([
  matMulCase,
  fusedMatMulCase,
  batchedFusedMatMulCase,
  binaryBroadcastCase,
  unaryCase,
  tinySignCase,
  reductionCase,
  topKCase,
  argMaxCase,
  gatherCase,
  comparisonCase,
  castToIntCase,
  castToFloatCase,
  castToBoolCase,
  oneHotCase,
  floatOneHotCase,
  softmaxCase,
  conv2dCase,
  gradientCase,
  adamCase,
  memoryCase,
]);
