/**
 * The SHA-256 digest of bytes as 64 lower-case hex digits, computed with Web Crypto
 * (`crypto.subtle`, available in Node ≥ 20 and in browsers).
 *
 * @example
 * ```ts
 * import { sha256Hex } from '@sparse/datasets';
 *
 * console.log(await sha256Hex(new TextEncoder().encode('abc')));
 * // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const source = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', source));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
