/**
 * Every relative link in the repository's Markdown resolves: `[text](path)`, `[label]: path` and
 * `<img src="path">`, outside code blocks and inline code. Links into docs/api/ point at pages
 * typedoc generates there (`pnpm run docs`; not in git): they must name a package's page,
 * `docs/api/modules/_sparse_<folder>.html`, and, when the site has been generated, exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.runs', 'dist', '.scratch', '.consumer-tmp', 'coverage']);
const API = join(root, 'docs/api');

function markdownFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name) && path !== API) files.push(...markdownFiles(path));
    } else if (entry.name.endsWith('.md')) {
      files.push(path);
    }
  }
  return files;
}

/** The text without fenced code blocks and inline code (their brackets are not links). */
function prose(text: string): string {
  return text.replace(/^([ \t]*)(```|~~~)[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Relative link targets of a Markdown text (no scheme, not a bare #anchor). */
export function relativeLinks(text: string): string[] {
  const body = prose(text);
  const targets = [
    ...[...body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
    ...[...body.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((match) => match[1]),
    ...[...body.matchAll(/<img\s[^>]*src="([^"]+)"/g)].map((match) => match[1]),
  ];
  return targets.filter((target): target is string => target !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'));
}

const packageFolders = new Set(readdirSync(join(root, 'packages')).filter((folder) => existsSync(join(root, 'packages', folder, 'package.json'))));

function problem(file: string, target: string): string | undefined {
  const path = decodeURIComponent(target.replace(/[#?].*$/, ''));
  if (path === '') return undefined;
  const absolute = resolve(dirname(file), path);
  const where = `${relative(root, file)}: ${target}`;
  if (absolute.startsWith(`${API}/`)) {
    const page = /^modules\/_sparse_([a-z0-9-]+)\.html$/.exec(relative(API, absolute));
    const folder = page?.[1];
    if (folder === undefined || !packageFolders.has(folder)) return `${where} (not a package's API page, docs/api/modules/_sparse_<package>.html)`;
    if (existsSync(API) && !existsSync(absolute)) return `${where} (typedoc wrote no such page)`;
    return undefined;
  }
  if (!existsSync(absolute)) return `${where} (no such file)`;
  if (path.endsWith('/') && !statSync(absolute).isDirectory()) return `${where} (not a folder)`;
  return undefined;
}

describe('relative links in the Markdown files', () => {
  it('finds links the three ways Markdown writes them, and none in code', () => {
    const sample = '[a](x.md) [b](y.md "t") [c](https://e.org) [d](#top)\n[e]: ../f.md\n<img src="g.png">\n`[h](no.md)`\n```\n[i](no.md)\n```\n';
    expect(relativeLinks(sample)).toEqual(['x.md', 'y.md', '../f.md', 'g.png']);
  });

  it('resolves every one of them', () => {
    const files = markdownFiles(root);
    expect(files.length).toBeGreaterThan(20);
    const problems = files.flatMap((file) => relativeLinks(readFileSync(file, 'utf8')).map((target) => problem(file, target)).filter((text) => text !== undefined));
    expect(problems).toEqual([]);
  });
});
