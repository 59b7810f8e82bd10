import { describe, expect, it } from 'vitest';
import { planExperiment } from '../experiment/plan.js';
import { lthConfig } from '../../test/support.js';
import { impSchedule, levelName } from './schedule.js';

describe('impSchedule', () => {
  it('orders every level as ticket, (after level 0) the one-shot targets, reinit, random-prune; k is the start of every run but the dense one', () => {
    const units = impSchedule({ rounds: 3, rewindStep: 10, reinit: [1, 3], randomPruneLevels: [2], oneShotLevels: [3, 2, 3] });
    expect(units.map((u) => `${u.id}@${u.startStep}`)).toEqual([
      'level-00/ticket@0',
      'level-02/one-shot@10',
      'level-03/one-shot@10',
      'level-01/ticket@10',
      'level-01/reinit@10',
      'level-02/ticket@10',
      'level-02/random-prune@10',
      'level-03/ticket@10',
      'level-03/reinit@10',
    ]);
    expect(impSchedule({ rounds: 1, rewindStep: 0 }).map((u) => u.id)).toEqual(['level-00/ticket', 'level-01/ticket']);
    // an instability unit runs after the ticket (and baselines) of its level (the masks and θk are saved by then)
    expect(impSchedule({ rounds: 2, rewindStep: 4, reinit: true, instabilityLevels: [2, 0] }).map((u) => `${u.id}@${u.startStep}`)).toEqual([
      'level-00/ticket@0',
      'level-00/instability@4',
      'level-01/ticket@4',
      'level-01/reinit@4',
      'level-02/ticket@4',
      'level-02/reinit@4',
      'level-02/instability@4',
    ]);
    expect(levelName(7)).toBe('level-07');
  });

  it('is the schedule planExperiment gives the resumable replicate', async () => {
    const config = await lthConfig({
      name: 'x',
      seeds: [0],
      rounds: 3,
      iterations: 60,
      validationSize: 500,
      rewindStep: 10,
      branches: { ticket: true, reinit: true, randomPrune: { levels: [2], shuffle: 'global' }, oneShot: { levels: [2] } },
    });
    const plan = planExperiment(config, 5500);
    expect(plan.units).toEqual(impSchedule({ rounds: 3, rewindStep: 10, reinit: true, randomPruneLevels: [2], oneShotLevels: [2] }));
  });
});
