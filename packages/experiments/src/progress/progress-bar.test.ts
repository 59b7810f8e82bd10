import { describe, expect, it } from 'vitest';
import { ProgressAggregator, ProgressBar, formatDuration, type ProgressStream } from './progress-bar.js';

function fakeStream(isTTY: boolean, columns = 200): ProgressStream & { chunks: string[] } {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (chunk: string) => chunks.push(chunk) };
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('ProgressBar', () => {
  it('prints a plain line every 10 % when not on a TTY, with rate and ETA', () => {
    const stream = fakeStream(false);
    const time = clock();
    const bar = new ProgressBar({ total: 100, label: 'train', stream, now: time.now });
    for (let done = 0; done <= 100; done += 1) {
      bar.update(done);
      time.advance(100);
    }
    bar.finish();
    expect(stream.chunks).toHaveLength(11);
    expect(stream.chunks[5]).toBe('train   50.0%  50/100  10 it/s  ETA 0:05\n');
    expect(stream.chunks[10]).toBe('train  100.0%  100/100  10 it/s  ETA 0:00\n');
    expect(stream.chunks.every((chunk) => !chunk.includes('\r') && !chunk.includes('\x1b'))).toBe(true);
  });

  it('also prints a plain line after the interval when progress is slow, and a final line', () => {
    const stream = fakeStream(false);
    const time = clock();
    const bar = new ProgressBar({ total: 1000, stream, now: time.now, plainIntervalMs: 1000, unit: 'batches' });
    bar.update(1);
    time.advance(1500);
    bar.update(2, 'loss 0.3');
    time.advance(10);
    bar.update(3);
    bar.finish();
    expect(stream.chunks.map((chunk) => chunk.trim())).toEqual([
      '0.1%  1/1000  0 batches/s  ETA --:--',
      '0.2%  2/1000  0.67 batches/s  ETA 24:57  loss 0.3',
      '0.3%  3/1000  1.3 batches/s  ETA 12:33  loss 0.3',
    ]);
  });

  it('redraws one line on a TTY, at most every redrawMs, and ends it on finish', () => {
    const stream = fakeStream(true);
    const time = clock();
    const bar = new ProgressBar({ total: 4, label: 'level 1', stream, now: time.now, width: 8, tty: true });
    bar.update(1);
    bar.update(2);
    time.advance(200);
    bar.update(3, 'acc 0.9');
    bar.finish();
    expect(stream.chunks).toEqual([
      '\rlevel 1  [██░░░░░░]   25.0%  1/4  0 it/s  ETA --:--\x1b[K',
      '\rlevel 1  [██████░░]   75.0%  3/4  10 it/s  ETA 0:00  acc 0.9\x1b[K',
      '\rlevel 1  [██████░░]   75.0%  3/4  10 it/s  ETA 0:00  acc 0.9\x1b[K\n',
    ]);
    bar.update(4);
    expect(stream.chunks).toHaveLength(3);
  });

  it('cuts the line to the terminal width', () => {
    const stream = fakeStream(true, 30);
    new ProgressBar({ total: 10, label: 'a very long label that goes on', stream, tty: true }).update(5);
    expect(stream.chunks[0]).toBe(`\r${'a very long label that goes on'.slice(0, 29)}\x1b[K`);
  });
});

describe('ProgressAggregator', () => {
  it('shows the sum over all sources', () => {
    const stream = fakeStream(false);
    const progress = new ProgressAggregator(new ProgressBar({ total: 0, stream, plainPercentStep: 25, now: () => 0 }));
    progress.report('seed-0', 5, 10);
    progress.report('seed-1', 0, 10);
    progress.report('seed-1', 10, 10);
    expect([progress.bar.done, progress.bar.total]).toEqual([15, 20]);
    progress.report('seed-0', 99, 10);
    expect(progress.bar.done).toBe(20);
    progress.finish();
    expect(stream.chunks.at(-1)).toContain('100.0%  20/20');
  });
});

describe('formatDuration', () => {
  it('formats m:ss and h:mm:ss', () => {
    expect([formatDuration(0), formatDuration(65), formatDuration(3725), formatDuration(Number.NaN)]).toEqual(['0:00', '1:05', '1:02:05', '--:--']);
  });
});
