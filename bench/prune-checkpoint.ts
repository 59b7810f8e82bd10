/**
 * Benchmark: `sparse prune --scope global` against PyTorch's `global_unstructured` on the same
 * synthetic ~1 GB float32 safetensors checkpoint, printing wall time and peak memory of both.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/prune-checkpoint.ts [--gb 1] [--quick] [--sparsity 0.9] [--runs 1] [--threads 1] [--keep]
 *
 * It runs the built CLI (packages/cli/dist/bin.js, `tsc -b packages/cli` first, incremental, so
 * the command measured is the sources') in a child process:
 * `sparse prune --in IN --out OUT --sparsity S --scope global`; and the peer
 * bench/python/prune_checkpoint.py (safetensors loaded with the `safetensors` package when
 * installed, else parsed by hand with torch.frombuffer: it says which), which wraps every float
 * tensor of rank >= 2 as a module's weight, runs `prune.global_unstructured` with L1Unstructured
 * at S, `prune.remove`, and saves. `--quick` uses a 0.1 GB checkpoint.
 *
 * The checkpoint (a transformer-like layout: token embeddings, per layer attention q/k/v/o, an MLP
 * up/down pair with biases and layer norms, a final norm and an untied head) is written to a
 * temporary folder outside the repository and deleted at the end. Peak memory is the kernel's
 * high-water mark of the child's resident set (GNU time's "Maximum resident set size", else
 * VmHWM polled from /proc/<pid>/status). Both outputs are then checked: every tensor there with its
 * dtype and shape, tensors of rank < 2 byte-identical, kept weights bit-identical and pruned ones
 * +0 (±0 from PyTorch, whose weight·mask keeps the sign), the same number pruned (round(S·N), PyTorch's rule), the same largest pruned magnitude, and
 * the same mask at every weight whose magnitude is not that one (ties at the cut may differ: topk
 * does not order them). Results go to bench/results/prune-checkpoint.json with `summary` rows
 * (ratio = PyTorch / ours: > 1 = ours faster or smaller).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSafetensors, writeSafetensors, type SafetensorsEntry, type SafetensorsFile } from '@sparse/core';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { measureChild, PEAK_MEMORY_SOURCE, type ChildMeasurement } from './lib/measure-child.js';
import { ensureBuiltCli } from './lib/built-cli.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? (argv[index + 1] as string) : fallback;
};
const quick = argv.includes('--quick');
const gigabytes = Number(option('gb', quick ? '0.1' : '1'));
const sparsity = Number(option('sparsity', '0.9'));
const runs = Number(option('runs', '1'));
const threads = Number(option('threads', '1'));
const keep = argv.includes('--keep');
if (!(gigabytes > 0) || !(sparsity > 0 && sparsity < 1) || !(runs >= 1) || !(threads >= 1)) {
  throw new Error(`--gb must be > 0, --sparsity in (0, 1), --runs and --threads >= 1; got ${gigabytes}, ${sparsity}, ${runs}, ${threads}`);
}

const cli = ensureBuiltCli();

interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * A transformer-like list of tensors with enough layers for `bytes` of float32: hidden 1024, MLP
 * 4096, vocabulary 32000 from 0.5 GB up; hidden 512, MLP 2048, vocabulary 8000 below.
 */
