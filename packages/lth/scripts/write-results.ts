/**
 * Regenerates a lottery-ticket results page (Markdown + SVG plots) from a run directory.
 *
 *   pnpm tsx packages/lth/scripts/write-results.ts RUN_DIR [OUT.md] [--partial]
 *
 * OUT.md defaults to docs/results/lth-fashion-mnist.md. --partial reports the units finished so
 * far when the run has not completed.
 */
import { writeLthResults } from '@sparse/lth';

const args = process.argv.slice(2).filter((arg) => arg !== '--partial');
const [runPath, out = 'docs/results/lth-fashion-mnist.md'] = args;
if (runPath === undefined) {
  process.stderr.write('usage: write-results.ts RUN_DIR [OUT.md] [--partial]\n');
  process.exit(2);
}
const written = await writeLthResults(runPath, out, { partial: process.argv.includes('--partial') });
process.stdout.write(`${written.join('\n')}\n`);
