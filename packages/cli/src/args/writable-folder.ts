import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

let probes = 0;

/**
 * Whether new files can be created in an existing `folder`: creates an empty probe file there
 * (`.sparse-probe-<pid>-<n>.sparse-tmp`) and removes it at once. Permission bits alone cannot
 * tell (root passes `access(W_OK)` on read-only mounts and on `/proc`, where creating fails).
 *
 * @example
 * ```ts
 * import { canCreateFiles } from '@sparse/cli';
 *
 * console.log(await canCreateFiles('/tmp'), await canCreateFiles('/proc')); // true false
 * ```
 */
export async function canCreateFiles(folder: string): Promise<boolean> {
  probes += 1;
  const probe = join(folder, `.sparse-probe-${process.pid}-${probes}.sparse-tmp`);
  try {
    await (await open(probe, 'wx')).close();
  } catch {
    return false;
  }
  await rm(probe, { force: true });
  return true;
}
