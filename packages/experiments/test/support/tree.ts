import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under `root` (relative path → bytes), for byte-for-byte comparisons of run directories; `timing.jsonl` (the runs' wall times) is left out. */
export async function readTree(root: string, skip: (path: string) => boolean = () => false): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  async function walk(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const rel = relative(root, path);
      if (skip(rel) || entry.name === 'timing.jsonl') continue; // timing.jsonl: wall times, never equal
      if (entry.isDirectory()) await walk(path);
      else out.set(rel, await readFile(path));
    }
  }
  await walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The paths whose bytes differ between two trees (or exist in only one). */
export function treeDifferences(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((path) => {
    const x = a.get(path);
    const y = b.get(path);
    return x === undefined || y === undefined || !x.equals(y);
  });
}
