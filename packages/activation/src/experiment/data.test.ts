import { describe, expect, it } from 'vitest';
import type { ActivationExperimentConfig } from './config.js';
import { loadActivationData } from './data.js';

const config = (overrides: Partial<ActivationExperimentConfig> = {}): ActivationExperimentConfig => ({
  name: 'split',
  seeds: [0, 1],
  dataset: 'bundled',
  trainExamples: 1500,
  testExamples: 200,
  batchSize: 50,
  validationExamples: 400,
  calibration: { examples: 300, batchSize: 100 },
  targets: [0.5],
  probeExamples: 100,
  workers: 1,
  models: [],
  ...overrides,
});

describe('loadActivationData', () => {
  it('calibrates on held-out images only: no calibration image is a training image, for every seed', async () => {
    for (const seed of [0, 1]) {
      const data = await loadActivationData(config(), undefined, seed);
      const train = new Set(data.trainIndices);
      expect(data.trainIndices.length).toBe(1500);
      expect(data.calibrationIndices.length).toBe(300);
      expect([...data.calibrationIndices].filter((index) => train.has(index))).toEqual([]);
      expect(data.split).toMatchObject({ train: 1500, validation: 400, calibration: 300, probe: 100, test: 200 });
      expect(data.calibration.count).toBe(300);
    }
  });

  it('draws a different split per seed, the same test images for every seed, and the same images again for the same seed', async () => {
    const [a, b, again] = await Promise.all([loadActivationData(config(), undefined, 0), loadActivationData(config(), undefined, 1), loadActivationData(config(), undefined, 0)]);
    expect(a.split.validationSha256).not.toBe(b.split.validationSha256);
    expect(again.split).toEqual(a.split);
    expect(Buffer.from(a.test.images).equals(Buffer.from(b.test.images))).toBe(true);
    expect(a.split.validationSha256).toMatch(/^[0-9a-f]{16}$/);
  });
});