function layout(bytes: number): TensorSpec[] {
  const small = bytes < 0.5e9;
  const hidden = small ? 512 : 1024;
  const mlp = 4 * hidden;
  const vocab = small ? 8000 : 32000;
  const fixed = 2 * vocab * hidden + 2 * hidden;
  const perLayer = 4 * hidden * hidden + 2 * hidden * mlp + 4 * hidden + mlp + 5 * hidden;
  const layers = Math.max(1, Math.round((bytes / 4 - fixed) / perLayer));
  const tensors: TensorSpec[] = [{ name: 'embed.weight', shape: [vocab, hidden] }];
  for (let l = 0; l < layers; l++) {
    const p = `layers.${l}`;
    tensors.push({ name: `${p}.norm1.weight`, shape: [hidden] }, { name: `${p}.norm1.bias`, shape: [hidden] });
    for (const q of ['q', 'k', 'v', 'o']) tensors.push({ name: `${p}.attn.${q}.weight`, shape: [hidden, hidden] }, { name: `${p}.attn.${q}.bias`, shape: [hidden] });
    tensors.push({ name: `${p}.norm2.weight`, shape: [hidden] }, { name: `${p}.norm2.bias`, shape: [hidden] });
    tensors.push({ name: `${p}.mlp.up.weight`, shape: [mlp, hidden] }, { name: `${p}.mlp.up.bias`, shape: [mlp] });
    tensors.push({ name: `${p}.mlp.down.weight`, shape: [hidden, mlp] }, { name: `${p}.mlp.down.bias`, shape: [hidden] });
  }
  tensors.push({ name: 'norm.weight', shape: [hidden] }, { name: 'norm.bias', shape: [hidden] }, { name: 'head.weight', shape: [vocab, hidden] });
  return tensors;
}

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Synthetic weights (xorshift32; data, not randomness under test): a triangular distribution on
 * ±0.04·(fan-in scale), never exactly 0 (so an output's zeros are exactly its pruned weights).
 */
function values(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u = (x >>> 0) / 4294967296;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const v = u + (x >>> 0) / 4294967296 - 1;
    out[i] = v === 0 ? scale * 1e-6 : v * scale;
  }
  return out;
}

async function writeCheckpoint(path: string, tensors: readonly TensorSpec[]): Promise<void> {
  const entries: SafetensorsEntry[] = tensors.map(({ name, shape }, k) => ({
    name,
    dtype: 'F32',
    shape,
    data: () => {
      const v = values(elements(shape), k + 1, shape.length >= 2 ? 0.08 / Math.sqrt((shape[1] ?? 1) / 1024) : 0.02);
      return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    },
  }));
  await writeSafetensors(path, entries, { metadata: { format: 'pt' } });
}

type Measurement = ChildMeasurement;
const measure = (command: string, args: readonly string[]): Promise<Measurement> => measureChild(command, args, root);

interface Comparison {
  readonly prunable: number;
  readonly prunedOurs: number;
  readonly prunedTorch: number;
  readonly cutOurs: number;
  readonly cutTorch: number;
  /** Weights whose magnitude equals the cut (either side may prune any of them). */
  readonly atCut: number;
  /** Weights off the cut whose masks differ. */
  readonly maskMismatches: number;
  readonly problems: readonly string[];
}

