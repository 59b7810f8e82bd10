/**
 * The playground in real Chromium (slow tier): builds apps/playground with Vite's JS API, serves
 * the folder on 127.0.0.1 twice (with the COOP/COEP headers, so cross-origin isolated and
 * threaded, and without them, one thread), drives the page with playwright-core, runs a short
 * lottery-ticket experiment in each, and checks that the page's results equal `sparse run`'s for
 * the same config in Node (results.json and metrics.jsonl byte for byte, the plotted points, the
 * ticket's masks) — so the dense trainer gives Node's bits on 2+ threads (Web Workers, isolated) and
 * on one thread (not isolated) — that the downloaded safetensors read back, that Stop and Resume change nothing,
 * that the page works by keyboard and at phone width without console errors; it saves the
 * screenshot docs/images/playground.png and prints the measured figures (first-load bytes,
 * browser/Node wall time).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// tests/ is no package: the workspace packages from their sources, as Vitest's aliases give them.
import { decodeMaskEntries, deserializeSafetensors, openSafetensors, readMaskFile } from '../../packages/core/src/index.js';
import { wasmBackend } from '../../packages/backend-wasm/src/index.js';
import { builtInSpec, runExperimentFile } from '../../packages/experiments/src/index.js';
import { lthPlugin } from '../../packages/lth/src/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const app = join(repo, 'apps/playground');
const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
const built = ['core', 'datasets', 'experiments', 'lth'].every((name) => existsSync(join(repo, `packages/${name}/dist/index.js`))) && existsSync(join(repo, 'packages/backend-wasm/dist/wasm'));
const viteInstalled = existsSync(join(app, 'node_modules/vite/package.json'));
const skipReason =
  executablePath === undefined
    ? 'no Chromium on this machine (apt-get install chromium)'
    : !built
      ? 'packages are not built (pnpm build)'
      : !viteInstalled
        ? 'vite is not installed in apps/playground (pnpm install)'
        : '';
const aliases = new URL('../../packages/experiments/test/support/register-source-aliases.mjs', import.meta.url);
const screenshot = join(repo, 'docs/images/playground.png');

/**
 * The short experiment the test runs: the "short" preset (quick LTH config, fewer rounds) with 2
 * rounds of 2 epochs; two seeds on the page without isolation (one worker per seed, one thread
 * each), one seed on the isolated page (so that on a 2-core machine its one worker's dense trainer
 * gets both cores: 2 threads).
 */
const FORM = { preset: 'short', rounds: '2', epochs: '2', seeds: '0, 1' } as const;
const FORM_ONE_SEED = { ...FORM, seeds: '0' } as const;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

interface Site {
  readonly server: Server;
  readonly url: string;
  /** Bytes of response bodies served, by path. */
  readonly served: Map<string, number>;
}

/** Serves the built folder as a static host does, with or without the cross-origin isolation headers. */
async function serve(root: string, isolated: boolean): Promise<Site> {
  const served = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] as string);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      response.statusCode = 404;
      response.end();
      return;
    }
    if (isolated) {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    response.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    const body = readFileSync(file);
    served.set(path, (served.get(path) ?? 0) + body.byteLength);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, served };
}

/** What one page run gave. */
interface PageRun {
  readonly isolated: string | undefined;
  readonly binary: string | undefined;
  readonly threads: number;
  /** Threads sharing each dense-trainer step, as the page says (from the engine the run used). */
  readonly trainerThreads: number;
  /** The engine the run used, as the page says. */
  readonly engine: string | undefined;
  /** The page's mode line. */
  readonly text: string;
  /** Web Workers the browser started on the dense trainer's module (Chromium's own count, not the page's). */
  readonly trainerWorkers: number;
  readonly seconds: number;
  readonly firstLoadBytes: number;
  readonly rows: Record<string, string>[];
  readonly config: Record<string, unknown>;
  readonly results: string;
  readonly metrics: string;
  readonly masks: Uint8Array;
  readonly weightsPath: string;
  readonly errors: string[];
  /** The longest task on the page's main thread during the run (ms). */
  readonly longestTask: number;
}

