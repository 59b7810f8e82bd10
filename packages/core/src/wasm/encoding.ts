/**
 * The few pieces of the WebAssembly binary format that the hand-assembled modules of this package
 * need (internal module): LEB128 integers, sections, vectors and names.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (the immediate of `i32.const`). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A section: its id, then its size and body. */
export function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A vector: its length, then its items. */
export function vector(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A UTF-8 name. */
export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** The magic number and version that open every module. */
export const MODULE_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** `local.get`, `local.set`, `local.tee` of a local index. */
export const localGet = (index: number): number[] => [0x20, ...uleb(index)];
export const localSet = (index: number): number[] => [0x21, ...uleb(index)];
export const localTee = (index: number): number[] => [0x22, ...uleb(index)];

/** `i32.const` (signed immediate). */
export const i32Const = (value: number): number[] => [0x41, ...sleb(value)];

/** A SIMD-prefixed instruction: prefix 0xfd, the opcode as LEB128 u32, then its immediates. */
export const simdOp = (opcode: number, ...immediates: number[]): number[] => [0xfd, ...uleb(opcode), ...immediates];

/** Plain (non-SIMD) opcodes the modules share. */
export const I32_EQZ = 0x45;
export const I32_NE = 0x47;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I32_REM_U = 0x70;
export const I32_AND = 0x71;
export const I32_SHL = 0x74;

/** Control instructions: `block`, `loop` and `if` with an empty block type, `end`, `br`, `br_if` (the last two take a depth). */
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const IF = [0x04, 0x40];
export const END = 0x0b;
export const BR = 0x0c;
export const BR_IF = 0x0d;
