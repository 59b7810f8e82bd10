import { SparseError, formatOptionPath } from '@sparse/core';

/**
 * Deepest nesting of arrays and objects a config may have. Real configs nest a handful of levels;
 * the limit keeps every recursive step after it (the schema check, the config hash, the run
 * directory's config.json) far from the stack's limit.
 *
 * @example
 * ```ts
 * import { MAX_CONFIG_DEPTH } from '@sparse/experiments';
 *
 * console.log(MAX_CONFIG_DEPTH); // 64
 * ```
 */
export const MAX_CONFIG_DEPTH = 64;

/**
 * Refuses a config value nested deeper than {@link MAX_CONFIG_DEPTH} levels with a one-line
 * `E_CONFIG` error naming the path where the limit is crossed. Iterative (an explicit stack), so
 * a value nested 100,000 levels deep is refused without a stack overflow.
 *
 * @param value - the raw config (JSON, or a module's default export).
 * @param source - the config file, named in the message.
 *
 * @example
 * ```ts
 * import { checkConfigDepth } from '@sparse/experiments';
 *
 * checkConfigDepth({ model: { layerSizes: [784, 10] } }); // fine
 * ```
 */
export function checkConfigDepth(value: unknown, source?: string): void {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if (path.length >= MAX_CONFIG_DEPTH) {
      throw new SparseError(
        'E_CONFIG',
        `Invalid config${source === undefined ? '' : ` ${source}`}: ${formatOptionPath(path.slice(0, 3))}… is nested deeper than ${MAX_CONFIG_DEPTH} levels (arrays and objects); configs nest a few levels.`,
        { field: formatOptionPath(path.slice(0, 3)), received: `more than ${MAX_CONFIG_DEPTH} levels`, allowed: `at most ${MAX_CONFIG_DEPTH} levels` },
      );
    }
    if (Array.isArray(current)) current.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
    else for (const [key, item] of Object.entries(current)) stack.push({ value: item, path: [...path, key] });
  }
}
