/**
 * The fuzz suite's default tier (issue 14): a fixed seed (FUZZ_SEED overrides it) and a few cases
 * of each family, a few seconds in all. The slow tier (fuzz.slow.test.ts) runs many more.
 * `SPARSE_FUZZ_SUMMARY=docs/reliability-fuzz.json` records the counts docs/reliability.md cites.
 */
import { defineFuzzSuite } from './suite.js';

defineFuzzSuite({
  name: 'default',
  seed: Number(process.env['FUZZ_SEED'] ?? 20_261_207),
  runs: { config: 15, plugin: 10, flags: 30, safetensors: 40, idx: 200 },
  caseTimeoutMs: 10_000,
});
