/**
 * How the time of the prox of λ·SEF_k grows with the number of groups, 1e4 to 1e7: the JS
 * implementation (`gsefScales`: randomized selection, no sort) against the same prox written with
 * a full sort in numpy and in PyTorch (bench/prox_peer.py, float64, one thread), run through
 * /usr/bin/python3 when it has them. Prints a table with the time per group, the ratios, and
 * checks that all three agree. No assertion on time anywhere (CONTRIBUTING).
 *
 *   pnpm --filter @sparse/group-envelope bench [-- --sizes 1e4,1e5 --runs 7 --no-peer --json bench/results/prox-scaling.json]
 *
 * `--quick` (as `pnpm bench --quick` passes it) measures 1e4 to 1e6 with 3 runs. Every run also
 * writes the repository's bench/results/prox-scaling.json with a `summary` array (torch time /
 * JS time per size), which `pnpm bench` adds to its summary table.
 *
 * Norms are |N(0, 1)| from a fixed seed; k = m/4, λ = 0.05 (a threshold inside the bulk).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '@sparse/core';
import { gsefScales } from '../src/index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e5,1e6,1e7' },
    runs: { type: 'string', default: '7' },
    'no-peer': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const sizes = (values.quick ? '1e4,1e5,1e6' : values.sizes).split(',').map(Number);
const runsOption = values.quick ? '3' : values.runs;
const lambda = 0.05;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : 0.5 * ((s[mid - 1] as number) + (s[mid] as number));
};

interface Row {
  groups: number;
  k: number;
  lambda: number;
  runs: number;
  jsMedianMs: number;
  jsNsPerGroup: number;
  jsSortMs: number;
  numpyMs?: number;
  torchMs?: number;
}
const rows: Row[] = [];
const folder = mkdtempSync(join(tmpdir(), 'gsef-bench-'));
try {
  // JIT warm-up on a mid-size problem.
  const warm = new Random(1).fillNormal(new Float64Array(200_000)).map(Math.abs);
  for (let i = 0; i < 5; i++) gsefScales(warm, 50_000, lambda);
  for (const m of sizes) {
    const norms = new Random(m).fillNormal(new Float64Array(m)).map(Math.abs);
    const k = Math.floor(m / 4);
    const runs = m >= 1e7 ? Math.min(5, Number(runsOption)) : Number(runsOption);
    const out = new Float64Array(m);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      gsefScales(norms, k, lambda, { out });
      times.push(performance.now() - start);
    }
    const copy = norms.slice();
    const sortStart = performance.now();
    copy.sort();
    const jsSortMs = performance.now() - sortStart;
    const jsMedianMs = median(times);
    const row: Row = { groups: m, k, lambda, runs, jsMedianMs, jsNsPerGroup: (jsMedianMs * 1e6) / m, jsSortMs };
    // JS result in the peer's form (the prox of the norms, q = scale·u) for the agreement check.
    let jsSum = 0;
    let jsNonzero = 0;
    for (let j = 0; j < m; j++) {
      const q = (out[j] as number) * (norms[j] as number);
      jsSum += q;
      if (q !== 0) jsNonzero += 1;
    }
    if (!values['no-peer']) {
      const file = join(folder, `norms-${m}.f64`);
      writeFileSync(file, new Uint8Array(norms.buffer));
      try {
        const output = execFileSync(values.python, [new URL('prox_peer.py', import.meta.url).pathname, file, String(k), String(lambda), String(runs)], { encoding: 'utf8' });
        const peer = JSON.parse(output) as { numpyMs: number; torchMs: number; numpySum: number; numpyNonzero: number; torchSum: number; torchNonzero: number };
        row.numpyMs = peer.numpyMs;
        row.torchMs = peer.torchMs;
        for (const [name, sum, nonzero] of [
          ['numpy', peer.numpySum, peer.numpyNonzero],
          ['torch', peer.torchSum, peer.torchNonzero],
        ] as const) {
          if (Math.abs(sum - jsSum) > 1e-9 * jsSum || nonzero !== jsNonzero) {
            throw new Error(`${name} disagrees at m = ${m}: sum ${sum} vs ${jsSum}, nonzero ${nonzero} vs ${jsNonzero}`);
          }
        }
      } catch (error) {
        if (error instanceof Error && error.message.includes('disagrees')) throw error;
        console.warn(`peer skipped at m = ${m}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      } finally {
        rmSync(file, { force: true });
      }
    }
    rows.push(row);
    console.log(
      `m=${m.toExponential(0).padEnd(5)} k=${String(k).padStart(8)}  JS ${jsMedianMs.toFixed(2).padStart(9)} ms  ${row.jsNsPerGroup.toFixed(1).padStart(6)} ns/group  ` +
        `(JS sort alone ${jsSortMs.toFixed(1)} ms)` +
        (row.numpyMs === undefined ? '' : `  numpy ${row.numpyMs.toFixed(2)} ms  torch ${(row.torchMs ?? 0).toFixed(2)} ms  torch/JS ${((row.torchMs ?? 0) / jsMedianMs).toFixed(2)}x  numpy/JS ${(row.numpyMs / jsMedianMs).toFixed(2)}x`),
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
const first = rows[0];
const last = rows[rows.length - 1];
if (first !== undefined && last !== undefined && last !== first) {
  console.log(`time per group from m=${first.groups.toExponential(0)} to m=${last.groups.toExponential(0)}: ${first.jsNsPerGroup.toFixed(1)} → ${last.jsNsPerGroup.toFixed(1)} ns (×${(last.jsNsPerGroup / first.jsNsPerGroup).toFixed(2)} for ×${(last.groups / first.groups).toExponential(0)} groups)`);
}
const summary = rows.map((row) => ({
  name: `prox of λ·SEF_k, m = ${row.groups.toExponential(0)} groups: JS vs torch sort-based`,
  ours: row.jsMedianMs,
  ...(row.torchMs === undefined ? {} : { peer: row.torchMs, ratio: row.torchMs / row.jsMedianMs }),
  unit: 'ms',
}));
writeAtomically(
  new URL('../../../bench/results/prox-scaling.json', import.meta.url).pathname,
  { benchmark: 'prox-scaling', date: new Date().toISOString(), lambda, rows, summary },
);

/** Writes pretty JSON through a temporary file and a rename, so no half-written file is left. */
function writeAtomically(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temporary, path);
}

if (values.json !== undefined) {
  writeAtomically(values.json, rows);
  console.log(`wrote ${values.json}`);
}
