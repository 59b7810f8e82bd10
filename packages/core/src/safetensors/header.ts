import { echoValue } from '../runtime/options-issues.js';
import { SparseError } from '../errors.js';
import { SAFETENSORS_DTYPES, SAFETENSORS_DTYPE_SIZES, isSafetensorsDtype, type SafetensorsDtype } from './dtype.js';

/**
 * The largest JSON header accepted, in bytes (100 MB), as in the reference implementation.
 *
 * @example
 * ```ts
 * import { MAX_SAFETENSORS_HEADER_BYTES } from '@sparse/core';
 *
 * console.log(MAX_SAFETENSORS_HEADER_BYTES); // 100000000
 * ```
 */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/**
 * One tensor as the header of a safetensors file describes it.
 *
 * @example
 * ```ts
 * import type { SafetensorsTensorInfo } from '@sparse/core';
 *
 * const info: SafetensorsTensorInfo = {
 *   name: 'fc1.weight', dtype: 'F32', shape: [4, 2], dataOffsets: [0, 32], byteLength: 32, elementCount: 8,
 * };
 * ```
 */
export interface SafetensorsTensorInfo {
  /** The tensor's key in the header. */
  readonly name: string;
  /** Its element type. */
  readonly dtype: SafetensorsDtype;
  /** Its shape; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
  /** `end − begin`. */
  readonly byteLength: number;
  /** The product of the shape (1 for a scalar). */
  readonly elementCount: number;
}

/**
 * The parsed, validated header of a safetensors file.
 *
 * @example
 * ```ts
 * import { openSafetensors, type SafetensorsHeader } from '@sparse/core';
 *
 * const file = await openSafetensors('model.safetensors');
 * const header: SafetensorsHeader = file.header;
 * console.log(header.tensors.map((t) => t.name), header.metadata);
 * await file.close();
 * ```
 */
export interface SafetensorsHeader {
  /** The tensors in the order of their data offsets (the order their bytes are stored in). */
  readonly tensors: readonly SafetensorsTensorInfo[];
  /** The optional `__metadata__` map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte length of the JSON header (the number in the first 8 bytes). */
  readonly headerByteLength: number;
  /** Absolute file offset of the data section: `8 + headerByteLength`. */
  readonly dataStart: number;
}

function formatError(message: string, field?: string, received?: unknown): SparseError {
  return new SparseError('E_FORMAT', message, {
    ...(field === undefined ? {} : { field }),
    ...(received === undefined ? {} : { received }),
  });
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Reads the header length from the first 8 bytes of a safetensors file (unsigned 64-bit,
 * little-endian) and checks it against the file size.
 *
 * @param prefix - the first 8 bytes of the file (fewer means the file is truncated).
 * @param fileSize - the size of the whole file in bytes.
 * @param source - a name for the file in error messages.
 *
 * @example
 * ```ts
 * import { readSafetensorsHeaderLength } from '@sparse/core';
 *
 * const prefix = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0]);
 * console.log(readSafetensorsHeaderLength(prefix, 10)); // 2
 * ```
 */
export function readSafetensorsHeaderLength(prefix: Uint8Array, fileSize: number, source = 'the file'): number {
  if (prefix.byteLength < 8 || fileSize < 8) {
    throw formatError(
      `${source} is not a safetensors file: it has ${Math.min(fileSize, prefix.byteLength)} bytes, fewer than the 8-byte header length (truncated or empty).`,
      'headerLength',
      fileSize,
    );
  }
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    const beyond = length > BigInt(fileSize - 8);
    throw formatError(
      `${source} declares a ${length}-byte header, ${beyond ? `beyond the end of the ${fileSize}-byte file` : `over the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit`}; it is not a safetensors file or is truncated.`,
      'headerLength',
      length.toString(),
    );
  }
  const n = Number(length);
  if (n > fileSize - 8) {
    throw formatError(
      `${source} declares a ${n}-byte header but only ${fileSize - 8} bytes follow the length prefix: the file is truncated or not a safetensors file.`,
      'headerLength',
      n,
    );
  }
  if (n < 2) throw formatError(`${source} declares a ${n}-byte header; the smallest JSON header is '{}' (2 bytes).`, 'headerLength', n);
  return n;
}

