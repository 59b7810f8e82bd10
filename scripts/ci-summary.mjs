#!/usr/bin/env node
// Prints "N skipped" and then "N passed, N failed" summed over vitest's JSON reports (one per test
// tier), the latter alone on the last line. Exits non-zero when a report is missing or any test failed.
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.vitest-results.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
let success = true;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`ci-summary: ${file} was not written; those tests did not run to the end.`);
    failed += 1;
    success = false;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0) + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.success === false) success = false;
}
console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || !success ? 1 : 0);
