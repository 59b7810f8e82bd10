import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Core's layering, read from its sources: the folders of `packages/core/src` (and its top-level
 * files, each a node of its own: `errors.ts`, `token.ts`, `tokens.ts`, …) must not import each
 * other in a loop, and `contracts/` sits at the bottom. Algorithm folders may import `contracts/`
 * and the shared low-level pieces (`selection/`, `random/`, `wasm/`, `errors.ts`, `token.ts`), and
 * one another one way only.
 */

const SRC = dirname(fileURLToPath(import.meta.url));

/** What `contracts/` may import: itself and the shared leaves. */
const CONTRACTS_MAY_IMPORT: ReadonlySet<string> = new Set(['contracts', 'errors.ts', 'token.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A file's node: its top folder under `src/`, or its own name for a top-level file. */
function nodeOf(path: string): string {
  return relative(SRC, path).split(sep)[0] as string;
}

/** Edges between nodes, each with the imports that make it (`file: specifier`). */
function importGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(SRC)) {
    const from = nodeOf(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const to = nodeOf(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${relative(SRC, file)}: '${specifier}'`]);
    }
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** One loop through `start` inside `component`, with the imports making each step (breadth-first, so the shortest). */
function describeLoop(graph: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>, component: readonly string[]): string {
  const members = new Set(component);
  const start = component[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  let last: string | undefined;
  while (queue.length > 0 && last === undefined) {
    const node = queue.shift() as string;
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        last = node;
        break;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  const path = [start];
  for (let node = last as string; node !== start; node = previous.get(node) as string) path.splice(1, 0, node);
  path.push(start);
  return path
    .slice(0, -1)
    .map((node, i) => `  ${node} -> ${path[i + 1] as string}   (${(graph.get(node)?.get(path[i + 1] as string) ?? []).join('; ')})`)
    .join('\n');
}

describe('core layering', () => {
  const graph = importGraph();

  it('reads the imports of the sources, and finds a loop when there is one', () => {
    expect(graph.get('pruning')?.has('selection')).toBe(true);
    expect(graph.get('index.ts')?.has('contracts')).toBe(true);
    const looped = new Map([
      ['a', new Map([['b', ['a/x.ts: ../b/y.js']]])],
      ['b', new Map([['c', ['b/y.ts: ../c/z.js']]])],
      ['c', new Map([['a', ['c/z.ts: ../a/x.js']]])],
    ]);
    expect(cycles(looped)).toEqual([['a', 'b', 'c']]);
    expect(describeLoop(looped, ['a', 'b', 'c'])).toContain('c -> a   (c/z.ts: ../a/x.js)');
  });

  it('has no import cycle between folders and top-level files (runtime/ and backends/ included)', () => {
    const unexpected = cycles(graph);
    const report = unexpected.map((component) => `cycle among ${component.join(', ')}:\n${describeLoop(graph, component)}`).join('\n\n');
    if (report !== '') console.error(report);
    expect(report).toBe('');
  });

  it('keeps contracts/ at the bottom: it imports only itself, errors.ts and token.ts', () => {
    const outside = [...(graph.get('contracts') ?? new Map<string, string[]>())].filter(([to]) => !CONTRACTS_MAY_IMPORT.has(to));
    expect(outside.map(([to, imports]) => `contracts -> ${to} (${imports.join('; ')})`)).toEqual([]);
  });
});