/**
 * Parses and validates the JSON header of a safetensors file: every tensor has a known dtype, a
 * shape of non-negative integers and `[begin, end)` offsets whose length is
 * `product(shape) × dtype size`; the tensors tile the data section exactly (no overlap, no gap,
 * as the reference implementation requires) and end at the end of the file; `__metadata__`, when
 * present, maps strings to strings. Every violation is an `E_FORMAT` error naming the tensor.
 *
 * @param json - the header bytes (UTF-8 JSON, possibly padded with trailing spaces).
 * @param fileSize - the size of the whole file, to check the offsets against.
 * @param source - a name for the file in error messages.
 *
 * @example
 * ```ts
 * import { parseSafetensorsHeader } from '@sparse/core';
 *
 * const json = new TextEncoder().encode('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
 * const header = parseSafetensorsHeader(json, 8 + json.byteLength + 8);
 * console.log(header.tensors[0]?.shape); // [2]
 * ```
 */
export function parseSafetensorsHeader(json: Uint8Array, fileSize: number, source = 'the file'): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw formatError(`${source}: the safetensors header is not valid UTF-8.`, 'header');
  }
  if (!text.startsWith('{')) {
    throw formatError(`${source}: the safetensors header must be a JSON object starting with '{'; it starts with ${echoValue(text.slice(0, 16))}.`, 'header');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw formatError(`${source}: the safetensors header is not valid JSON (${reason}).`, 'header');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw formatError(`${source}: the safetensors header must be a JSON object.`, 'header');
  }
  let metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(value, source);
      continue;
    }
    tensors.push(parseTensorInfo(name, value, source));
  }
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  const dataStart = 8 + json.byteLength;
  let cursor = 0;
  for (const tensor of tensors) {
    const [begin, end] = tensor.dataOffsets;
    if (begin !== cursor) {
      const problem = begin < cursor ? 'overlaps the previous tensor' : `leaves a gap of ${begin - cursor} bytes after the previous tensor`;
      throw formatError(
        `${source}: tensor '${tensor.name}' starts at data offset ${begin}, which ${problem} (expected ${cursor}); offsets must tile the data section.`,
        `${tensor.name}.data_offsets`,
        [begin, end],
      );
    }
    cursor = end;
  }
  if (dataStart + cursor !== fileSize) {
    const last = tensors[tensors.length - 1];
    const detail =
      dataStart + cursor > fileSize
        ? `the tensors need ${cursor} data bytes${last === undefined ? '' : ` (up to '${last.name}')`}, but only ${fileSize - dataStart} follow the header: the file is truncated or the offsets are out of range`
        : `${fileSize - dataStart - cursor} bytes follow the last tensor`;
    throw formatError(`${source}: ${detail}.`, 'data_offsets', cursor);
  }
  return Object.freeze({ tensors: Object.freeze(tensors), metadata: Object.freeze(metadata), headerByteLength: json.byteLength, dataStart });
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw formatError(`${source}: __metadata__ must be an object mapping strings to strings.`, '__metadata__');
  }
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') {
      throw formatError(`${source}: __metadata__.${key} must be a string; got ${echoValue(entry)}.`, `__metadata__.${key}`, entry);
    }
    metadata[key] = entry;
  }
  return metadata;
}