async function downloaded(page: Page, button: string, folder: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const path = join(folder, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

/** Loads the page, fills the form as a person would, runs the experiment (optionally stopping and resuming it), and collects what it shows and offers. */
async function runPage(browser: Browser, site: Site, folder: string, options: { readonly form: typeof FORM | typeof FORM_ONE_SEED; readonly stopAndResume: boolean; readonly screenshot?: string }): Promise<PageRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Every worker Chromium starts for the page, nested ones included (the dense trainer's start from a training worker).
  let trainerWorkers = 0;
  page.on('worker', (worker) => {
    if (/trainer-worker/.test(worker.url())) trainerWorkers += 1;
  });
  try {
    site.served.clear();
    await page.goto(site.url);
    // First load: everything until the worker's backend is up and the registry's scorers are listed (the data set comes with the first run).
    await page.waitForSelector('#threads[data-isolated]', { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const firstLoadBytes = [...site.served.values()].reduce((a, b) => a + b, 0);
    expect([...site.served.keys()].filter((path) => path.includes('/data/')), 'no data before a run').toEqual([]);
    expect(await page.locator('#scorer option').allTextContents()).toContain('magnitude');

    // Keyboard: the controls are reachable with Tab from the top of the form.
    await page.focus('#preset');
    const reached: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(reached).toEqual(expect.arrayContaining(['rate', 'output-rate', 'rounds', 'epochs', 'scorer', 'seeds', 'run']));

    // Responsiveness: every long task (> 50 ms) of the page's main thread while it trains.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = seen;
      new PerformanceObserver((list) => seen.push(...list.getEntries().map((entry) => entry.duration))).observe({ type: 'longtask' });
    });
    await page.selectOption('#preset', options.form.preset);
    await page.fill('#rounds', options.form.rounds);
    await page.fill('#epochs', options.form.epochs);
    await page.fill('#seeds', options.form.seeds);
    await page.focus('#run');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.dataset['state'] === 'running', null, { timeout: 60_000 });
    if (options.stopAndResume) {
      await page.waitForFunction(() => Number((document.getElementById('progress') as HTMLProgressElement).value) > 0.2, null, { timeout: 120_000 });
      await page.click('#stop');
      await page.waitForFunction(() => document.body.dataset['state'] === 'paused');
      const before = await page.locator('#progress').evaluate((element) => (element as HTMLProgressElement).value);
      await page.waitForTimeout(1500);
      const after = await page.locator('#progress').evaluate((element) => (element as HTMLProgressElement).value);
      // A step already under way may finish, and its report arrive, but training stays stopped.
      expect(after - before, 'no progress while stopped').toBeLessThan(0.02);
      await page.click('#resume');
    }
    await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset['state'] ?? ''), null, { timeout: 300_000 });
    expect(await page.locator('#message').textContent()).toBe('');
    expect(await page.evaluate(() => document.body.dataset['state'])).toBe('done');

    const seconds = Number(await page.locator('#progress-text').getAttribute('data-seconds'));
    const longestTask = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
    const rows = await page.$$eval('#points tbody tr', (trs) => trs.map((tr) => ({ ...(tr as HTMLElement).dataset }) as Record<string, string>));
    const config = JSON.parse(readFileSync(await downloaded(page, '#download-config', folder), 'utf8')) as Record<string, unknown>;
    const results = readFileSync(await downloaded(page, '#download-results', folder), 'utf8');
    const metrics = readFileSync(await downloaded(page, '#download-metrics', folder), 'utf8');
    const masks = readFileSync(await downloaded(page, '#download-masks', folder));
    const weightsPath = await downloaded(page, '#download-weights', folder);
    const threads = page.locator('#threads');
    const info = {
      isolated: (await threads.getAttribute('data-isolated')) ?? undefined,
      binary: (await threads.getAttribute('data-binary')) ?? undefined,
      threads: Number(await threads.getAttribute('data-threads')),
      trainerThreads: Number(await threads.getAttribute('data-trainer-threads')),
      engine: (await threads.getAttribute('data-engine')) ?? undefined,
      text: (await threads.textContent()) ?? '',
    };

    if (options.screenshot !== undefined) {
      await page.locator('#accuracy-plot svg').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: options.screenshot });
    }
    // Phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no horizontal scrolling at 390 px').toBeLessThanOrEqual(390);
    return { ...info, trainerWorkers, seconds, firstLoadBytes, rows, config, results, metrics, masks, weightsPath, errors, longestTask };
  } finally {
    await context.close();
  }
}

