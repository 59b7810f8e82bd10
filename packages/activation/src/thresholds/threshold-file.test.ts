import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { loadThresholds, saveThresholds } from './threshold-io.js';
import { parseThresholdFile, serializeThresholdFile, validateThresholdFile, type SiteThresholds, type ThresholdFile } from './threshold-file.js';

const magnitude = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
const entry: fc.Arbitrary<SiteThresholds> = fc.oneof(
  magnitude.map((threshold) => ({ threshold })),
  fc.array(magnitude, { minLength: 1, maxLength: 20 }).map((channelThresholds) => ({ channelThresholds })),
  fc.record({ k: fc.nat(4096), by: fc.constantFrom('value' as const, 'magnitude' as const) }),
);
const file: fc.Arbitrary<ThresholdFile> = fc.record({
  format: fc.constant('@sparse/activation-thresholds' as const),
  version: fc.constant(1 as const),
  method: fc.constantFrom('cats' as const, 'chess' as const, 'chess-plus' as const, 'topk' as const, 'custom' as const),
  target: fc.double({ min: 0, max: 1, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
  zeroing: fc.constant('|a|<=t' as const),
  layers: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s !== '__proto__'), entry, { maxKeys: 6 }),
  calibration: fc.record({ samples: fc.nat(), seed: fc.nat(), quantile: fc.constantFrom('exact' as const, 'histogram' as const) }),
});

const valid = (): Record<string, unknown> => ({
  format: '@sparse/activation-thresholds',
  version: 1,
  method: 'cats',
  target: 0.5,
  layers: { 'block0/gate': { threshold: 0.2 } },
  calibration: { samples: 2000, seed: 0 },
});

function problems(value: unknown): string {
  try {
    validateThresholdFile(value, 'threshold file t.json');
  } catch (error) {
    expect(isSparseError(error, 'E_FORMAT')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('threshold files', () => {
  it('round-trip exactly through their JSON text (every number bit for bit)', () => {
    fc.assert(
      fc.property(file, (f) => {
        expect(parseThresholdFile(serializeThresholdFile(f))).toEqual(f);
      }),
    );
  });

  it('save atomically and load back; nothing else is left in the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thresholds-'));
    const path = join(dir, 'cats.json');
    const f = validateThresholdFile({ ...valid(), layers: { a: { threshold: 0.1 + 0.2 }, b: { channelThresholds: [1e-30, 3.4e38] } } });
    await saveThresholds(path, f);
    expect(await loadThresholds(path)).toEqual({ ...f, zeroing: '|a|<=t' });
    expect(await readdir(dir)).toEqual(['cats.json']);
    expect(JSON.parse(await readFile(path, 'utf8')).zeroing).toBe('|a|<=t');
  });

  it('reject bad files with a message naming each bad field, what was received and what is allowed', () => {
    expect(problems({ ...valid(), target: 1.5 })).toMatch(/target: expected a sparsity in \[0, 1\], received 1.5/);
    expect(problems({ ...valid(), version: 2 })).toMatch(/version: 2 is newer than this package reads \(1\)/);
    expect(problems({ ...valid(), format: 'x' })).toMatch(/format: expected "@sparse\/activation-thresholds", received "x"/);
    expect(problems({ ...valid(), method: 'relu' })).toMatch(/method: expected one of "cats", "chess", "chess-plus", "topk", "custom", received "relu"/);
    expect(problems({ ...valid(), layers: { 'block0/gate': { threshold: -1 } } })).toMatch(/layers\["block0\/gate"\]\.threshold: expected a finite number >= 0, received -1/);
    expect(problems({ ...valid(), layers: { b: { channelThresholds: [0.1, 'x'] } } })).toMatch(/layers\["b"\]\.channelThresholds\[1\]: expected a finite number >= 0, received "x"/);
    expect(problems({ ...valid(), layers: { b: { threshold: 1, k: 2 } } })).toMatch(/exactly one of "threshold", "channelThresholds", "k", received "threshold" and "k"/);
    expect(problems({ ...valid(), layers: { b: { k: 1.5 } } })).toMatch(/layers\["b"\]\.k: expected an integer >= 0/);
    expect(problems({ ...valid(), calibration: { samples: -1 } })).toMatch(/calibration\.samples: expected an integer >= 0, received -1[\s\S]*calibration\.seed/);
    expect(problems({ ...valid(), treshold: 1 })).toMatch(/treshold: unknown key/);
    expect(problems([])).toMatch(/expected a JSON object, received an array/);
    const many = problems({ ...valid(), target: -1, method: 3 });
    expect(many).toMatch(/\(2 problems\)/);
  });

  it('report unreadable and non-JSON files clearly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thresholds-'));
    await expect(loadThresholds(join(dir, 'missing.json'))).rejects.toThrow(/Could not read the threshold file .*missing\.json/);
    await writeFile(join(dir, 'broken.json'), '{"format": ');
    await expect(loadThresholds(join(dir, 'broken.json'))).rejects.toThrow(/Invalid threshold file .*broken\.json: not JSON/);
    await expect(saveThresholds(join(dir, 'bad.json'), { ...valid(), target: 2 } as unknown as ThresholdFile)).rejects.toThrow(/target/);
    expect(await readdir(dir)).toEqual(['broken.json']);
  });
});