/** Reads a tensor as float32 bits (the checkpoint is F32 throughout). */
async function bitsOf(file: SafetensorsFile, name: string): Promise<Int32Array> {
  const bytes = await file.readBytes(name);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Checks both outputs against the input, tensor by tensor (two passes: the cut, then the masks off the cut). */
async function compare(input: string, ours: string, theirs: string): Promise<Comparison> {
  const [inFile, oursFile, torchFile] = await Promise.all([openSafetensors(input), openSafetensors(ours), openSafetensors(theirs)]);
  const problems: string[] = [];
  try {
    const shapes = (file: SafetensorsFile) => JSON.stringify(file.header.tensors.map((t) => [t.name, t.dtype, t.shape]).sort());
    for (const [label, file] of [['sparse prune', oursFile], ['PyTorch', torchFile]] as const) {
      if (shapes(file) !== shapes(inFile)) problems.push(`${label}: the output does not have the input's tensors, dtypes and shapes`);
    }
    const prunable = inFile.header.tensors.filter((t) => t.shape.length >= 2);
    let prunedOurs = 0;
    let prunedTorch = 0;
    let cutOurs = -1;
    let cutTorch = -1;
    let weights = 0;
    for (const info of inFile.header.tensors) {
      const [a, b, c] = await Promise.all([bitsOf(inFile, info.name), bitsOf(oursFile, info.name), bitsOf(torchFile, info.name)]);
      const isPrunable = info.shape.length >= 2;
      weights += isPrunable ? a.length : 0;
      for (let i = 0; i < a.length; i++) {
        const w = a[i] as number;
        const magnitude = w & 0x7fffffff; // order of |w| as int32 (no NaN here)
        if (magnitude === 0) {
          problems.push(`${info.name}[${i}] is 0 in the input`);
          break;
        }
        for (const [side, out] of [['ours', b], ['torch', c]] as const) {
          const o = out[i] as number;
          if (o === w) continue;
          // Ours writes +0; PyTorch's weight * mask gives -0 for a negative weight.
          if (!isPrunable || (side === 'ours' ? o !== 0 : (o & 0x7fffffff) !== 0)) {
            problems.push(`${side}: ${info.name}[${i}] is neither the input's weight nor ${side === 'ours' ? '+0' : '±0'}`);
            break;
          }
          if (side === 'ours') {
            prunedOurs++;
            if (magnitude > cutOurs) cutOurs = magnitude;
          } else {
            prunedTorch++;
            if (magnitude > cutTorch) cutTorch = magnitude;
          }
        }
        if (problems.length > 20) throw new Error(problems.join('\n'));
      }
    }
    let atCut = 0;
    let maskMismatches = 0;
    for (const info of prunable) {
      const [a, b, c] = await Promise.all([bitsOf(inFile, info.name), bitsOf(oursFile, info.name), bitsOf(torchFile, info.name)]);
      for (let i = 0; i < a.length; i++) {
        const magnitude = (a[i] as number) & 0x7fffffff;
        if (magnitude === cutOurs) atCut++;
        else if (((b[i] as number) === 0) !== (((c[i] as number) & 0x7fffffff) === 0)) maskMismatches++;
      }
    }
    const expected = Math.round(sparsity * weights); // Python's round() differs only at exact halves
    if (prunedOurs !== expected) problems.push(`sparse prune pruned ${prunedOurs} weights, expected round(${sparsity}·${weights}) = ${expected}`);
    if (prunedTorch !== prunedOurs) problems.push(`PyTorch pruned ${prunedTorch} weights, sparse prune ${prunedOurs}`);
    if (cutTorch !== cutOurs) problems.push(`the largest pruned magnitudes differ: ours ${cutOurs}, PyTorch ${cutTorch} (bits)`);
    if (maskMismatches > 0) problems.push(`${maskMismatches} weights off the cut have different masks`);
    const f32 = new Float32Array(new Int32Array([cutOurs]).buffer)[0] as number;
    return { prunable: weights, prunedOurs, prunedTorch, cutOurs: f32, cutTorch: new Float32Array(new Int32Array([cutTorch]).buffer)[0] as number, atCut, maskMismatches, problems };
  } finally {
    await Promise.all([inFile.close(), oursFile.close(), torchFile.close()]);
  }
}

const python = findTorchPython();
const machineBefore = machineInfo();
console.log(`prune-checkpoint benchmark; ${describeMachine(machineBefore)}`);
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);

