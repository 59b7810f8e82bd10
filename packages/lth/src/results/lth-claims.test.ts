import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import type { UnitSummary } from '../experiment/replicate-job.js';
import { budgetCapped, levelComparisons, lthClaims } from './lth-claims.js';
import { parseLthRows } from './lth-rows.js';

const T = 1000;

/**
 * Three seeds, levels 0–4 of 20% rounds. Ticket accuracy 0.80 + 0.005·level, re-init 0.80 − 0.005·level
 * (so the gap grows with the level), seeds ±0.001 apart; `override` replaces any cell.
 */
function rows(override: (row: UnitSummary) => Partial<UnitSummary> = () => ({})): UnitSummary[] {
  const out: UnitSummary[] = [];
  for (const seed of [0, 1, 2]) {
    for (const level of [0, 1, 2, 3, 4]) {
      for (const branch of level === 0 ? ['ticket'] : ['ticket', 'reinit']) {
        const base = branch === 'ticket' ? 0.8 + 0.005 * level : 0.8 - 0.005 * level;
        const row: UnitSummary = {
          seed,
          level,
          branch,
          remaining: 0.8 ** level,
          earlyStopIteration: branch === 'ticket' && level > 0 ? 600 + 10 * seed : 900 + 10 * seed,
          testAccuracyAtEarlyStop: base + 0.001 * (seed - 1),
          validationLossAtEarlyStop: 0.4,
          finalTestAccuracy: base,
          iterations: T,
          engine: 'dense-trainer',
        };
        out.push({ ...row, ...override(row) });
      }
    }
  }
  return out;
}

const verdicts = (data: UnitSummary[]) => lthClaims(data).map((claim) => claim.verdict);

describe('lthClaims', () => {
  it('shows every claim when the ticket is ahead beyond seed noise at every level', () => {
    const [reinit, dense, faster] = verdicts(rows());
    expect(reinit).toBe('shown at every pruned level (from 80.0% down to 41.0%)');
    expect(dense).toBe('shown from 80.0% down to 41.0% (above the dense network beyond seed noise at every level of that range)');
    expect(faster).toBe('shown at every level (no run stopped at the last evaluation, iteration 1000)');
  });

  it('says from which level the ticket beats re-init when the mild levels are within seed noise', () => {
    // level 1: re-init as good as the ticket, with seed spread
    const data = rows((row) => (row.level === 1 && row.branch === 'reinit' ? { testAccuracyAtEarlyStop: 0.805 + 0.004 * (row.seed - 1) } : {}));
    const claim = lthClaims(data)[0];
    expect(claim?.verdict).toBe('shown from 64.0% down to 41.0%; within seed noise at 80.0%');
    expect(claim?.result).toMatch(/^beyond seed noise at 3 of 4 levels; ticket − re-init \+0\.00 pt at 80\.0% \(80\.50 ± 0\.10 vs 80\.50 ± 0\.40\), \+4\.00 pt at 41\.0%/);
  });

  it('calls a gap in the middle partly shown, and no gap not shown', () => {
    const partly = rows((row) => (row.level === 3 && row.branch === 'reinit' ? { testAccuracyAtEarlyStop: 0.815 + 0.001 * (row.seed - 1) } : {}));
    expect(lthClaims(partly)[0]?.verdict).toBe('partly shown (beyond seed noise at 80.0%, 64.0%, 41.0%; within seed noise at 51.2%)');
    const none = rows((row) => (row.branch === 'reinit' ? { testAccuracyAtEarlyStop: 0.8 + 0.005 * row.level + 0.001 * (1 - row.seed) } : {}));
    expect(lthClaims(none)[0]?.verdict).toMatch(/^not shown \(no level beyond seed noise; within seed noise at 80\.0%, 64\.0%, 51\.2%, 41\.0%\)$/);
  });

  it('finds down to which level the ticket is above the dense network', () => {
    const data = rows((row) => (row.branch === 'ticket' && row.level >= 3 ? { testAccuracyAtEarlyStop: 0.79 + 0.001 * (row.seed - 1) } : {}));
    const claim = lthClaims(data)[1];
    expect(claim?.verdict).toBe('shown from 80.0% down to 64.0% (above the dense network beyond seed noise at every level of that range; below it beyond seed noise at 51.2%, 41.0%)');
    expect(claim?.result).toContain('dense 80.00 ± 0.10; ticket 81.00 ± 0.10 at 64.0%, the sparsest level before any level below it');
    // a level within noise between two above: scattered, partly shown; all within noise: consistent
    const scattered = rows((row) => (row.branch === 'ticket' && row.level === 2 ? { testAccuracyAtEarlyStop: 0.8 + 0.004 * (row.seed - 1) } : {}));
    expect(lthClaims(scattered)[1]?.verdict).toBe('partly shown (above the dense network beyond seed noise at 80.0%, 51.2%, 41.0%; within seed noise at 64.0%)');
    const flat = rows((row) => (row.branch === 'ticket' ? { testAccuracyAtEarlyStop: 0.8 + 0.001 * (row.seed - 1) } : {}));
    expect(lthClaims(flat)[1]?.verdict).toBe('consistent (within seed noise of the dense network at every level down to 41.0%)');
  });

  it('counts runs stopped by the budget and puts them in the learns-faster verdict', () => {
    const data = rows((row) => (row.branch !== 'ticket' || row.level === 0 ? { earlyStopIteration: T } : {}));
    const { capped, total, byBranch } = budgetCapped(data);
    expect([capped, total]).toEqual([15, 27]);
    expect(byBranch.get('reinit')).toEqual({ capped: 12, total: 12 });
    const faster = lthClaims(data)[2];
    expect(faster?.result).toContain('15 of 27 runs (56%) early-stopped at the last evaluation (iteration 1000)');
    expect(faster?.verdict).toContain('15 of 27 runs stopped at the last evaluation, iteration 1000: the budget caps the early-stop iteration');
    // all equal: nothing earlier beyond noise
    expect(lthClaims(rows(() => ({ earlyStopIteration: 700 })))[2]?.verdict).toMatch(/^not shown \(no level beyond seed noise/);
  });

  it('compares random pruning only where it ran', () => {
    const data = [...rows(), ...[0, 1, 2].map((seed) => ({ ...(rows()[2] as UnitSummary), seed, branch: 'random-prune', testAccuracyAtEarlyStop: 0.78 }))];
    const levels = levelComparisons(data);
    expect(levels.map((level) => level.vsRandomPrune?.comparison)).toEqual(['above', undefined, undefined, undefined]);
    expect(lthClaims(data).map((claim) => claim.claim)).toHaveLength(4);
  });
});

describe('parseLthRows', () => {
  it('refuses a row without an engine, naming the row and field', () => {
    const data = rows().map(({ engine: _engine, ...rest }) => rest);
    try {
      parseLthRows(data, 'x.jsonl');
      expect.unreachable();
    } catch (error) {
      expect(isSparseError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toMatch(/^x\.jsonl, row 1: engine: /);
    }
  });

  it('refuses a run twice and data without a dense run', () => {
    const data = rows();
    expect(() => parseLthRows([...data, data[3]], 'x.jsonl')).toThrow(/row 28: seed 0, level 2, branch ticket appears twice/);
    expect(() => parseLthRows(data.filter((row) => row.level > 0), 'x.jsonl')).toThrow(/no dense run/);
    expect(parseLthRows(data, 'x.jsonl')).toHaveLength(27);
  });
});
