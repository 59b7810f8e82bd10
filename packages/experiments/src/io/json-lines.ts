import { open, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SparseError } from '@sparse/core';
import type { JsonValue } from '../json.js';

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * What {@link parseJsonLines} found: the complete records, how many bytes they span and how many
 * bytes of torn tail (an unfinished last line left by a crash) follow them.
 *
 * @example
 * ```ts
 * import { parseJsonLines, type JsonLinesContent } from '@sparse/experiments';
 *
 * const content: JsonLinesContent = parseJsonLines('{"a":1}\n{"a":');
 * // content.records = [{ a: 1 }], content.validBytes = 8, content.tornBytes = 5
 * ```
 */
export interface JsonLinesContent {
  readonly records: readonly JsonValue[];
  /** Bytes from the start up to and including the newline of the last complete record. */
  readonly validBytes: number;
  /** Bytes after `validBytes`: a torn last line (0 when the file ends cleanly). */
  readonly tornBytes: number;
}

function onlyPadding(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte !== 0 && byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  }
  return true;
}

/**
 * Parses JSON-lines text or bytes. A record counts only when its line ends with `\n`. The last
 * line is torn when it has no newline, or when it does not parse and nothing but padding (zero
 * bytes, whitespace, as a crash can leave) follows: torn bytes are reported, not returned. A bad
 * line in the middle is real corruption and throws `SparseError('E_FORMAT')` naming the line.
 * Blank lines are skipped.
 *
 * @example
 * ```ts
 * import { parseJsonLines } from '@sparse/experiments';
 *
 * parseJsonLines('{"step":1}\n{"step":2}\n').records; // [{ step: 1 }, { step: 2 }]
 * ```
 */
export function parseJsonLines(input: string | Uint8Array, source = 'JSON-lines data'): JsonLinesContent {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const records: JsonValue[] = [];
  let start = 0;
  let line = 0;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end === -1) break;
    line += 1;
    const slice = bytes.subarray(start, end);
    let parsed: JsonValue | undefined;
    let blank = false;
    try {
      const text = decoder.decode(slice);
      blank = text.trim() === '';
      if (!blank) parsed = JSON.parse(text) as JsonValue;
    } catch (error) {
      if (onlyPadding(bytes, end + 1)) return { records, validBytes: start, tornBytes: bytes.length - start };
      throw new SparseError('E_FORMAT', `${source}: line ${line} is not valid JSON (${error instanceof Error ? error.message : String(error)}); the file is corrupt.`, { field: `line ${line}`, received: source }, { cause: error });
    }
    if (!blank && parsed !== undefined) records.push(parsed);
    start = end + 1;
  }
  return { records, validBytes: start, tornBytes: bytes.length - start };
}

/**
 * Reads a JSON-lines file (see {@link parseJsonLines}); a missing file reads as empty.
 *
 * @example
 * ```ts
 * import { readJsonLines } from '@sparse/experiments';
 *
 * const { records } = await readJsonLines('runs/lenet-0123456789ab/metrics.jsonl');
 * ```
 */
export async function readJsonLines(path: string): Promise<JsonLinesContent> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { records: [], validBytes: 0, tornBytes: 0 };
    throw new SparseError('E_IO', `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
  try {
    return parseJsonLines(await handle.readFile(), path);
  } finally {
    await handle.close();
  }
}

/**
 * Options of {@link JsonLinesWriter.open}.
 *
 * @example
 * ```ts
 * import type { JsonLinesWriterOptions } from '@sparse/experiments';
 *
 * const options: JsonLinesWriterOptions = { truncateTo: 0 };
 * ```
 */
export interface JsonLinesWriterOptions {
  /**
   * Cut the file back to this many bytes (a record boundary, at most the valid length), e.g. the
   * length a checkpoint recorded, so that records written after it are written again exactly once.
   */
  readonly truncateTo?: number;
}

/**
 * Appends JSON records to a file, one per line. Opening it recovers from a crash: a torn last
 * line is cut off (and, with `truncateTo`, everything after a known length). Each record is one
 * `write` of the whole line, so a concurrent reader or a crash sees whole lines plus at most one
 * torn tail, which the next open removes. Call {@link JsonLinesWriter.sync} before recording the
 * file's {@link JsonLinesWriter.size} anywhere durable.
 *
 * @example
 * ```ts
 * import { JsonLinesWriter } from '@sparse/experiments';
 *
 * const metrics = await JsonLinesWriter.open('runs/demo/metrics.jsonl');
 * await metrics.append({ step: 1, loss: 0.5 });
 * await metrics.sync();
 * console.log(metrics.size); // bytes written so far
 * await metrics.close();
 * ```
 */
export class JsonLinesWriter {
  /** The file written to. */
  readonly path: string;
  /** Bytes cut off when the file was opened (torn tail plus anything beyond `truncateTo`). */
  readonly recoveredBytes: number;
  #handle: FileHandle | undefined;
  #size: number;
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, handle: FileHandle, size: number, recoveredBytes: number) {
    this.path = path;
    this.#handle = handle;
    this.#size = size;
    this.recoveredBytes = recoveredBytes;
  }

  /** Opens (creating it and its folder if needed) and recovers a JSON-lines file. */
  static async open(path: string, options: JsonLinesWriterOptions = {}): Promise<JsonLinesWriter> {
    let handle: FileHandle;
    try {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(path, 'a+');
    } catch (error) {
      throw new SparseError('E_IO', `Cannot open ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
    }
    try {
      const bytes = await handle.readFile();
      const content = parseJsonLines(bytes, path);
      let keep = content.validBytes;
      const { truncateTo } = options;
      if (truncateTo !== undefined) {
        const boundary = truncateTo === 0 || bytes[truncateTo - 1] === NEWLINE;
        if (!Number.isInteger(truncateTo) || truncateTo < 0 || truncateTo > content.validBytes || !boundary) {
          throw new SparseError('E_FORMAT', `${path} holds ${content.validBytes} bytes of complete records, but must be cut back to ${truncateTo}, which is not a record boundary inside it: the file was changed by something else.`, { field: 'truncateTo', received: truncateTo, allowed: `a record boundary in [0, ${content.validBytes}]` });
        }
        keep = truncateTo;
      }
      if (keep < bytes.length) {
        await handle.truncate(keep);
        await handle.sync();
      }
      return new JsonLinesWriter(path, handle, keep, bytes.length - keep);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes in the file: the end of the last record appended. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one record as a line. `NaN` and infinities become `null`, as with `JSON.stringify`.
   * Appends are queued, so calls need not be awaited one by one.
   */
  append(record: JsonValue): Promise<void> {
    const line = encoder.encode(`${JSON.stringify(record)}\n`);
    return this.#enqueue(async (handle) => {
      let written = 0;
      while (written < line.length) {
        const result = await handle.write(line, written, line.length - written, null);
        written += result.bytesWritten;
      }
      this.#size += line.length;
    });
  }

  /** Flushes appended records to the disk (`fsync`). */
  sync(): Promise<void> {
    return this.#enqueue(async (handle) => handle.sync());
  }

  /** Flushes and closes the file; later appends throw. */
  async close(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    await this.#queue.catch(() => undefined);
    this.#handle = undefined;
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  #enqueue(task: (handle: FileHandle) => Promise<void>): Promise<void> {
    const next = this.#queue.then(() => {
      const handle = this.#handle;
      if (handle === undefined) throw new SparseError('E_IO', `Cannot write ${this.path}: the writer is closed.`, { field: 'path', received: this.path });
      return task(handle);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