const folder = await mkdtemp(join(tmpdir(), 'sparse-prune-bench-'));
try {
  const tensors = layout(gigabytes * 1e9);
  const inputPath = join(folder, 'model.safetensors');
  let started = performance.now();
  await writeCheckpoint(inputPath, tensors);
  const bytes = (await stat(inputPath)).size;
  const prunableWeights = tensors.filter((t) => t.shape.length >= 2).reduce((sum, t) => sum + elements(t.shape), 0);
  const largest = Math.max(...tensors.map((t) => elements(t.shape))) * 4;
  console.log(
    `synthetic checkpoint: ${tensors.length} F32 tensors, ${(bytes / 1e9).toFixed(2)} GB, ${prunableWeights} weights in the ${tensors.filter((t) => t.shape.length >= 2).length} of rank >= 2 (largest tensor ${(largest / 1e6).toFixed(0)} MB), written in ${((performance.now() - started) / 1000).toFixed(1)} s to ${folder}`,
  );

  const oursPath = join(folder, 'ours.safetensors');
  const torchPath = join(folder, 'torch.safetensors');
  const baseline = { ours: await measure(process.execPath, [cli, '--version']), torch: python === null ? undefined : await measure(python.executable, ['-c', 'import torch']) };
  const results: { ours: Measurement[]; torch: Measurement[] } = { ours: [], torch: [] };
  for (let run = 0; run < runs; run++) {
    results.ours.push(await measure(process.execPath, [cli, 'prune', '--in', inputPath, '--out', oursPath, '--sparsity', String(sparsity), '--scope', 'global']));
    if (python !== null) {
      results.torch.push(
        await measure(python.executable, [join(root, 'bench/python/prune_checkpoint.py'), inputPath, torchPath, '--sparsity', String(sparsity), '--threads', String(threads)]),
      );
    }
  }
  started = performance.now();
  const comparison = python === null ? undefined : await compare(inputPath, oursPath, torchPath);
  const checkSeconds = (performance.now() - started) / 1000;
  const torchInfo = JSON.parse(results.torch[0]?.stdout.trim().split('\n').at(-1) ?? '{}') as {
    loader?: string;
    threads?: number;
    torch?: string;
    seconds?: Record<string, number>;
  };

  const row = (name: string, list: readonly Measurement[], start: Measurement | undefined) => ({
    name,
    seconds: Math.min(...list.map((m) => m.seconds)),
    rss: Math.max(...list.map((m) => m.maxRssMiB)),
    start: start?.maxRssMiB ?? Number.NaN,
  });
  const rows = [row(`sparse prune (node ${process.version}, 1 JS thread)`, results.ours, baseline.ours)];
  if (python !== null) rows.push(row(`PyTorch ${torchInfo.torch ?? '?'} global_unstructured (${torchInfo.threads ?? '?'} thread${torchInfo.threads === 1 ? '' : 's'})`, results.torch, baseline.torch));
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `\nglobal magnitude pruning to ${sparsity}, ${(bytes / 1e9).toFixed(2)} GB F32 checkpoint, best of ${runs} run${runs === 1 ? '' : 's'} (memory: peak resident set, ${PEAK_MEMORY_SOURCE})`,
  );
  console.log(`${'implementation'.padEnd(width)}  wall time  peak RSS  (startup RSS)`);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${`${r.seconds.toFixed(2)} s`.padStart(9)}  ${`${r.rss.toFixed(0)} MiB`.padStart(8)}  ${`(${r.start.toFixed(0)} MiB)`.padStart(13)}`);
  if (torchInfo.loader !== undefined) {
    const phases = Object.entries(torchInfo.seconds ?? {}).map(([phase, s]) => `${phase} ${s.toFixed(2)} s`).join(', ');
    console.log(`PyTorch loaded the checkpoint with: ${torchInfo.loader}; its phases: ${phases}`);
  }
  const summary: { name: string; ours: number; peer: number; unit: string; ratio: number }[] = [];
  if (rows.length === 2 && comparison !== undefined) {
    const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
    console.log(`ratio PyTorch / sparse prune (>1 = ours faster or smaller): time ${(b.seconds / a.seconds).toFixed(2)}x, peak memory ${(b.rss / a.rss).toFixed(2)}x`);
    console.log(
      `check (${checkSeconds.toFixed(1)} s): pruned ${comparison.prunedOurs} (ours) and ${comparison.prunedTorch} (PyTorch) of ${comparison.prunable}; largest pruned |w| ${comparison.cutOurs} and ${comparison.cutTorch}; ${comparison.atCut} weight(s) at that magnitude (ties, either may go); masks differ at ${comparison.maskMismatches} weight(s) off it`,
    );
    const label = `sparse prune --scope global, ${(bytes / 1e9).toFixed(2)} GB F32`;
    summary.push(
      { name: `${label}: wall time`, ours: a.seconds, peer: b.seconds, unit: 's', ratio: b.seconds / a.seconds },
      { name: `${label}: peak memory`, ours: a.rss, peer: b.rss, unit: 'MiB', ratio: b.rss / a.rss },
    );
  }
  const machineAfter = machineInfo();
  const path = writeResults('prune-checkpoint', {
    benchmark: 'prune-checkpoint',
    date: new Date().toISOString(),
    machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
    command: `sparse prune --in IN --out OUT --sparsity ${sparsity} --scope global`,
    peer: python === null ? null : { script: 'bench/python/prune_checkpoint.py', loader: torchInfo.loader, threads: torchInfo.threads, torch: torchInfo.torch, phases: torchInfo.seconds },
    bytes,
    tensors: tensors.length,
    prunableWeights,
    runs,
    rows,
    comparison,
    summary,
  });
  console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
  if (comparison !== undefined && comparison.problems.length > 0) {
    console.error(`the outputs disagree:\n  ${comparison.problems.join('\n  ')}`);
    process.exitCode = 1;
  }
} finally {
  if (keep) console.log(`kept ${folder}`);
  else await rm(folder, { recursive: true, force: true });
}
