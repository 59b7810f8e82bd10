/**
 * Benchmark: `sparse dare` against an equivalent PyTorch script (dare_torch.py) on the same
 * synthetic ~1 GB safetensors checkpoint pair, printing wall time and peak memory of both.
 *
 *   pnpm tsx --tsconfig bench/delta/tsconfig.json bench/delta/bench-dare.ts [options]
 *
 * It runs the built CLI (packages/cli/dist/bin.js) and builds it first (`tsc -b packages/cli`)
 * when it is missing, as on a fresh clone. Results, with a `summary` row for `pnpm bench`
 * (ratio = PyTorch time / ours, > 1 = ours faster), go to bench/results/delta-dare.json.
 *
 * Options: --gb N (size of each checkpoint, default 1), --quick (0.25 GB), --dtype BF16|F16|F32 (default BF16),
 * --rate P (default 0.9), --runs N (default 1; the best time and the largest memory are shown),
 * --python PATH (default /usr/bin/python3, which has PyTorch 1.13), --keep (keep the files).
 *
 * The checkpoints (a Llama-like layout: embeddings, 2048-wide attention and MLP blocks, norms,
 * lm_head) are written to a temporary folder outside the repository and deleted at the end.
 * Peak memory is the kernel's high-water mark of the resident set (ru_maxrss / VmHWM) of each
 * child process, read with GNU time (`/usr/bin/time -v`) when available, else by polling
 * /proc/<pid>/status. Both outputs are then checked: same tensors as the fine-tuned file, the
 * realized drop rate close to p, kept entries equal to base + δ/(1−p) up to the output dtype's rounding
 * (reported in units in the last place of the operands' scale).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeTensorData, openSafetensors, writeSafetensors, type SafetensorsDtype, type SafetensorsEntry } from '@sparse/core';
import { measureChild, PEAK_MEMORY_SOURCE, type ChildMeasurement } from '../lib/measure-child.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? (argv[index + 1] as string) : fallback;
};
const gigabytes = Number(option('gb', argv.includes('--quick') ? '0.25' : '1'));
const dtype = option('dtype', 'BF16') as SafetensorsDtype;
const rate = Number(option('rate', '0.9'));
const runs = Number(option('runs', '1'));
const python = option('python', '/usr/bin/python3');
const keep = argv.includes('--keep');
if (!['BF16', 'F16', 'F32'].includes(dtype)) throw new Error(`--dtype must be BF16, F16 or F32; got ${dtype}`);

const cli = join(root, 'packages/cli/dist/bin.js');
if (!existsSync(join(root, 'packages/cli/dist/commands/dare.js'))) {
  console.log('building the CLI (tsc -b packages/cli) ...');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-b', join(root, 'packages/cli')], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`building the CLI failed (exit ${build.status ?? build.signal}); run pnpm build and look at its errors`);
    process.exit(1);
  }
}

/** A Llama-like tensor list (hidden 2048, MLP 5632, vocabulary 32000) with enough layers for the size. */
function layout(bytes: number, size: number): { name: string; shape: number[] }[] {
  const hidden = 2048;
  const mlp = 5632;
  const vocab = 32000;
  const tensors: { name: string; shape: number[] }[] = [{ name: 'model.embed_tokens.weight', shape: [vocab, hidden] }];
  const fixed = 2 * vocab * hidden + hidden;
  const perLayer = 4 * hidden * hidden + 3 * hidden * mlp + 2 * hidden;
  const layers = Math.max(1, Math.round((bytes / size - fixed) / perLayer));
  for (let l = 0; l < layers; l++) {
    const prefix = `model.layers.${l}`;
    for (const p of ['q', 'k', 'v', 'o']) tensors.push({ name: `${prefix}.self_attn.${p}_proj.weight`, shape: [hidden, hidden] });
    tensors.push({ name: `${prefix}.mlp.gate_proj.weight`, shape: [mlp, hidden] });
    tensors.push({ name: `${prefix}.mlp.up_proj.weight`, shape: [mlp, hidden] });
    tensors.push({ name: `${prefix}.mlp.down_proj.weight`, shape: [hidden, mlp] });
    tensors.push({ name: `${prefix}.input_layernorm.weight`, shape: [hidden] });
    tensors.push({ name: `${prefix}.post_attention_layernorm.weight`, shape: [hidden] });
  }
  tensors.push({ name: 'model.norm.weight', shape: [hidden] }, { name: 'lm_head.weight', shape: [vocab, hidden] });
  return tensors;
}

