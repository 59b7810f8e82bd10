import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Random,
  decodeToFloat32,
  encodeTensorData,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  isSparseError,
  openSafetensors,
  writeSafetensors,
  type SafetensorsDtype,
  type SafetensorsEntry,
} from '@sparse/core';
import { pruneDeltas } from '../tensors/prune-deltas.js';
import { BernoulliDrops } from '../kernel/drop-stream.js';
import { DARE_METADATA_KEY, dareCheckpoint, type DareCheckpointOptions } from './dare-checkpoint.js';

interface Spec {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

const SPECS: readonly Spec[] = [
  { name: 'embed.weight', dtype: 'BF16', shape: [50, 8] },
  { name: 'layers.0.attn.weight', dtype: 'F16', shape: [13, 11] },
  { name: 'layers.0.mlp.weight', dtype: 'F32', shape: [17, 9] },
  { name: 'layers.0.norm.weight', dtype: 'F64', shape: [9] },
  { name: 'position_ids', dtype: 'I64', shape: [1, 5] },
  { name: 'classifier.weight', dtype: 'F32', shape: [3, 8] },
];

function values(spec: Spec, seed: number): number[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.dtype === 'I64') return Array.from({ length: n }, (_, i) => i + seed);
  return Array.from(new Random(seed).fillNormal(new Float32Array(n), 0, 0.05));
}

function entries(specs: readonly Spec[], tuned: boolean): SafetensorsEntry[] {
  return specs.map((spec, k) => {
    const base = values(spec, k);
    const data = tuned && spec.dtype !== 'I64' ? base.map((v, i) => v + (values(spec, 100 + k)[i] as number) * 0.1) : base;
    return { ...spec, data: encodeTensorData(spec.dtype, data) };
  });
}

let folder: string;
const path = (name: string) => join(folder, name);

