/**
 * fast-check arbitraries of the fuzz suite: mutated experiment configs, command lines of every
 * command, corrupted safetensors and IDX bytes. Hostile on purpose: huge numbers, hex and blank
 * numbers, megabyte strings, values nested thousands deep, unknown and prototype keys, truncated
 * files, flags given twice, paths that are folders, missing or unwritable.
 */
import fc from 'fast-check';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Arrays nested `depth` deep: `[[[…]]]`. */
function nested(depth: number): Json {
  let value: Json = [];
  for (let level = 1; level < depth; level += 1) value = [value];
  return value;
}

/** A value to put anywhere in a config. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Json>(0, -1, 1, 2, 0.5, 1.5, -0.5, 1e308, -1e308, 2 ** 53, 2 ** 31, 2 ** 32 + 1, 1e-320, 1e9, 65537, '', '0x1', '1e309', 'NaN', 'Infinity', ' 1', null, true, false, [], {}, [0], [784, 10], [784, 1_000_000_000, 10], 'bundled', 'wasm', 'cpu', 'auto', 'magnitude', 'random', 'layerwise', 'global', { dir: '.' }, { dir: 'missing' }, { dir: 'w.safetensors' }, { name: 'magnitude' }, { name: 'power-magnitude', power: 3 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n): Json => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 1_500 }).map(nested) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((n): Json => new Array<Json>(n).fill(1)) },
);

/** A key to add to a config object. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'kind', 'name', '$schema', 'plugins', 'backend', 'seed', 'seeds', 'toString'),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'k'.repeat(n)),
);

/** One edit of a config: replace the value at a path, delete it, or add a key beside it. */
export interface ConfigEdit {
  readonly op: 'replace' | 'delete' | 'add';
  readonly at: number;
  readonly value: Json;
  readonly key: string;
}

export const configEdit: fc.Arbitrary<ConfigEdit> = fc.record({
  op: fc.constantFrom<ConfigEdit['op']>('replace', 'replace', 'delete', 'add'),
  at: fc.nat(),
  value: hostileValue,
  key: hostileKey,
});

/** How the edited config is written: as JSON, truncated, with a byte order mark, or with trailing garbage. */
export const fileForm = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ form: 'json' as const, at: 0 }) },
  { weight: 1, arbitrary: fc.record({ form: fc.constant('truncated' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ form: 'bom' as const, at: 0 }) },
  { weight: 1, arbitrary: fc.constant({ form: 'garbage' as const, at: 0 }) },
);

/** Every path to a value inside `value` (objects and arrays), root excluded. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  const children: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : value !== null && typeof value === 'object' ? Object.entries(value) : [];
  for (const [key, item] of children) {
    out.push([...prefix, key]);
    paths(item, [...prefix, key], out);
  }
  return out;
}

function container(root: Json, path: readonly (string | number)[]): Json {
  let value = root;
  for (const key of path) value = (value as Record<string | number, Json>)[key] as Json;
  return value;
}

/** `base` with the edits applied (a copy; keys are defined as own properties, `__proto__` included). */
export function applyEdits(base: Json, edits: readonly ConfigEdit[]): Json {
  const root = structuredClone(base);
  for (const edit of edits) {
    const all = paths(root);
    const path = all[edit.at % Math.max(1, all.length)];
    if (path === undefined) continue;
    const parent = container(root, path.slice(0, -1));
    const last = path[path.length - 1] as string | number;
    if (parent === null || typeof parent !== 'object') continue;
    if (edit.op === 'replace') Object.defineProperty(parent, last, { value: edit.value, enumerable: true, writable: true, configurable: true });
    else if (edit.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else Reflect.deleteProperty(parent, last);
    } else if (!Array.isArray(parent)) Object.defineProperty(parent, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
    else parent.push(edit.value);
  }
  return root;
}

/** The text of a config file in `form`. */
export function configText(config: Json, form: { readonly form: 'json' | 'truncated' | 'bom' | 'garbage'; readonly at: number }): string {
  const text = JSON.stringify(config);
  switch (form.form) {
    case 'truncated':
      return text.slice(0, form.at % text.length);
    case 'bom':
      return `\uFEFF${text}`;
    case 'garbage':
      return `${text} }{`;
    default:
      return text;
  }
}

/** The flags of each command and the values worth trying for them. */
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  prune: ['--in', '--out', '--sparsity', '--scope', '--scorer', '--pattern', '--mode', '--include', '--exclude', '--masks', '--seed', '--backend', '--plugin', '--scorer-option'],
  dare: ['--base', '--finetuned', '--out', '--rate', '--method', '--rescale', '--q', '--scope', '--exclude', '--no-exclude', '--seed', '--plugin'],
  run: ['--runs', '--plugin'],
  schema: ['--out-dir', '--plugin'],
};