/** Fast synthetic values (xorshift32; only data, not the randomness under test): base ~ U(±0.035), delta ~ U(±0.002). */
function values(n: number, seed: number, withDelta: boolean): Float32Array {
  const out = new Float32Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  let y = (seed * 40503 + 12345) >>> 0 || 7;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    let v = ((x >>> 0) / 4294967296 - 0.5) * 0.07;
    if (withDelta) {
      y ^= y << 13;
      y ^= y >>> 17;
      y ^= y << 5;
      v += ((y >>> 0) / 4294967296 - 0.5) * 0.004;
    }
    out[i] = v;
  }
  return out;
}

async function writeCheckpoint(path: string, tensors: readonly { name: string; shape: number[] }[], withDelta: boolean): Promise<void> {
  const entries: SafetensorsEntry[] = tensors.map(({ name, shape }, k) => ({
    name,
    dtype,
    shape,
    data: () => encodeTensorData(dtype, values(shape.reduce((a, b) => a * b, 1), k + 1, withDelta)),
  }));
  await writeSafetensors(path, entries, { metadata: { format: 'pt' } });
}

type Measurement = ChildMeasurement;
const measure = (command: string, args: readonly string[]): Promise<Measurement> => measureChild(command, args, root);

/** The spacing of the output dtype's values around `x` (unit in the last place). */
function ulp(x: number): number {
  const exponent = Math.floor(Math.log2(Math.abs(x) || 2 ** -126));
  if (dtype === 'BF16') return 2 ** (Math.max(exponent, -126) - 7);
  if (dtype === 'F16') return 2 ** (Math.max(exponent, -14) - 10);
  return 2 ** (Math.max(exponent, -126) - 23);
}

/** Checks an output: every tensor of the fine-tuned file, realized drop rate, kept = b + δ/(1−p). */
async function check(base: string, tuned: string, output: string): Promise<{ realized: number; maxError: number }> {
  const [b, f, o] = await Promise.all([openSafetensors(base), openSafetensors(tuned), openSafetensors(output)]);
  try {
    if (JSON.stringify(o.header.tensors.map((t) => [t.name, t.dtype, t.shape])) !== JSON.stringify(f.header.tensors.map((t) => [t.name, t.dtype, t.shape]))) {
      throw new Error(`${output} does not have the tensors of ${tuned}`);
    }
    let dropped = 0;
    let counted = 0;
    let maxError = 0;
    for (const name of ['model.layers.0.self_attn.q_proj.weight', 'model.layers.0.mlp.down_proj.weight']) {
      const [bv, fv, ov] = await Promise.all([b.readFloat32(name), f.readFloat32(name), o.readFloat32(name)]);
      for (let i = 0; i < ov.length; i++) {
        const bi = bv[i] as number;
        const fi = fv[i] as number;
        if (fi === bi) continue;
        counted++;
        if (ov[i] === bi) dropped++;
        else {
          // In units in the last place of the operands' scale (the result can cancel to ~0).
          const scaled = (fi - bi) / (1 - rate);
          maxError = Math.max(maxError, Math.abs((ov[i] as number) - (bi + scaled)) / ulp(Math.max(Math.abs(bi), Math.abs(scaled))));
        }
      }
    }
    const head = Buffer.from(await o.readBytes('lm_head.weight')).equals(Buffer.from(await f.readBytes('lm_head.weight')));
    if (!head) throw new Error(`${output}: lm_head.weight is not the fine-tuned one`);
    return { realized: dropped / counted, maxError };
  } finally {
    await Promise.all([b.close(), f.close(), o.close()]);
  }
}