async function errorOf(options: DareCheckpointOptions): Promise<{ code: string; message: string }> {
  try {
    await dareCheckpoint(options);
  } catch (error) {
    if (isSparseError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sparse-delta-'));
  await writeSafetensors(path('base.safetensors'), entries(SPECS, false), { metadata: { format: 'pt' } });
  await writeSafetensors(path('tuned.safetensors'), entries(SPECS, true), { metadata: { format: 'pt', origin: 'sft' } });
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

describe('dareCheckpoint', () => {
  it('writes base + δ̃ in the fine-tuned dtypes, excluded and integer tensors copied byte for byte', async () => {
    const { report } = await dareCheckpoint({ base: path('base.safetensors'), finetuned: path('tuned.safetensors'), output: path('out.safetensors'), rate: 0.6, seed: 9, chunkElements: 7 });
    const base = await openSafetensors(path('base.safetensors'));
    const tuned = await openSafetensors(path('tuned.safetensors'));
    const out = await openSafetensors(path('out.safetensors'));
    try {
      expect(out.header.tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }))).toEqual(SPECS.map((s) => ({ ...s })));
      expect(out.header.metadata['format']).toBe('pt');
      expect(out.header.metadata['origin']).toBe('sft');
      expect(JSON.parse(out.header.metadata[DARE_METADATA_KEY] ?? '{}')).toMatchObject({ method: 'random', rate: 0.6, seed: 9, seedPurpose: 'dare' });
      for (const spec of SPECS) {
        const row = report.tensors.find((t) => t.name === spec.name)!;
        if (spec.name === 'classifier.weight' || spec.dtype === 'I64') {
          expect(row.status).toBe(spec.dtype === 'I64' ? 'copied' : 'excluded');
          expect(Buffer.from(await out.readBytes(spec.name)).equals(Buffer.from(await tuned.readBytes(spec.name)))).toBe(true);
          continue;
        }
        const b = await base.readFloat32(spec.name);
        const t = await tuned.readFloat32(spec.name);
        const o = await out.readFloat32(spec.name);
        const flags = new Uint8Array(b.length);
        new BernoulliDrops(9, spec.name, 0.6).fill(flags, b.length);
        const bBits = await base.readBytes(spec.name);
        const oBits = await out.readBytes(spec.name);
        let dropped = 0;
        for (let i = 0; i < b.length; i++) {
          const size = oBits.byteLength / b.length;
          if (flags[i] === 1) {
            dropped++;
            expect(Buffer.from(oBits.subarray(i * size, (i + 1) * size)).equals(Buffer.from(bBits.subarray(i * size, (i + 1) * size)))).toBe(true);
            continue;
          }
          const exact = Math.fround(b[i]! + (t[i]! - b[i]!) / 0.4);
          if (spec.dtype === 'F16') expect(float32ToFloat16Bits(o[i]!)).toBe(float32ToFloat16Bits(exact));
          else if (spec.dtype === 'BF16') expect(float32ToBfloat16Bits(o[i]!)).toBe(float32ToBfloat16Bits(exact));
          else if (spec.dtype === 'F32') expect(o[i]).toBe(exact);
          else expect(o[i]).toBeCloseTo(b[i]! + (t[i]! - b[i]!) / 0.4, 6);
        }
        expect(row).toMatchObject({ status: 'pruned', dropped, scale: 1 / 0.4 });
      }
    } finally {
      await Promise.all([base.close(), tuned.close(), out.close()]);
    }
  });

  it('gives identical bytes for the same seed, whatever the chunk size, and equals pruneDeltas on F32', async () => {
    const common = { base: path('base.safetensors'), finetuned: path('tuned.safetensors'), rate: 0.9, seed: 4 };
    await dareCheckpoint({ ...common, output: path('a.safetensors') });
    await dareCheckpoint({ ...common, output: path('b.safetensors'), chunkElements: 3 });
    expect((await readFile(path('a.safetensors'))).equals(await readFile(path('b.safetensors')))).toBe(true);
    const out = await openSafetensors(path('a.safetensors'));
    const base = await openSafetensors(path('base.safetensors'));
    const tuned = await openSafetensors(path('tuned.safetensors'));
    const name = 'layers.0.mlp.weight';
    const { tensors } = await pruneDeltas(new Map([[name, await base.readFloat32(name)]]), new Map([[name, await tuned.readFloat32(name)]]), { rate: 0.9, seed: 4 });
    expect(await out.readFloat32(name)).toEqual(tensors.get(name));
    await Promise.all([out.close(), base.close(), tuned.close()]);
  });

  it('does not depend on the order tensors are stored in', async () => {
    const reversed = [...SPECS].reverse();
    await writeSafetensors(path('base-r.safetensors'), entries(SPECS, false).reverse());
    await writeSafetensors(path('tuned-r.safetensors'), entries(SPECS, true).reverse());
    expect(reversed.length).toBe(SPECS.length);
    for (const method of ['random', 'magnitude'] as const) {
      const options = { rate: 0.5, seed: 2, method, ...(method === 'magnitude' ? { scope: 'global' as const } : {}) };
      await dareCheckpoint({ ...options, base: path('base.safetensors'), finetuned: path('tuned.safetensors'), output: path('o1.safetensors') });
      await dareCheckpoint({ ...options, base: path('base-r.safetensors'), finetuned: path('tuned-r.safetensors'), output: path('o2.safetensors'), chunkElements: 5 });
      const one = await openSafetensors(path('o1.safetensors'));
      const two = await openSafetensors(path('o2.safetensors'));
      for (const spec of SPECS) expect(Buffer.from(await two.readBytes(spec.name)).equals(Buffer.from(await one.readBytes(spec.name))), `${method} ${spec.name}`).toBe(true);
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('prunes by magnitude per tensor like the in-memory path', async () => {
    await dareCheckpoint({ base: path('base.safetensors'), finetuned: path('tuned.safetensors'), output: path('m.safetensors'), rate: 0.75, method: 'magnitude', chunkElements: 4 });
    const out = await openSafetensors(path('m.safetensors'));
    const base = await openSafetensors(path('base.safetensors'));
    const tuned = await openSafetensors(path('tuned.safetensors'));
    const name = 'layers.0.mlp.weight';
    const { tensors } = await pruneDeltas(new Map([[name, await base.readFloat32(name)]]), new Map([[name, await tuned.readFloat32(name)]]), { rate: 0.75, method: 'magnitude' });
    expect(await out.readFloat32(name)).toEqual(tensors.get(name));
    const b16 = await base.readFloat32('layers.0.attn.weight');
    const o16 = await out.readFloat32('layers.0.attn.weight');
    expect(o16.filter((v, i) => v === b16[i]).length).toBeGreaterThanOrEqual(Math.floor(0.75 * 143));
    await Promise.all([out.close(), base.close(), tuned.close()]);
  });

  it('handles empty and scalar tensors, global magnitude and the L1 rescale', async () => {
    const specs = [
      { name: 'empty', dtype: 'F32' as const, shape: [0, 4] },
      { name: 'scalar', dtype: 'BF16' as const, shape: [] },
      { name: 'w', dtype: 'F16' as const, shape: [5, 5] },
    ];
    const make = (shift: number) => specs.map((spec) => ({ ...spec, data: encodeTensorData(spec.dtype, Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + shift * (i % 3) * 0.01)) }));
    await writeSafetensors(path('eb.safetensors'), make(0));
    await writeSafetensors(path('ef.safetensors'), make(1));
    for (const options of [{ rate: 0.5, method: 'magnitude' as const, scope: 'global' as const }, { rate: 0.5, rescale: 'l1' as const }]) {
      const { report } = await dareCheckpoint({ base: path('eb.safetensors'), finetuned: path('ef.safetensors'), output: path('eo.safetensors'), ...options });
      expect(report.tensors.map((t) => [t.name, t.elementCount, t.status])).toEqual([['empty', 0, 'pruned'], ['scalar', 1, 'pruned'], ['w', 25, 'pruned']]);
      const out = await openSafetensors(path('eo.safetensors'));
      expect(out.header.tensors.map((t) => t.shape)).toEqual([[0, 4], [], [5, 5]]);
      await out.close();
    }
  });

  describe('errors: clear, before anything is written', () => {
    const common = () => ({ base: path('base.safetensors'), finetuned: path('tuned.safetensors'), rate: 0.5 });

    async function expectNothingWritten(run: () => Promise<unknown>): Promise<void> {
      const before = (await readdir(folder)).sort();
      await run();
      expect((await readdir(folder)).sort()).toEqual(before);
    }

    it('lists mismatched names, shapes and dtypes', async () => {
      const changed = entries(SPECS, true)
        .filter((entry) => entry.name !== 'embed.weight')
        .map((entry) =>
          entry.name === 'layers.0.attn.weight'
            ? { ...entry, shape: [11, 13] }
            : entry.name === 'layers.0.mlp.weight'
              ? { ...entry, dtype: 'F16' as const, data: encodeTensorData('F16', decodeToFloat32('F32', entry.data as Uint8Array)) }
              : entry,
        );
      changed.push({ name: 'extra.weight', dtype: 'F32', shape: [2], data: encodeTensorData('F32', [1, 2]) });
      await writeSafetensors(path('bad.safetensors'), changed);
      await expectNothingWritten(async () => {
        const error = await errorOf({ ...common(), finetuned: path('bad.safetensors'), output: path('x.safetensors') });
        expect(error.code).toBe('E_FORMAT');
        expect(error.message).toContain('4 problems');
        expect(error.message).toContain("'layers.0.attn.weight' has shape [11, 13]");
        expect(error.message).toContain("'layers.0.mlp.weight' is F16 in");
        expect(error.message).toContain("'extra.weight' is in");
        expect(error.message).toMatch(/'embed\.weight' is in .*base\.safetensors but not in/);
      });
    });

    it('rejects a truncated file', async () => {
      await writeFile(path('cut.safetensors'), await readFile(path('tuned.safetensors')));
      await truncate(path('cut.safetensors'), 500);
      await expectNothingWritten(async () => {
        const error = await errorOf({ ...common(), finetuned: path('cut.safetensors'), output: path('x.safetensors') });
        expect(error.code).toBe('E_FORMAT');
        expect(error.message).toMatch(/truncated/);
      });
    });

    it('rejects bad options, a missing input, a missing folder and writing over an input', async () => {
      await expectNothingWritten(async () => {
        expect((await errorOf({ ...common(), rate: 2, output: path('x.safetensors') })).code).toBe('E_CONFIG');
        expect((await errorOf({ ...common(), rescale: { q: 0.1 }, output: path('x.safetensors') })).message).toMatch(/\[0\.5, 1\]/);
        expect((await errorOf({ ...common(), base: path('nope.safetensors'), output: path('x.safetensors') })).code).toBe('E_IO');
        expect((await errorOf({ ...common(), output: join(folder, 'missing', 'x.safetensors') })).message).toMatch(/does not exist/);
        expect((await errorOf({ ...common(), output: path('tuned.safetensors') })).message).toMatch(/same file/);
      });
    });
  });
});
