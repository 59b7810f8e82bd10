import { describe, expect, it } from 'vitest';
import type { InstabilitySummary } from '../experiment/replicate-job.js';
import { instabilityLevels, rewindingClaims } from './rewinding-claims.js';

/** Instability rows of 3 seeds at levels 0, 3, 6: barrier and accuracy per (level, seed). */
function rows(rewindStep: number, barrier: (level: number, seed: number) => number, accuracy: (level: number, seed: number) => number): InstabilitySummary[] {
  return [0, 3, 6].flatMap((level) =>
    [0, 1, 2].map((seed) => {
      const acc = accuracy(level, seed);
      return { seed, level, branch: 'instability' as const, remaining: 0.8 ** level, rewindStep, iterations: 100, instability: barrier(level, seed), copyTestAccuracies: [acc, acc], interpolationErrors: [1 - acc, 1 - acc + barrier(level, seed), 1 - acc], engine: 'fused' };
    }),
  );
}

describe('the rewinding claims', () => {
  it('classes each level stable / unstable / mixed by every seed against 2 pt, and matching within max(1 pt, the dense sd)', () => {
    const levels = instabilityLevels(rows(0, (level, seed) => (level === 3 ? 0.01 : level === 6 ? [0.01, 0.03, 0.04][seed] as number : 0.05), (level) => (level === 6 ? 0.785 : 0.8)));
    expect(levels.map((level) => [level.level, level.stability, level.matching])).toEqual([
      [0, 'unstable', true],
      [3, 'stable', true],
      [6, 'mixed', false],
    ]);
    expect(levels[2]?.gapToDense).toBeCloseTo(-0.015, 12);
  });

  it('k = 0 stable everywhere: stability shown, rewinding not tested; unstable at k = 0 and lower at k > 0 beyond seed noise: rewinding shown', () => {
    const stable = rewindingClaims([
      { rewindStep: 0, rows: rows(0, () => 0.005, () => 0.8) },
      { rewindStep: 10, rows: rows(10, () => 0.004, () => 0.8) },
    ]);
    expect(stable.map((claim) => claim.verdict.split(' (')[0])).toEqual(['shown at every analysed level', 'shown', 'not tested', 'not tested']);

    const unstable = rewindingClaims([
      { rewindStep: 0, rows: rows(0, (level, seed) => (level === 0 ? 0.005 : 0.1 + 0.01 * seed), (level, seed) => (level === 0 ? 0.8 : 0.7 + 0.001 * seed)) },
      { rewindStep: 10, rows: rows(10, (level, seed) => 0.005 + 0.001 * seed, (level, seed) => 0.8 - 0.001 * seed) },
    ]);
    expect(unstable[0]?.verdict).toMatch(/^not shown \(no level with every seed below 2 pt; every seed unstable at 51\.2%, 26\.2%\)/);
    expect(unstable[1]?.verdict).toBe('shown (all 2 stable levels are matching)');
    expect(unstable[2]?.verdict).toMatch(/^shown \(lower beyond seed noise at every level not stable at k = 0: 51\.2%, 26\.2%; 2 of them stable at k = 10\)/);
    expect(unstable[3]?.verdict).toMatch(/^shown \(at every level not matching at k = 0/);
  });
});
