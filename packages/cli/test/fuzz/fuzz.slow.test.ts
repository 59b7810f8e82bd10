/**
 * The fuzz suite's slow tier (issue 14): a random seed each run (printed in the test names;
 * FUZZ_SEED replays one) and many cases of each family. `SPARSE_FUZZ_SUMMARY=docs/reliability-fuzz.json`
 * records the counts docs/reliability.md cites.
 */
import { defineFuzzSuite } from './suite.js';

defineFuzzSuite({
  name: 'slow',
  seed: Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000_007),
  runs: { config: 60, plugin: 30, flags: 150, safetensors: 200, idx: 1000 },
  caseTimeoutMs: 10_000,
});