const VALUES = [
  'w.safetensors', 'f.safetensors', 'corrupt.safetensors', 'missing.safetensors', 'out/p.safetensors', 'out/m.safetensors', 'out/d.safetensors', 'locked/p.safetensors', 'out', '.', 'locked',
  '0.5', '0', '1', '0.9', '-0', '0x1', '0b1', '1e309', '-1', '', ' ', '2:4', '1:4', '4:2', '0:4', '1:99999999999999999999', 'unstructured',
  'global', 'layerwise', 'tensor', 'magnitude', 'random', 'power-magnitude', 'dare', 'drop-only', 'darex-q', 'l1', 'q', 'none', 'pytorch', 'exact', 'tfmot',
  'cpu', 'wasm', 'nope', '(', '[a-', '.*', 'fc1', 'power=3', 'power=-1', 'power=x', 'seed=1', 'seed=2', '=', 'a=b=c', '3', '18446744073709551616',
  'plugins/power-magnitude.js', 'no-such-plugin', './missing-plugin.js', 'config.json', 'bad.json', 'lth', 'delta', '-', '--', '-h',
];

/** A value for a flag: from the list above, short random text, or a long one. */
const flagValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...VALUES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((n) => 'v'.repeat(n)) },
);

/** Flags and values every command was given in a sane order, that a case may start from. */
const GOOD_START: Readonly<Record<string, readonly string[]>> = {
  prune: ['--in', 'w.safetensors', '--out', 'out/p.safetensors', '--sparsity', '0.5'],
  dare: ['--base', 'w.safetensors', '--finetuned', 'f.safetensors', '--out', 'out/d.safetensors', '--rate', '0.5'],
  run: ['bad.json', '--runs', 'locked/runs'],
  schema: ['lth'],
};

/** A command line for `command`: maybe a good start, then flags with values, unknown flags and stray words. */
export function commandLine(command: string): fc.Arbitrary<string[]> {
  const flags = FLAGS[command] ?? [];
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...flags), flagValue).map(([flag, value]) => [flag, value]) },
    { weight: 1, arbitrary: fc.constantFrom(...flags).map((flag) => [flag]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...flags), flagValue).map(([flag, value]) => [`${flag}=${value}`]) },
    { weight: 1, arbitrary: fc.constantFrom('--bogus', '-x', '--', 'extra', '--help', '-h', '--in', '--sparsity').map((word) => [word]) },
  );
  return fc.tuple(fc.boolean(), fc.array(token, { maxLength: 6 })).map(([good, tokens]) => [command, ...(good ? (GOOD_START[command] ?? []) : []), ...tokens.flat()]);
}

/** One corruption of a file's bytes. */
export type Corruption =
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'flip'; readonly at: number; readonly byte: number; readonly inHeader: boolean }
  | { readonly op: 'length'; readonly value: bigint }
  | { readonly op: 'header'; readonly header: string }
  | { readonly op: 'append'; readonly bytes: Uint8Array };

