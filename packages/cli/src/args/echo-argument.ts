/**
 * An argument as a usage error echoes it: JSON-quoted, cut after 200 characters with
 * "… (N characters)" (N: the argument's length), so a huge argument never floods the terminal.
 *
 * @example
 * ```ts
 * import { echoArgument } from '@sparse/cli';
 *
 * console.log(echoArgument('x'.repeat(1000)).length < 300); // true
 * ```
 */
export function echoArgument(text: string): string {
  return text.length > 200 ? `${JSON.stringify(text.slice(0, 200))}… (${text.length} characters)` : JSON.stringify(text);
}
