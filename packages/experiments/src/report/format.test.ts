import { describe, expect, it } from 'vitest';
import { escapeXml, formatNumber } from './format.js';

describe('formatNumber', () => {
  it('keeps integers, rounds to significant digits, uses exponents at the extremes', () => {
    expect([0.981234, 266200, 0.5, 12.3456, -0.000012346, 1.5e7, 0, -0, 1 / 3].map((value) => formatNumber(value))).toEqual(['0.9812', '266200', '0.5', '12.35', '-1.235e-5', '15000000', '0', '0', '0.3333']);
    expect(formatNumber(1.23e7 + 0.5)).toBe('1.23e7');
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((value) => formatNumber(value))).toEqual(['NaN', 'inf', '-inf']);
    expect(formatNumber(51.2, 2)).toBe('51');
  });
});

describe('escapeXml', () => {
  it('escapes the five special characters', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });
});