describe('the playground in Chromium', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sparse-playground-'));
  let browser: Browser | undefined;
  const sites: Site[] = [];

  beforeAll(async () => {
    if (skipReason !== '') return;
    // Vite is the playground's own dev dependency: load it from there.
    const entry = createRequire(join(app, 'package.json')).resolve('vite');
    const vite = (await import(pathToFileURL(entry).href)) as { build(config: Record<string, unknown>): Promise<unknown> };
    await vite.build({ root: app, configFile: join(app, 'vite.config.ts'), logLevel: 'error', build: { outDir: join(folder, 'site'), emptyOutDir: true } });
    browser = await chromium.launch({
      executablePath: executablePath as string,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const site of sites) site.server.close();
    rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it.skipIf(skipReason !== '')(`runs a short experiment with and without cross-origin isolation and gives sparse run's numbers${skipReason === '' ? '' : ` (skipped: ${skipReason})`}`, async () => {
    const root = join(folder, 'site');
    const assets = ['index.html', 'data/subset.json', 'data/train-images-idx3-ubyte.gz'];
    for (const file of assets) expect(existsSync(join(root, file)), file).toBe(true);

    const isolatedSite = await serve(root, true);
    const plainSite = await serve(root, false);
    sites.push(isolatedSite, plainSite);
    const isolated = await runPage(browser as Browser, isolatedSite, folder, { form: FORM_ONE_SEED, stopAndResume: false });
    const plain = await runPage(browser as Browser, plainSite, folder, { form: FORM, stopAndResume: true, screenshot });

    // Threads when isolated, one thread otherwise, as the page says.
    expect([isolated.isolated, isolated.binary]).toEqual(['true', 'threaded-simd']);
    expect([plain.isolated, plain.binary, plain.threads]).toEqual(['false', 'simd', 1]);
    // The dense trainer shares each step between 2+ threads (its own Web Workers) when isolated, one thread otherwise, as the page says.
    expect([isolated.engine, plain.engine]).toEqual(['dense-trainer', 'dense-trainer']);
    expect(isolated.trainerThreads, 'dense-trainer threads when isolated').toBeGreaterThan(1);
    expect(isolated.text).toContain(`the dense trainer shares each training step between ${isolated.trainerThreads} threads per worker`);
    expect(plain.trainerThreads).toBe(1);
    expect(plain.text).toContain('the dense trainer runs each training step on one thread per worker');
    expect(plain.trainerWorkers, 'no trainer Web Workers without isolation').toBe(0);
    // Chromium's own count: each of the 7 training runs of the one seed started its trainer's extra threads as Web Workers.
    expect(isolated.trainerWorkers, 'dense-trainer Web Workers started').toBe(7 * (isolated.trainerThreads - 1));
    expect(isolated.errors).toEqual([]);
    expect(plain.errors).toEqual([]);
    // Training happens in workers: the page's own thread never blocks for long (a training loop on it would block for the
    // whole run, tens of seconds); the bound leaves room for a loaded machine, where a short task can wait for a core.
    expect(Math.max(isolated.longestTask, plain.longestTask), 'longest main-thread task (ms)').toBeLessThan(2000);

    // The same configs in Node, as `sparse run` runs them (seeds in worker threads, wasm, dense-trainer, one thread each).
    expect(plain.config).toMatchObject({ kind: 'lth', rounds: 2, epochsPerRound: 2, seeds: [0, 1], backend: 'wasm' });
    expect(isolated.config).toEqual({ ...plain.config, seeds: [0] });
    const runNode = async (config: Record<string, unknown>, file: string) => {
      const configPath = join(folder, file);
      writeFileSync(configPath, JSON.stringify(config, null, 2));
      let log = '';
      const started = performance.now();
      const outcome = await runExperimentFile({
        path: configPath,
        cwd: folder,
        runsRoot: 'runs',
        builtIns: [
          { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
          { plugin: lthPlugin(), spec: builtInSpec('@sparse/lth', import.meta.url) },
        ],
        preload: [aliases],
        log: (text) => void (log += text),
        progress: { write: () => true, isTTY: false },
      });
      const seconds = (performance.now() - started) / 1000;
      expect(log).toContain('engine dense-trainer');
      return { runPath: outcome.runPath, seconds, results: readFileSync(join(outcome.runPath, 'results.json'), 'utf8'), metrics: readFileSync(join(outcome.runPath, 'metrics.jsonl'), 'utf8') };
    };
    const nodeOne = await runNode(isolated.config, 'config-one-seed.json');
    const nodeTwo = await runNode(plain.config, 'config-two-seeds.json');

    // Byte for byte the files `sparse run` wrote, in both modes (so across thread counts, environments and with a stop).
    expect(isolated.results).toBe(nodeOne.results);
    expect(isolated.metrics).toBe(nodeOne.metrics);
    expect(plain.results).toBe(nodeTwo.results);
    expect(plain.metrics).toBe(nodeTwo.metrics);

    // The plotted points are Node's unit summaries.
    const pointsOf = (results: string) =>
      (JSON.parse(results) as { units: { output: { seed: number; level: number; branch: string; remaining: number; testAccuracyAtEarlyStop: number; earlyStopIteration: number } }[] }).units
        .map((u) => u.output)
        .map((s) => ({ seed: String(s.seed), level: String(s.level), branch: s.branch, remaining: String(s.remaining), accuracy: String(s.testAccuracyAtEarlyStop), iteration: String(s.earlyStopIteration) }));
    expect(pointsOf(nodeTwo.results).length).toBe(2 * 7);
    expect(isolated.rows).toEqual(pointsOf(nodeOne.results));
    expect(plain.rows).toEqual(pointsOf(nodeTwo.results));
    // Seed 0 trained on 2 threads in the browser and on 1 in Node: the same points.
    expect(pointsOf(nodeTwo.results).filter((point) => point.seed === '0')).toEqual(pointsOf(nodeOne.results));

    // The masks download (u8 safetensors) is Node's ticket mask of the last level, read back with core's reader.
    const { header, tensors } = deserializeSafetensors(isolated.masks, 'masks download');
    const browserMasks = decodeMaskEntries(header.metadata, tensors, 'masks download');
    const nodeMasks = await readMaskFile(join(nodeOne.runPath, 'masks/seed-0/level-02.safetensors'));
    expect([...browserMasks.keys()]).toEqual([...nodeMasks.keys()]);
    for (const [name, mask] of nodeMasks) {
      expect(browserMasks.get(name)?.shape, name).toEqual(mask.shape);
      expect(Buffer.from(browserMasks.get(name)?.kept ?? []).equals(Buffer.from(mask.kept)), name).toBe(true);
    }
    // The weights download (F32) opens with the reader `sparse prune` uses; pruned weights are exactly 0.
    const weights = await openSafetensors(isolated.weightsPath);
    try {
      expect(weights.names).toEqual(expect.arrayContaining(['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc3/kernel']));
      const kernel = await weights.readFloat32('fc1/kernel');
      const kept = nodeMasks.get('fc1/kernel')?.kept as Uint8Array;
      expect(kernel.length).toBe(784 * 300);
      expect(kernel.every((w, i) => kept[i] === 1 || w === 0)).toBe(true);
      expect(kernel.some((w) => w !== 0)).toBe(true);
    } finally {
      await weights.close();
    }

    // The screenshot: 1280 × 800, more than a blank page.
    const png = readFileSync(screenshot);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 800]);
    expect(png.byteLength).toBeGreaterThan(40_000);

    const figures = {
      machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`,
      load: loadavg().map((value) => value.toFixed(2)).join(' '),
      experiment: { isolated: FORM_ONE_SEED, notIsolated: FORM },
      firstLoadBytes: isolated.firstLoadBytes,
      firstLoadBytesUnisolated: plain.firstLoadBytes,
      nodeSecondsOneSeed: Number(nodeOne.seconds.toFixed(2)),
      browserSecondsIsolated: Number(isolated.seconds.toFixed(2)),
      ratioIsolated: Number((isolated.seconds / nodeOne.seconds).toFixed(2)),
      threadsIsolated: isolated.threads,
      denseTrainerThreadsIsolated: isolated.trainerThreads,
      trainerWebWorkersIsolated: isolated.trainerWorkers,
      nodeSecondsTwoSeeds: Number(nodeTwo.seconds.toFixed(2)),
      browserSecondsOneThread: Number(plain.seconds.toFixed(2)),
      ratioOneThread: Number((plain.seconds / nodeTwo.seconds).toFixed(2)),
      longestMainThreadTaskMs: Math.round(Math.max(isolated.longestTask, plain.longestTask)),
    };
    process.stdout.write(`playground figures: ${JSON.stringify(figures)}\n`);
    expect(isolated.firstLoadBytes).toBeLessThan(5 * 2 ** 20);
    expect(plain.firstLoadBytes).toBeLessThan(5 * 2 ** 20);
  }, 900_000);
});