const folder = await mkdtemp(join(tmpdir(), 'sparse-dare-bench-'));
try {
  const size = dtype === 'F32' ? 4 : 2;
  const tensors = layout(gigabytes * 1e9, size);
  const basePath = join(folder, 'base.safetensors');
  const tunedPath = join(folder, 'finetuned.safetensors');
  let started = performance.now();
  await writeCheckpoint(basePath, tensors, false);
  await writeCheckpoint(tunedPath, tensors, true);
  const bytes = (await stat(tunedPath)).size;
  const largest = Math.max(...tensors.map((t) => t.shape.reduce((a, b) => a * b, 1))) * size;
  console.log(
    `synthetic checkpoints: ${tensors.length} ${dtype} tensors, ${(bytes / 1e9).toFixed(2)} GB each (largest tensor ${(largest / 1e6).toFixed(0)} MB), written in ${((performance.now() - started) / 1000).toFixed(1)} s to ${folder}`,
  );

  const ours = join(folder, 'ours.safetensors');
  const theirs = join(folder, 'torch.safetensors');
  const common = ['--rate', String(rate), '--seed', '0'];
  const results: Record<'ours' | 'torch', Measurement[]> = { ours: [], torch: [] };
  const baseline = { ours: await measure(process.execPath, [cli, '--version']), torch: await measure(python, ['-c', 'import torch']) };
  for (let run = 0; run < runs; run++) {
    results.ours.push(await measure(process.execPath, [cli, 'dare', '--base', basePath, '--finetuned', tunedPath, '--out', ours, ...common]));
    results.torch.push(await measure(python, [join(root, 'bench/delta/dare_torch.py'), basePath, tunedPath, theirs, ...common]));
  }
  started = performance.now();
  const checks = { ours: await check(basePath, tunedPath, ours), torch: await check(basePath, tunedPath, theirs) };
  const torchInfo = JSON.parse(results.torch[0]?.stdout.trim().split('\n').at(-1) ?? '{}') as { threads?: number; torch?: string };

  const row = (name: string, list: readonly Measurement[], start: Measurement, checked: { realized: number; maxError: number }) => {
    const seconds = Math.min(...list.map((m) => m.seconds));
    const rss = Math.max(...list.map((m) => m.maxRssMiB));
    return { name, seconds, rss, start: start.maxRssMiB, throughput: bytes / 1e6 / seconds, realized: checked.realized, maxError: checked.maxError };
  };
  const rows = [
    row(`sparse dare (node ${process.version}, 1 JS thread)`, results.ours, baseline.ours, checks.ours),
    row(`PyTorch ${torchInfo.torch ?? '?'} (${torchInfo.threads ?? '?'} thread${torchInfo.threads === 1 ? '' : 's'}), per tensor`, results.torch, baseline.torch, checks.torch),
  ];
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`\nDARE p = ${rate}, rescale 1/(1−p), ${dtype}, ${(bytes / 1e9).toFixed(2)} GB per checkpoint, best of ${runs} run${runs === 1 ? '' : 's'} (memory: peak resident set, ${PEAK_MEMORY_SOURCE})`);
  console.log(`${'implementation'.padEnd(width)}  wall time  MB/s (F)  peak RSS  (startup RSS)  realized p  max error of kept (ulp*)`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(width)}  ${`${r.seconds.toFixed(2)} s`.padStart(9)}  ${r.throughput.toFixed(0).padStart(8)}  ${`${r.rss.toFixed(0)} MiB`.padStart(8)}  ${`(${r.start.toFixed(0)} MiB)`.padStart(13)}  ${r.realized.toFixed(4).padStart(10)}  ${r.maxError.toFixed(2).padStart(22)}`,
    );
  }
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(`* |out − (b + δ/(1−p))| in units in the last place of ${dtype} at the scale of max(|b|, |δ/(1−p)|).`);
  console.log(`ratio sparse/PyTorch: time ${(a.seconds / b.seconds).toFixed(2)}x, peak memory ${(a.rss / b.rss).toFixed(2)}x`);
  const label = `sparse dare, ${(bytes / 1e9).toFixed(2)} GB ${dtype}`;
  const summary = [
    { name: `${label}: wall time`, ours: a.seconds, peer: b.seconds, unit: 's', ratio: b.seconds / a.seconds },
    { name: `${label}: peak memory`, ours: a.rss, peer: b.rss, unit: 'MiB', ratio: b.rss / a.rss },
  ];
  const resultsPath = join(root, 'bench/results/delta-dare.json');
  await writeFile(`${resultsPath}.${process.pid}.tmp`, `${JSON.stringify({ benchmark: 'delta-dare', date: new Date().toISOString(), rate, dtype, bytes, runs, rows, summary }, null, 2)}\n`);
  await rename(`${resultsPath}.${process.pid}.tmp`, resultsPath);
} finally {
  if (keep) console.log(`kept ${folder}`);
  else await rm(folder, { recursive: true, force: true });
}
