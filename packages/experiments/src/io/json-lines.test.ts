import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import type { JsonValue } from '../json.js';
import { JsonLinesWriter, parseJsonLines, readJsonLines } from './json-lines.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-jsonl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const encoder = new TextEncoder();
const records = fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 12 });

function serialise(values: readonly unknown[]): Uint8Array {
  return encoder.encode(values.map((value) => `${JSON.stringify(value)}\n`).join(''));
}

/** How many complete lines a prefix of `bytes` holds. */
function completeLines(bytes: Uint8Array, length: number): number {
  let count = 0;
  for (let i = 0; i < length; i += 1) if (bytes[i] === 0x0a) count += 1;
  return count;
}

const normalise = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('parseJsonLines', () => {
  it('reads whole lines and skips blank ones', () => {
    expect(parseJsonLines('{"a":1}\n\n[2]\n')).toEqual({ records: [{ a: 1 }, [2]], validBytes: 13, tornBytes: 0 });
  });

  it('drops a torn last line, wherever the file was cut (property)', () => {
    fc.assert(
      fc.property(records, fc.nat(), (values, cut) => {
        const bytes = serialise(values);
        const length = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const content = parseJsonLines(bytes.subarray(0, length));
        const whole = completeLines(bytes, length);
        expect(content.records).toEqual(values.slice(0, whole).map(normalise));
        expect(content.validBytes + content.tornBytes).toBe(length);
        expect(parseJsonLines(bytes.subarray(0, content.validBytes)).tornBytes).toBe(0);
      }),
    );
  });

  it('treats an unparsable last line followed only by zero bytes as torn', () => {
    const bytes = new Uint8Array([...encoder.encode('{"a":1}\n{"a":\n'), 0, 0, 0]);
    expect(parseJsonLines(bytes)).toEqual({ records: [{ a: 1 }], validBytes: 8, tornBytes: 9 });
  });

  it('throws E_FORMAT for a bad line in the middle', () => {
    let error: unknown;
    try {
      parseJsonLines('{"a":1}\n{oops}\n{"a":2}\n', 'metrics.jsonl');
    } catch (caught) {
      error = caught;
    }
    expect(isSparseError(error, 'E_FORMAT')).toBe(true);
    expect((error as Error).message).toMatch(/^metrics\.jsonl: line 2 is not valid JSON/);
  });
});

describe('JsonLinesWriter', () => {
  it('appends records and reads them back', async () => {
    const path = join(dir, 'sub', 'm.jsonl');
    const writer = await JsonLinesWriter.open(path);
    await Promise.all([writer.append({ step: 1 }), writer.append({ step: 2, text: 'é\n"' })]);
    await writer.sync();
    expect(writer.size).toBe((await readFile(path)).byteLength);
    await writer.close();
    await writer.close();
    expect((await readJsonLines(path)).records).toEqual([{ step: 1 }, { step: 2, text: 'é\n"' }]);
    await expect(writer.append({ late: true })).rejects.toThrow(/closed/);
  });

  it('recovers from any torn tail: the file ends up with exactly the whole records plus new ones (property)', async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.nat(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), async (values, cut, more) => {
        const path = join(dir, 'torn.jsonl');
        const bytes = serialise(values);
        const length = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        await writeFile(path, bytes.subarray(0, length));
        const writer = await JsonLinesWriter.open(path);
        const whole = completeLines(bytes, length);
        for (const value of more) await writer.append(value as JsonValue);
        await writer.close();
        const content = await readJsonLines(path);
        expect(content.tornBytes).toBe(0);
        expect(content.records).toEqual([...values.slice(0, whole), ...more].map(normalise));
      }),
      { numRuns: 60 },
    );
  });

  it('cuts back to a record boundary on request and refuses anything else', async () => {
    const path = join(dir, 'cut.jsonl');
    await writeFile(path, '{"a":1}\n{"a":2}\n');
    const writer = await JsonLinesWriter.open(path, { truncateTo: 8 });
    expect(writer.recoveredBytes).toBe(8);
    await writer.append({ a: 3 });
    await writer.close();
    expect((await readJsonLines(path)).records).toEqual([{ a: 1 }, { a: 3 }]);
    for (const truncateTo of [5, 100, -1]) {
      let error: unknown;
      try {
        await JsonLinesWriter.open(path, { truncateTo });
      } catch (caught) {
        error = caught;
      }
      expect(isSparseError(error, 'E_FORMAT')).toBe(true);
    }
  });

  it('reads a missing file as empty', async () => {
    expect(await readJsonLines(join(dir, 'none.jsonl'))).toEqual({ records: [], validBytes: 0, tornBytes: 0 });
  });
});
