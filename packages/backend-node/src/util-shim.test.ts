import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installUtilShim, type LegacyUtil } from './util-shim.js';

describe('installUtilShim', () => {
  it('adds isNullOrUndefined and isArray to a util object that lacks them (Node 23+)', () => {
    const util: LegacyUtil = {};
    expect(installUtilShim(util)).toEqual(['isNullOrUndefined', 'isArray']);
    const isNullOrUndefined = util.isNullOrUndefined!;
    expect([null, undefined, 0, '', false, Number.NaN, {}].map((value) => isNullOrUndefined(value))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(util.isArray!([1])).toBe(true);
    expect(util.isArray!(new Float32Array(1))).toBe(false);
  });

  it('never replaces functions that exist, and is idempotent', () => {
    const original = (value: unknown): boolean => value === 'original';
    const util: LegacyUtil = { isNullOrUndefined: original };
    expect(installUtilShim(util)).toEqual(['isArray']);
    expect(util.isNullOrUndefined).toBe(original);
    const shimmedIsArray = util.isArray;
    expect(installUtilShim(util)).toEqual([]);
    expect(util.isArray).toBe(shimmedIsArray);
  });

  it("leaves Node's own util untouched where it still has the functions", () => {
    const util = createRequire(import.meta.url)('node:util') as LegacyUtil;
    const before = util.isNullOrUndefined;
    installUtilShim();
    expect(typeof util.isNullOrUndefined).toBe('function');
    if (before !== undefined) expect(util.isNullOrUndefined).toBe(before);
  });
});
