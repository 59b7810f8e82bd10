/**
 * A text as echoed in a one-line message: its first line, cut at `max` characters with the full
 * length noted (an error message, a path or a package name given by a user may be megabytes).
 *
 * @example
 * ```ts
 * import { shortText } from './short-text.js';
 *
 * console.log(shortText('x'.repeat(1000), 10)); // 'xxxxxxxxxx… (1000 characters)'
 * ```
 */
export function shortText(text: string, max = 200): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}… (${line.length} characters)` : line;
}

/** The message of a thrown value, as {@link shortText}. */
export function shortReason(error: unknown, max = 300): string {
  return shortText(error instanceof Error ? error.message : String(error), max);
}
