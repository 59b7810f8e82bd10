import { describe, expect, it } from 'vitest';
import type { RunTiming } from '../run/run-timing.js';
import { provenanceMarkdown } from './provenance-markdown.js';
import type { ResultsProvenance } from './raw-results.js';

const base: ResultsProvenance = {
  name: 'x-full',
  command: 'sparse run examples/x/x-full.json',
  configFile: 'examples/x/x-full.json',
  runDirectory: 'x-full-0123456789ab',
  config: { backend: 'wasm', seeds: [0, 1, 2] },
  machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, platform: 'linux', node: 'v20.20.2' },
  loadAverage: [1, 2, 3],
  importedAt: '2026-12-07T00:00:00.000Z',
};

const line = (wallSeconds: number, resumed: boolean, loadBefore: number, loadAfter: number): RunTiming => ({
  startedAt: '2026-12-07T00:00:00.000Z',
  finishedAt: '2026-12-07T01:00:00.000Z',
  wallSeconds,
  resumed,
  loadBefore: [loadBefore, 0, 0],
  loadAfter: [loadAfter, 0, 0],
  machine: base.machine,
});

describe('provenanceMarkdown', () => {
  const options = { dataLink: 'data/x/x-full', units: 3, engines: ['dense-trainer'] };

  it('names the command, hash, engines, seeds and machine, and no wall time when none was recorded', () => {
    const text = provenanceMarkdown(base, options);
    expect(text).toContain('`sparse run examples/x/x-full.json`');
    expect(text).toContain('config hash 0123456789ab');
    expect(text).toContain('engines dense-trainer; seeds [0,1,2]');
    expect(text).not.toContain('wall time');
  });

  it('gives the recorded wall time, summed over invocations, with the load at both ends', () => {
    expect(provenanceMarkdown({ ...base, timing: [line(1500, false, 0.5, 2.25)] }, options)).toContain('wall time: 25.0 min (one invocation), 1-min load 0.50 at the start and 2.25 at the end');
    const resumed = provenanceMarkdown({ ...base, timing: [line(600, false, 1, 2), line(900, true, 3, 4)] }, options);
    expect(resumed).toContain('wall time: 25.0 min (2 invocations (interrupted and resumed)), 1-min load 1.00 at the start and 4.00 at the end');
  });
});
