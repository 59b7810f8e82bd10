/**
 * The LTH report as a researcher sees it: a real (tiny) experiment runs through the `lth` kind,
 * its report.html is opened in headless Chromium at 1280 × 800 and screenshotted. The page must
 * not scroll sideways, the plots must span the page's column, the x axis must have a tick at every
 * pruning level and say "% of weights remaining", the series must differ in dash pattern and marker
 * shape (grey print), the findings must state their level range, and the ring must mark runs whose
 * early stop was the last iteration. `SPARSE_REPORT_SCREENSHOT=<file.png>` keeps the screenshot.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium as playwright } from 'playwright-core';
import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, runExperimentFile } from '@sparse/experiments';
import { lthPlugin } from '../src/index.js';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
const skipReason = chromium === undefined ? 'no Chromium on this machine (apt-get install chromium)' : '';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CONFIG = {
  kind: 'lth',
  name: 'report-in-browser',
  seeds: [0, 1],
  dataset: 'bundled',
  validationSize: 500,
  model: { layerSizes: [784, 40, 10] },
  batchSize: 50,
  iterations: 120,
  evalEvery: 20,
  rounds: 5,
  rates: { default: 0.4, output: 0.2 },
  branches: { ticket: true, reinit: true, randomPrune: { levels: [3], shuffle: 'layerwise' } },
  backend: 'wasm',
  workers: 1,
  checkpointEvery: 120,
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

let work = '';
afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('the LTH report in a browser', () => {
  it.skipIf(skipReason !== '')(`fits the page, plots at its width, readable axes and series${skipReason === '' ? '' : ` (skipped: ${skipReason})`}`, async () => {
    work = await mkdtemp(join(tmpdir(), 'sparse-report-'));
    const configPath = join(work, 'config.json');
    await writeFile(configPath, JSON.stringify(CONFIG));
    const outcome = await runExperimentFile({
      path: configPath,
      runsRoot: join(work, 'runs'),
      builtIns: [
        { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
        { plugin: lthPlugin(), spec: builtInSpec('@sparse/lth', import.meta.url) },
      ],
      preload: [new URL('../../experiments/test/support/register-source-aliases.mjs', import.meta.url)],
      log: () => undefined,
      progress: { write: () => true },
    });
    const html = await readFile(outcome.reportPath, 'utf8');
    expect(html).not.toContain('Pm %');
    expect(html).toContain('% of weights remaining');
    expect(html).toMatch(/from [\d.]+% down to [\d.]+% of the weights remaining \(levels 1–5, 5 levels/);

    const browser = await playwright.launch({ executablePath: chromium ?? '', args: ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`file://${outcome.reportPath}`);
      const layout = await page.evaluate(() => {
        const main = document.querySelector('main') as HTMLElement;
        const style = getComputedStyle(main);
        const column = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const plots = [...document.querySelectorAll('figure svg')].map((svg) => {
          const ticks = [...svg.querySelectorAll('text.x-tick')].map((t) => t.textContent ?? '');
          const dashes = [...svg.querySelectorAll('g.series path.line')].map((path) => path.getAttribute('stroke-dasharray') ?? 'solid');
          const shapes = [...svg.querySelectorAll('g.series')].map((g) => g.children[1]?.tagName ?? 'none');
          return { width: svg.getBoundingClientRect().width, ticks, dashes, shapes, notes: svg.querySelectorAll('g.series circle.note').length, text: svg.textContent ?? '' };
        });
        return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, column, plots };
      });
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(layout.plots).toHaveLength(2);
      const levels = 1 + CONFIG.rounds;
      for (const plot of layout.plots) {
        expect(plot.width).toBeGreaterThanOrEqual(layout.column - 2);
        expect(plot.width).toBeGreaterThan(1000);
        expect(plot.ticks).toHaveLength(levels);
        expect(plot.ticks[0]).toBe('100');
        expect(plot.text).toContain('% of weights remaining');
        // dense reference, ticket, re-init, random pruning: four dash patterns, three marker shapes
        expect(new Set(plot.dashes).size).toBe(plot.dashes.length);
        expect(new Set(plot.shapes.filter((shape) => shape !== 'none')).size).toBeGreaterThanOrEqual(3);
      }
      // rings where a run early-stopped at its last iteration, as many as the summaries say
      const results = JSON.parse(await readFile(join(outcome.runPath, 'results.json'), 'utf8')) as { units: { output: { earlyStopIteration: number; iterations: number; level: number; branch: string } }[] };
      const flagged = new Set(results.units.map((u) => u.output).filter((o) => o.earlyStopIteration >= o.iterations && !(o.branch === 'ticket' && o.level === 0)).map((o) => `${o.branch}/${o.level}`));
      for (const plot of layout.plots) expect(plot.notes).toBe(flagged.size);

      const shot = join(work, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      const size = pngSize(await readFile(shot));
      expect(size.width).toBe(1280);
      expect(size.height).toBeGreaterThan(800);
      const keep = process.env['SPARSE_REPORT_SCREENSHOT'];
      if (keep !== undefined && keep !== '') await copyFile(shot, keep);
    } finally {
      await browser.close();
    }
    expect(readdirSync(outcome.runPath)).toContain('report.html');
  });
});
