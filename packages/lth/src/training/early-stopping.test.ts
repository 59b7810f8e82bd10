import { describe, expect, it } from 'vitest';
import { earlyStopping, type EvalRecord } from './early-stopping.js';

const at = (iteration: number, validationLoss: number, testAccuracy: number): EvalRecord => ({
  iteration,
  validationLoss,
  validationAccuracy: 1 - validationLoss / 3,
  testLoss: validationLoss,
  testAccuracy,
});

describe('earlyStopping', () => {
  it('picks the iteration of minimum validation loss and the test accuracy there', () => {
    const stop = earlyStopping([at(0, 2.3, 0.1), at(100, 0.5, 0.8), at(200, 0.42, 0.84), at(300, 0.45, 0.86)]);
    expect(stop.iteration).toBe(200);
    expect(stop.testAccuracy).toBe(0.84);
  });

  it('takes the earliest of equal minima and ignores NaN losses', () => {
    expect(earlyStopping([at(0, 1, 0.1), at(100, 0.4, 0.7), at(200, Number.NaN, 0.9), at(300, 0.4, 0.8)]).iteration).toBe(100);
    expect(() => earlyStopping([])).toThrow(/at least one/);
  });
});
