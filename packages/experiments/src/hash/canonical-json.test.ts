import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { canonicalJson, prettyCanonicalJson } from './canonical-json.js';
import { configHash, shortConfigHash } from './config-hash.js';

/** Rebuilds a value with every object's keys in a shuffled order (same JSON meaning). */
function shuffleKeys(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => shuffleKeys(item, order));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of order(Object.keys(value))) {
      // defineProperty, so that a "__proto__" key stays a key.
      Object.defineProperty(out, key, { value: shuffleKeys((value as Record<string, unknown>)[key], order), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

const json = fc.jsonValue();

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and normalises -0 and number spelling', () => {
    expect(canonicalJson({ b: 1.0, a: [true, null], c: undefined, d: -0, e: 1e21, f: 0.1 })).toBe('{"a":[true,null],"b":1,"d":0,"e":1e+21,"f":0.1}');
    expect(canonicalJson(JSON.parse('{"x": 1.50, "y": 1E2, "z": -0.0}'))).toBe('{"x":1.5,"y":100,"z":0}');
  });

  it('does not depend on key order (property)', () => {
    fc.assert(
      fc.property(json, fc.integer(), (value, seed) => {
        const reversed = shuffleKeys(value, (keys) => [...keys].reverse());
        const rotated = shuffleKeys(value, (keys) => keys.map((_, i) => keys[(i + Math.abs(seed)) % keys.length] ?? ''));
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(canonicalJson(rotated)).toBe(canonicalJson(value));
      }),
    );
  });

  it('survives a JSON round trip and is idempotent (property)', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalJson(JSON.parse(prettyCanonicalJson(value)))).toBe(text);
      }),
    );
  });

  it('keeps the meaning: parsing the canonical text gives an equal value (property)', () => {
    fc.assert(
      fc.property(json, (value) => {
        const normalised = JSON.parse(JSON.stringify(value)) as unknown;
        expect(JSON.parse(canonicalJson(value))).toEqual(normalised);
      }),
    );
  });

  it('gives equal text exactly to equal values (property)', () => {
    const normalise = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(canonicalJson(a) === canonicalJson(b)).toBe(isDeepStrictEqual(normalise(a), normalise(b)));
      }),
    );
    fc.assert(
      fc.property(json, (a) => {
        expect(canonicalJson(a) === canonicalJson(shuffleKeys(a, (keys) => [...keys].reverse()))).toBe(true);
      }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('rejects what is not JSON, naming the path', () => {
    for (const [value, path] of [
      [{ a: { b: Number.NaN } }, 'a.b'],
      [{ a: [1, Number.POSITIVE_INFINITY] }, 'a[1]'],
      [{ f: () => 1 }, 'f'],
      [{ d: new Date(0) }, 'd'],
      [{ n: 1n }, 'n'],
      [[undefined], '[0]'],
    ] as const) {
      let error: unknown;
      try {
        canonicalJson(value);
      } catch (caught) {
        error = caught;
      }
      expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
      expect((error as { details: { field: string } }).details.field).toBe(path);
    }
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
  });
});

describe('configHash', () => {
  it('is the SHA-256 of the canonical JSON', () => {
    expect(configHash({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(configHash({ lr: 0.1, seed: 1 })).toBe(configHash({ seed: 1, lr: 0.1 }));
    expect(shortConfigHash({ seed: 1 })).toMatch(/^[0-9a-f]{12}$/);
    expect(shortConfigHash({ seed: 1 })).toBe(configHash({ seed: 1 }).slice(0, 12));
  });

  it('is stable under key order and number spelling (property)', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(configHash(shuffleKeys(value, (keys) => [...keys].sort().reverse()))).toBe(configHash(value));
      }),
    );
  });
});
