import { describe, expect, it } from 'vitest';
import type { UnitSummary } from '../experiment/replicate-job.js';
import { lthFindings, resultsTable } from './lth-report.js';

/** Two seeds, levels 0–3 of 20% rounds; the ticket beats re-init except where given. */
function summaries(options: { reinitWinsAt?: number; budgetAt?: { branch: string; level: number; seed: number } } = {}): UnitSummary[] {
  const out: UnitSummary[] = [];
  for (const seed of [0, 1]) {
    for (const level of [0, 1, 2, 3]) {
      for (const branch of level === 0 ? ['ticket'] : ['ticket', 'reinit']) {
        const ticket = branch === 'ticket';
        const accuracy = ticket ? 0.8 + 0.01 * level : options.reinitWinsAt === level ? 0.9 : 0.78 - 0.01 * level;
        const budget = options.budgetAt !== undefined && options.budgetAt.branch === branch && options.budgetAt.level === level && options.budgetAt.seed === seed;
        out.push({ seed, level, branch, remaining: 0.8 ** level, earlyStopIteration: budget ? 300 : 200, testAccuracyAtEarlyStop: accuracy, validationLossAtEarlyStop: 0.5, finalTestAccuracy: accuracy, iterations: 300 });
      }
    }
  }
  return out;
}

describe('lthFindings', () => {
  it('compares ticket and re-init at every level where both ran, and says which range that is', () => {
    const lines = lthFindings(summaries());
    expect(lines[0]).toBe('The winning ticket beats random re-initialisation on every seed from 80.0% down to 51.2% of the weights remaining (levels 1–3, 3 levels: every pruned level where both were trained).');
    expect(lines.join('\n')).not.toMatch(/22/);
  });

  it('names the seed and level where re-init wins, and honours an explicit range', () => {
    const lines = lthFindings(summaries({ reinitWinsAt: 3 }));
    expect(lines[0]).toContain('does not beat random re-initialisation everywhere from 80.0% down to 51.2%');
    expect(lines[0]).toContain('seed 0 at 51.2% (83.00 vs 90.00)');
    expect(lthFindings(summaries({ reinitWinsAt: 3 }), 0.7)[0]).toContain('from 64.0% down to 51.2% of the weights remaining (levels 2–3, 2 levels: those at or below 70.0%)');
  });

  it('flags runs whose early stop was the last iteration, and only those', () => {
    expect(lthFindings(summaries()).join('\n')).not.toContain('training budget');
    const lines = lthFindings(summaries({ budgetAt: { branch: 'reinit', level: 2, seed: 1 } }));
    expect(lines.at(-1)).toBe(
      'Early stopping hit the training budget (the last iteration, 300) for the random re-init at 64.0% (1 of 2 seeds): those networks were still improving, so their early-stopping iteration is a lower bound (ringed on the plots, † in the table).',
    );
  });
});

describe('resultsTable', () => {
  it('spells out weights remaining and marks early stops at the budget with †', () => {
    const table = resultsTable(summaries({ budgetAt: { branch: 'ticket', level: 1, seed: 0 } }));
    const headers = table.columns.map((column) => (typeof column === 'string' ? column : column.header));
    expect(headers[1]).toBe('weights remaining (%)');
    expect(table.rows[1]?.['ticket-it']).toBe('250 (200–300) †');
    expect(table.rows[2]?.['ticket-it']).toBe('200 (200–200)');
    expect(table.title).toContain('†: early stop = the last iteration');
  });
});
