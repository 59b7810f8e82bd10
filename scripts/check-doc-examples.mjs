#!/usr/bin/env node
// Two checks of the documentation's examples:
//
// 1. Every exported symbol of every package has a TSDoc @example block (reads the JSON typedoc wrote
//    beside the site, docs/api/api.json).
// 2. Every code block of README.md and docs/guides/*.md runs. The TypeScript and JavaScript blocks of
//    a page are written, in order, into one folder (a block's file name is its `title="…"`, so a later
//    block can import an earlier one) and each is run with Node from the workspace's sources (tsx and
//    the source aliases the tests use); a block that exits non-zero fails the check. A block that
//    cannot run here says so on the line before it, with its reason:
//      <!-- doc-example: consumer — <reason> -->  an install command or a consumer's file, run by
//                                                  tests/consumer/registry.slow.test.ts (it needs a title)
//      <!-- doc-example: skip — <reason> -->      cannot run at all (needs a service, or is a fragment)
//    Any other block without such a line fails the check.
//    In the packages' READMEs (packages/*/README.md), whose other blocks are fragments of a larger
//    text, only the blocks marked <!-- doc-example: run --> run (each package's runnable example).
//
// `--markdown` runs only check 2 (`pnpm docs:examples`, which .ci/run runs after the slow tier),
// `--tsdoc` only check 1 (`pnpm run docs`, part of `pnpm verify`); no flag runs both.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../', import.meta.url));
const flags = new Set(process.argv.slice(2));
const runTsdoc = !flags.has('--markdown');
const runMarkdown = !flags.has('--tsdoc');

function checkTsdocExamples() {
  const project = JSON.parse(readFileSync(join(repo, 'docs/api/api.json'), 'utf8'));
  const missing = [];
  /** typedoc's kind of a re-export under another name (`export { lthPlugin as default }`): documented where it points. */
  const REFERENCE_KIND = 4194304;
  const MODULE_KIND = 2;
  /** Top-level exports only: members inherit their owner's example. */
  const visitModule = (module, packageName) => {
    for (const child of module.children ?? []) {
      if (child.kind === REFERENCE_KIND) continue;
      const comment = child.comment ?? child.signatures?.[0]?.comment;
      const hasExample = (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
      if (!hasExample) missing.push(`${packageName}: ${child.name}`);
    }
  };
  const packages = (project.children ?? []).every((child) => child.kind === MODULE_KIND) ? project.children : [project];
  for (const pkg of packages) visitModule(pkg, pkg.name);
  if (missing.length > 0) {
    console.error(`These exports have no @example in their TSDoc:\n  ${missing.join('\n  ')}`);
    return true;
  }
  console.log(`docs: every export of ${packages.length} package(s) has an @example.`);
  return false;
}

/** The pages whose every code block must run. */
function markdownPages() {
  const guides = readdirSync(join(repo, 'docs/guides'))
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => `docs/guides/${file}`);
  return ['README.md', ...guides];
}

/** The packages' READMEs, whose blocks marked `run` must run. */
function packageReadmes() {
  return readdirSync(join(repo, 'packages'))
    .filter((folder) => existsSync(join(repo, 'packages', folder, 'README.md')))
    .sort()
    .map((folder) => `packages/${folder}/README.md`);
}

const RUNNABLE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const MARKER = /^<!--\s*doc-example:\s*(skip|consumer|run)\s*(?:(?:—|--|-|:)\s*(\S.*?))?\s*-->$/;

/**
 * The fenced code blocks of a Markdown text: language, title, body, line, and the marker on the
 * line before (blank lines between them are allowed).
 */
function codeBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)(```+|~~~+)\s*([\w-]*)(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence, lang, rest] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) {
      body.push(lines[j].slice(indent.length));
      j += 1;
    }
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k -= 1;
    const marker = k >= 0 ? MARKER.exec(lines[k].trim()) : null;
    const title = /title="([^"]+)"/.exec(rest)?.[1];
    blocks.push({ lang: lang.toLowerCase(), title, body: `${body.join('\n')}\n`, line: i + 1, marker: marker === null ? undefined : { kind: marker[1], reason: marker[2] ?? '' } });
    i = j;
  }
  return blocks;
}

/** The last lines of a child's output, each cut to a readable width (minified sources print whole). */
function tail(text) {
  return (text ?? '').split('\n').slice(-25).map((line) => (line.length > 240 ? `${line.slice(0, 240)}…` : line)).join('\n');
}

/** Runs one block's file with Node from the workspace's sources; resolves with its status and output. */
function runBlock(file, folder, hooks) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', hooks, file], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, seconds: ((performance.now() - started) / 1000).toFixed(1) });
    });
  });
}

async function checkMarkdownBlocks() {
  const problems = [];
  const scratch = join(repo, 'examples/node_modules/.doc-examples');
  rmSync(scratch, { recursive: true, force: true });
  const hooks = join(repo, 'packages/experiments/test/support/register-source-aliases.mjs');
  let marked = 0;
  const every = new Set(markdownPages());
  /** Blocks to run; a block whose code another page already has runs once (the same code, the same result). */
  const jobs = [];
  const byBody = new Map();
  for (const page of [...every, ...packageReadmes()]) {
    const blocks = codeBlocks(readFileSync(join(repo, page), 'utf8')).filter((block) => every.has(page) || block.marker?.kind === 'run');
    const folder = join(scratch, page.replace(/[/.]/g, '-'));
    mkdirSync(folder, { recursive: true });
    // as the guide's project: ESM (`npm pkg set type=module`)
    writeFileSync(join(folder, 'package.json'), '{ "type": "module" }\n');
    for (const [index, block] of blocks.entries()) {
      const where = `${page}:${block.line}`;
      if (block.marker !== undefined && block.marker.kind !== 'run') {
        marked += 1;
        if (block.marker.reason === '') problems.push(`${where}: a "${block.marker.kind}" marker needs its reason`);
        if (block.marker.kind === 'consumer' && block.title === undefined) problems.push(`${where}: a "consumer" block needs a title="…" for the registry test to find it`);
        continue;
      }
      if (!RUNNABLE.has(block.lang)) {
        problems.push(`${where}: a \`${block.lang || 'plain'}\` block cannot run here; make it runnable or put <!-- doc-example: skip — why --> (or consumer) on the line before it`);
        continue;
      }
      const extension = block.lang.startsWith('t') ? 'ts' : 'mjs';
      const file = block.title ?? `block-${index + 1}.${extension}`;
      // every file of a page is written before any runs (a block may import a later one)
      writeFileSync(join(folder, file), block.body);
      const same = byBody.get(block.body);
      if (same !== undefined) same.also.push(where);
      else {
        const job = { file, folder, where, also: [] };
        byBody.set(block.body, job);
        jobs.push(job);
      }
    }
  }
  // two at a time: most of a block's time is Node and tsx starting, on one core
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next];
      next += 1;
      const result = await runBlock(job.file, job.folder, hooks);
      const names = [job.where, ...job.also].join(', ');
      if (result.status !== 0) problems.push(`${names} (${job.file}) exited ${result.status ?? result.signal} after ${result.seconds} s:\n${tail(result.stdout)}\n${tail(result.stderr)}`);
      else console.log(`docs: ${names} ${job.file} ran in ${result.seconds} s`);
    }
  };
  await Promise.all([worker(), worker()]);
  if (problems.length > 0) {
    console.error(`Documentation code blocks that do not run:\n  ${problems.join('\n  ')}`);
    return true;
  }
  const covered = jobs.reduce((sum, job) => sum + 1 + job.also.length, 0);
  console.log(`docs: ${covered} code block(s) of ${markdownPages().length} page(s) and the packages' READMEs ran (${jobs.length} distinct); ${marked} marked as run elsewhere or not runnable, each with its reason (${relative(repo, scratch)}).`);
  return false;
}

let failed = false;

if (runTsdoc) failed = checkTsdocExamples() || failed;
if (runMarkdown) failed = (await checkMarkdownBlocks()) || failed;
process.exit(failed ? 1 : 0);