function parseTensorInfo(name: string, value: unknown, source: string): SafetensorsTensorInfo {
  const where = `${source}: tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw formatError(`${where} must be an object with dtype, shape and data_offsets.`, name);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDtype(dtype)) {
    throw new SparseError('E_FORMAT', `${where} has unknown dtype ${echoValue(dtype)}; allowed: ${SAFETENSORS_DTYPES.join(', ')}.`, {
      field: `${name}.dtype`,
      received: dtype,
      allowed: SAFETENSORS_DTYPES,
    });
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw formatError(`${where} has shape ${echoValue(shape)}; expected an array of non-negative integers.`, `${name}.shape`, shape);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || (offsets[0] as number) > (offsets[1] as number)) {
    throw formatError(
      `${where} has data_offsets ${echoValue(offsets)}; expected [begin, end] with 0 <= begin <= end.`,
      `${name}.data_offsets`,
      offsets,
    );
  }
  const [begin, end] = offsets as [number, number];
  const elementCount = (shape as number[]).reduce((product, size) => product * size, 1);
  const byteLength = end - begin;
  const expected = elementCount * SAFETENSORS_DTYPE_SIZES[dtype];
  if (!Number.isSafeInteger(expected) || expected !== byteLength) {
    throw formatError(
      `${where} has shape [${(shape as number[]).join(', ')}] of ${dtype}, which needs ${expected} bytes, but its data_offsets [${begin}, ${end}] span ${byteLength}.`,
      `${name}.data_offsets`,
      offsets,
    );
  }
  return Object.freeze({
    name,
    dtype,
    shape: Object.freeze([...(shape as number[])]),
    dataOffsets: Object.freeze([begin, end] as const),
    byteLength,
    elementCount,
  });
}

/**
 * A tensor's description for a writer: everything but its bytes.
 *
 * @example
 * ```ts
 * import type { SafetensorsTensorSpec } from '@sparse/core';
 *
 * const spec: SafetensorsTensorSpec = { name: 'fc1.weight', dtype: 'F16', shape: [300, 784] };
 * ```
 */
export interface SafetensorsTensorSpec {
  /** The key in the header; must not be `__metadata__` or repeat. */
  readonly name: string;
  /** The element type. */
  readonly dtype: SafetensorsDtype;
  /** The shape; `[]` for a scalar. */
  readonly shape: readonly number[];
}

/**
 * Builds the 8-byte length prefix and JSON header for tensors stored in the given order, exactly
 * as the reference implementation lays it out: `__metadata__` first (when not empty), then the
 * tensors in data order, compact JSON, padded with spaces to a multiple of 8 bytes so the data
 * section is 8-byte aligned.
 *
 * @returns the prefix-and-header bytes and the tensors' infos with their offsets.
 *
 * @example
 * ```ts
 * import { buildSafetensorsHeader } from '@sparse/core';
 *
 * const { bytes, tensors } = buildSafetensorsHeader([{ name: 'w', dtype: 'F32', shape: [2, 2] }]);
 * console.log(bytes.byteLength % 8, tensors[0]?.dataOffsets); // 0 [0, 16]
 * ```
 */
export function buildSafetensorsHeader(
  specs: readonly SafetensorsTensorSpec[],
  metadata: Readonly<Record<string, string>> = {},
): { bytes: Uint8Array; tensors: readonly SafetensorsTensorInfo[] } {
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>; // no prototype: a tensor may be named __proto__
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new SparseError('E_ARGUMENT', `Metadata values must be strings; '${key}' is ${typeof value}.`, { field: `metadata.${key}`, received: value });
      }
    }
    header['__metadata__'] = metadata;
  }
  const tensors: SafetensorsTensorInfo[] = [];
  let cursor = 0;
  for (const spec of specs) {
    if (spec.name === '__metadata__' || Object.prototype.hasOwnProperty.call(header, spec.name)) {
      throw new SparseError('E_ARGUMENT', `Tensor name '${spec.name}' is ${spec.name === '__metadata__' ? 'reserved' : 'used twice'}.`, {
        field: 'name',
        received: spec.name,
      });
    }
    if (!isSafetensorsDtype(spec.dtype)) {
      throw new SparseError('E_ARGUMENT', `Tensor '${spec.name}' has unknown dtype ${echoValue(spec.dtype)}; allowed: ${SAFETENSORS_DTYPES.join(', ')}.`, {
        field: `${spec.name}.dtype`,
        received: spec.dtype,
        allowed: SAFETENSORS_DTYPES,
      });
    }
    if (!spec.shape.every(isNonNegativeInteger)) {
      throw new SparseError('E_ARGUMENT', `Tensor '${spec.name}' has shape ${echoValue(spec.shape)}; expected non-negative integers.`, {
        field: `${spec.name}.shape`,
        received: spec.shape,
      });
    }
    const elementCount = spec.shape.reduce((product, size) => product * size, 1);
    const byteLength = elementCount * SAFETENSORS_DTYPE_SIZES[spec.dtype];
    const dataOffsets = [cursor, cursor + byteLength] as const;
    header[spec.name] = { dtype: spec.dtype, shape: [...spec.shape], data_offsets: [...dataOffsets] };
    tensors.push({ name: spec.name, dtype: spec.dtype, shape: [...spec.shape], dataOffsets, byteLength, elementCount });
    cursor += byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const bytes = new Uint8Array(8 + padded).fill(0x20, 8 + json.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  return { bytes, tensors };
}

/**
 * Orders tensor specs as the reference writer (`safetensors.serialize`) does: larger dtype
 * alignment first (by the Rust `Dtype` enum order, descending), then by name.
 *
 * @example
 * ```ts
 * import { sortLikeSafetensors } from '@sparse/core';
 *
 * const sorted = sortLikeSafetensors([
 *   { name: 'mask', dtype: 'U8', shape: [4] },
 *   { name: 'w', dtype: 'F32', shape: [4] },
 * ]);
 * console.log(sorted.map((s) => s.name)); // ['w', 'mask']
 * ```
 */
export function sortLikeSafetensors<T extends SafetensorsTensorSpec>(specs: readonly T[]): T[] {
  const rank = (dtype: SafetensorsDtype) => SAFETENSORS_DTYPES.indexOf(dtype);
  return [...specs].sort((a, b) => rank(b.dtype) - rank(a.dtype) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