/** A corruption of a safetensors file: truncation, flipped bytes (mostly in the header), a wrong length prefix, a foreign header, trailing bytes. */
export const safetensorsCorruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), inHeader: fc.boolean() }),
  fc.record({ op: fc.constant('length' as const), value: fc.oneof(fc.constantFrom(0n, 1n, 7n, 2n ** 53n, 2n ** 64n - 1n, 100_000_001n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) }),
  fc.record({
    op: fc.constant('header' as const),
    header: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.record({
        name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('__metadata__'), fc.constant('__proto__')),
        dtype: fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'U8', 'BOOL', 'F8_E4M3', 'X', ''),
        shape: fc.array(fc.oneof(fc.nat(8), fc.constantFrom(-1, 2 ** 31, 2 ** 53, 1.5)), { maxLength: 4 }),
        offsets: fc.tuple(fc.oneof(fc.nat(4096), fc.constantFrom(-1, 2 ** 53)), fc.oneof(fc.nat(4096), fc.constantFrom(-1, 2 ** 53))),
      }).map(({ name, dtype, shape, offsets }) => JSON.stringify({ [name]: { dtype, shape, data_offsets: offsets } })),
    ),
  }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

/** `bytes` corrupted as `corruption` says (safetensors framing: 8-byte little-endian header length, JSON header, data). */
export function corruptSafetensors(bytes: Uint8Array, corruption: Corruption): Uint8Array {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  switch (corruption.op) {
    case 'truncate':
      return bytes.slice(0, corruption.at % bytes.length);
    case 'flip': {
      const out = bytes.slice();
      const at = corruption.inHeader ? corruption.at % (8 + headerLength) : corruption.at % out.length;
      out[at] = corruption.byte;
      return out;
    }
    case 'length': {
      const out = bytes.slice();
      new DataView(out.buffer).setBigUint64(0, corruption.value, true);
      return out;
    }
    case 'header': {
      const json = new TextEncoder().encode(corruption.header);
      const out = new Uint8Array(8 + json.length + (bytes.length - 8 - headerLength));
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(bytes.subarray(8 + headerLength), 8 + json.length);
      return out;
    }
    case 'append': {
      const out = new Uint8Array(bytes.length + corruption.bytes.length);
      out.set(bytes);
      out.set(corruption.bytes, bytes.length);
      return out;
    }
  }
}

/** One corruption of an IDX file. */
export type IdxCorruption =
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'flip'; readonly at: number; readonly byte: number; readonly inHeader: boolean }
  | { readonly op: 'dims'; readonly rank: number; readonly dim: number }
  | { readonly op: 'append'; readonly bytes: Uint8Array };

/** A corruption of an IDX file: truncation, flipped bytes (mostly in the header), huge declared dimensions, trailing bytes. */
export const idxCorruption: fc.Arbitrary<IdxCorruption> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), inHeader: fc.boolean() }),
  fc.record({ op: fc.constant('dims' as const), rank: fc.integer({ min: 0, max: 255 }), dim: fc.oneof(fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 32 - 1, 0x7fffffff), fc.nat()) }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

/** IDX `bytes` (uncompressed) corrupted as `corruption` says (magic 00 00 type rank, then rank big-endian u32 dimensions). */
export function corruptIdx(bytes: Uint8Array, corruption: IdxCorruption): Uint8Array {
  const rank = bytes[3] ?? 0;
  switch (corruption.op) {
    case 'truncate':
      return bytes.slice(0, corruption.at % bytes.length);
    case 'flip': {
      const out = bytes.slice();
      out[corruption.inHeader ? corruption.at % (4 + 4 * rank) : corruption.at % out.length] = corruption.byte;
      return out;
    }
    case 'dims': {
      const out = bytes.slice();
      out[3] = corruption.rank;
      for (let axis = 0; axis < Math.min(rank, corruption.rank) && 8 + 4 * axis <= out.length; axis += 1) new DataView(out.buffer).setUint32(4 + 4 * axis, corruption.dim);
      return out;
    }
    case 'append': {
      const out = new Uint8Array(bytes.length + corruption.bytes.length);
      out.set(bytes);
      out.set(corruption.bytes, bytes.length);
      return out;
    }
  }
}
