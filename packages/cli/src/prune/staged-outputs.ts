import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SparseError } from '@sparse/core';

let staged = 0;

/**
 * Writes several output files all or nothing: each is written to a temporary file beside its
 * final path (`.<name>.<pid>-<n>.sparse-tmp`), and only when every write succeeded are they
 * renamed over their final paths. When a write fails, the temporary files are removed and every
 * existing file is left byte-identical. (A rename inside one folder does not fail once the file
 * was written there; should the second of two renames fail, the error says which file is new.)
 *
 * @param writes - each final path and the function that writes its content to a given path.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { writeAllOrNothing } from '@sparse/cli';
 *
 * await writeAllOrNothing([
 *   { path: 'pruned.safetensors', write: (temporary) => writeFile(temporary, 'weights') },
 *   { path: 'masks.safetensors', write: (temporary) => writeFile(temporary, 'masks') },
 * ]);
 * ```
 */
export async function writeAllOrNothing(writes: readonly { readonly path: string; write(temporary: string): Promise<unknown> }[]): Promise<void> {
  const temporaries: { readonly temporary: string; readonly path: string }[] = [];
  try {
    for (const { path, write } of writes) {
      staged += 1;
      const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${staged}.sparse-tmp`);
      temporaries.push({ temporary, path });
      await write(temporary);
    }
  } catch (error) {
    await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true }).catch(() => undefined)));
    throw error;
  }
  const done: string[] = [];
  for (const { temporary, path } of temporaries) {
    try {
      await rename(temporary, path);
      done.push(path);
    } catch (error) {
      await Promise.all(temporaries.map(({ temporary: left }) => rm(left, { force: true }).catch(() => undefined)));
      const written = done.length === 0 ? 'nothing was replaced' : `${done.join(', ')} ${done.length === 1 ? 'was' : 'were'} already replaced`;
      throw new SparseError('E_IO', `Cannot move the new ${path} into place: ${error instanceof Error ? error.message : String(error)}; ${written}.`, { field: 'path', received: path }, { cause: error });
    }
  }
}
