import { describeReceived, formatConfigPath, type ConfigIssue, type PathSegment } from './issues.js';
import { didYouMean } from './suggest.js';
import type { JsonValue } from '../json.js';

/** The outcome of parsing one value: the typed value, or a failure whose issues were recorded. */
type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** Collects issues while a value is parsed. */
interface Collector {
  readonly issues: ConfigIssue[];
}

type Parser<T> = (value: unknown, path: readonly PathSegment[], collector: Collector) => Result<T>;

const FAIL: Result<never> = Object.freeze({ ok: false });

function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

function report(collector: Collector, path: readonly PathSegment[], message: string, extra: Omit<ConfigIssue, 'path' | 'message'> = {}): void {
  collector.issues.push({ path: formatConfigPath(path), message, ...extra });
}

function mismatch(collector: Collector, path: readonly PathSegment[], expected: string, value: unknown, allowed?: readonly unknown[] | string): Result<never> {
  report(collector, path, `expected ${expected}, received ${describeReceived(value)}`, allowed === undefined ? { received: value } : { received: value, allowed });
  return FAIL;
}

/**
 * A validator for one part of a config, built with the {@link s} builders. `T` is the type of the
 * validated value; `Optional` marks fields that may be left out of an object (`.optional()`).
 * Validation never stops at the first problem: every issue of the whole value is collected.
 *
 * @example
 * ```ts
 * import { s, checkConfig, type Schema } from '@sparse/experiments';
 *
 * const rate: Schema<number> = s.number({ gt: 0, lt: 1 });
 * console.log(checkConfig(rate, 0.2)); // { ok: true, value: 0.2 }
 * ```
 */
export class Schema<T, Optional extends boolean = false> {
  /** What is allowed, in words (`an integer in [1, 100]`); used in messages. */
  readonly expected: string;
  /** Allowed values (enums) or range (numbers), for {@link ConfigIssue.allowed}. */
  readonly allowed: readonly unknown[] | string | undefined;
  /** What an object does when this field's key is absent. */
  readonly presence: 'required' | 'optional' | 'default';
  /** The value used when the key is absent and `presence` is `'default'`. */
  readonly defaultValue: T | undefined;
  /** Type-level marker of optional fields; never set at run time. */
  declare readonly optionalMarker: Optional;
  /** @internal Parses a value at a path, recording issues; used by the validators. */
  readonly parser: (value: unknown, path: readonly (string | number)[], collector: { readonly issues: ConfigIssue[] }) => { readonly ok: true; readonly value: T } | { readonly ok: false };

  /** @internal Build schemas with {@link s}. */
  constructor(
    expected: string,
    parser: (value: unknown, path: readonly (string | number)[], collector: { readonly issues: ConfigIssue[] }) => { readonly ok: true; readonly value: T } | { readonly ok: false },
    allowed?: readonly unknown[] | string,
    presence: 'required' | 'optional' | 'default' = 'required',
    defaultValue?: T,
  ) {
    this.expected = expected;
    this.parser = parser;
    this.allowed = allowed;
    this.presence = presence;
    this.defaultValue = defaultValue;
  }

  /** Lets an object leave this field out; the validated object then has no such key. */
  optional(): Schema<T, true> {
    return new Schema<T, true>(this.expected, this.parser, this.allowed, 'optional');
  }

  /** Lets an object leave this field out; the validated object then holds `value`. */
  default(value: T): Schema<T, false> {
    return new Schema<T, false>(this.expected, this.parser, this.allowed, 'default', value);
  }

  /**
   * Adds a check that runs after the value has passed this schema (cross-field rules such as
   * `min < max`). `problem(message, at?)` records an issue at this value or at a sub-path.
   */
  refine(check: (value: T, problem: (message: string, at?: string | number | readonly (string | number)[]) => void) => void): Schema<T, Optional> {
    const inner = this.parser;
    const parser: Parser<T> = (value, path, collector) => {
      const result = inner(value, path, collector);
      if (!result.ok) return result;
      let failed = false;
      check(result.value, (message, at) => {
        failed = true;
        const sub = at === undefined ? [] : Array.isArray(at) ? (at as readonly PathSegment[]) : [at as PathSegment];
        report(collector, [...path, ...sub], message);
      });
      return failed ? FAIL : result;
    };
    return new Schema<T, Optional>(this.expected, parser, this.allowed, this.presence, this.defaultValue);
  }
}

/**
 * The type a schema validates to.
 *
 * @example
 * ```ts
 * import { s, type Infer } from '@sparse/experiments';
 *
 * const training = s.object({ epochs: s.integer({ min: 1 }), lr: s.number({ gt: 0 }).default(0.1) });
 * type Training = Infer<typeof training>; // { readonly epochs: number; readonly lr: number }
 * ```
 */
export type Infer<S> = S extends Schema<infer T, boolean> ? T : never;

/**
 * The fields of an object schema: a schema per key.
 *
 * @example
 * ```ts
 * import { s, type Shape } from '@sparse/experiments';
 *
 * const shape = { seed: s.integer({ min: 0 }) } satisfies Shape;
 * ```
 */
export type Shape = { readonly [key: string]: Schema<unknown, boolean> };

/**
 * The validated type of an object schema: required (and defaulted) keys, plus optional keys
 * marked with `?`. Everything is `readonly`.
 *
 * @example
 * ```ts
 * import { s, type InferShape } from '@sparse/experiments';
 *
 * const shape = { name: s.string(), note: s.string().optional() };
 * type Value = InferShape<typeof shape>; // { readonly name: string; readonly note?: string }
 * ```
 */
export type InferShape<S extends Shape> = ({ readonly [K in keyof S as S[K] extends Schema<unknown, true> ? never : K]: Infer<S[K]> } & {
  readonly [K in keyof S as S[K] extends Schema<unknown, true> ? K : never]?: Infer<S[K]>;
}) extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/**
 * Options of `s.string`: length bounds and a pattern, with words saying what the pattern allows
 * (used in messages instead of the regular expression).
 *
 * @example
 * ```ts
 * import { s, type StringOptions } from '@sparse/experiments';
 *
 * const options: StringOptions = { minLength: 1, pattern: /^[a-z-]+$/, patternDescription: 'lower-case letters and -' };
 * const name = s.string(options);
 * ```
 */
export interface StringOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
  /** Says in words what `pattern` allows (`letters, digits, '-' and '_'`). */
  readonly patternDescription?: string;
}

/**
 * Options of `s.number` and `s.integer`: inclusive (`min`, `max`) or exclusive (`gt`, `lt`)
 * bounds. Messages show the range as `[0, 1]`, `(0, 1)`, `>= 1`…
 *
 * @example
 * ```ts
 * import { s, type NumberOptions } from '@sparse/experiments';
 *
 * const fraction: NumberOptions = { gt: 0, lt: 1 };
 * const rate = s.number(fraction);
 * ```
 */
export interface NumberOptions {
  readonly min?: number;
  readonly max?: number;
  readonly gt?: number;
  readonly lt?: number;
}

function rangeText(options: NumberOptions): string | undefined {
  const low = options.gt ?? options.min;
  const high = options.lt ?? options.max;
  if (low !== undefined && high !== undefined) {
    return `${options.gt !== undefined ? '(' : '['}${low}, ${high}${options.lt !== undefined ? ')' : ']'}`;
  }
  if (low !== undefined) return `${options.gt !== undefined ? '>' : '>='} ${low}`;
  if (high !== undefined) return `${options.lt !== undefined ? '<' : '<='} ${high}`;
  return undefined;
}

function numberSchema(integer: boolean, options: NumberOptions): Schema<number> {
  const range = rangeText(options);
  const noun = integer ? 'an integer' : 'a number';
  const expected = range === undefined ? `${noun}` : range.startsWith('(') || range.startsWith('[') ? `${noun} in ${range}` : `${noun} ${range}`;
  const finiteNoun = integer ? expected : `${expected} (finite)`;
  return new Schema<number>(
    expected,
    (value, path, collector) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) return mismatch(collector, path, typeof value === 'number' ? finiteNoun : expected, value, range);
      if (integer && !Number.isInteger(value)) return mismatch(collector, path, expected, value, range);
      const { min, max, gt, lt } = options;
      if ((min !== undefined && value < min) || (max !== undefined && value > max) || (gt !== undefined && value <= gt) || (lt !== undefined && value >= lt)) {
        return mismatch(collector, path, expected, value, range);
      }
      return ok(value);
    },
    range,
  );
}

function quoteList(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function parseShape(shape: Shape, input: Record<string, unknown>, path: readonly PathSegment[], collector: Collector, extraKeys: readonly string[] = []): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let good = true;
  const allowedKeys = [...extraKeys, ...Object.keys(shape)];
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(shape, key) || extraKeys.includes(key)) continue;
    const guess = didYouMean(key, allowedKeys);
    const hint = guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`;
    const list = allowedKeys.length === 0 ? 'none' : quoteList(allowedKeys);
    report(collector, [...path, key], `unknown key${hint}; allowed keys: ${list}`, { received: key, allowed: allowedKeys });
    good = false;
  }
  for (const [key, schema] of Object.entries(shape)) {
    const value = Object.hasOwn(input, key) ? input[key] : undefined;
    if (value === undefined) {
      if (schema.presence === 'required') {
        report(collector, [...path, key], `missing; expected ${schema.expected}`, schema.allowed === undefined ? {} : { allowed: schema.allowed });
        good = false;
      } else if (schema.presence === 'default') {
        out[key] = structuredClone(schema.defaultValue);
      }
      continue;
    }
    const result = schema.parser(value, [...path, key], collector);
    if (result.ok) out[key] = result.value;
    else good = false;
  }
  return good ? ok(out) : FAIL;
}

function isJson(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object') return false;
  if (seen.has(value)) return false;
  seen.add(value);
  const good = Array.isArray(value) ? value.every((item) => isJson(item, seen)) : isPlainObject(value) && Object.values(value).every((item) => item === undefined || isJson(item, seen));
  seen.delete(value);
  return good;
}

/**
 * The schema builders. Each returns a {@link Schema}; combine them into the schema of a whole
 * experiment config, then validate with {@link validateConfig} or {@link loadConfig}.
 *
 * - `s.string({ minLength?, maxLength?, pattern?, patternDescription? })`
 * - `s.number({ min?, max?, gt?, lt? })` (finite numbers; `min`/`max` inclusive, `gt`/`lt` exclusive)
 * - `s.integer({ min?, max?, gt?, lt? })`
 * - `s.boolean()`, `s.literal(value)`, `s.enum(['a', 'b'])`
 * - `s.array(item, { minLength?, maxLength? })`, `s.object(shape)`, `s.record(value, { keyPattern? })`
 * - `s.variant(key, { caseA: shape, caseB: shape })`: a tagged union on `key`
 * - `s.json()`: any JSON value (free-form options)
 *
 * Every schema has `.optional()`, `.default(value)` and `.refine(check)`.
 *
 * @example
 * ```ts
 * import { s, validateConfig, type Infer } from '@sparse/experiments';
 *
 * const experiment = s.object({
 *   name: s.string({ pattern: /^[a-z0-9-]+$/, patternDescription: 'lower-case letters, digits and -' }),
 *   seeds: s.array(s.integer({ min: 0 }), { minLength: 1 }),
 *   backend: s.enum(['cpu', 'wasm', 'node']).default('cpu'),
 *   pruning: s.variant('method', {
 *     magnitude: { rate: s.number({ gt: 0, lt: 1 }) },
 *     random: { rate: s.number({ gt: 0, lt: 1 }) },
 *   }),
 * });
 * type Experiment = Infer<typeof experiment>;
 * const config: Experiment = validateConfig(experiment, {
 *   name: 'lenet', seeds: [0, 1], pruning: { method: 'magnitude', rate: 0.2 },
 * });
 * ```
 */
export const s = Object.freeze({
  string(options: StringOptions = {}): Schema<string> {
    const parts: string[] = [];
    if (options.minLength !== undefined && options.maxLength !== undefined) parts.push(`of ${options.minLength} to ${options.maxLength} characters`);
    else if (options.minLength === 1) parts.push('that is not empty');
    else if (options.minLength !== undefined) parts.push(`of at least ${options.minLength} characters`);
    else if (options.maxLength !== undefined) parts.push(`of at most ${options.maxLength} characters`);
    if (options.pattern !== undefined) parts.push(`made of ${options.patternDescription ?? `text matching ${String(options.pattern)}`}`);
    const expected = ['a string', ...parts].join(' ');
    return new Schema<string>(expected, (value, path, collector) => {
      if (typeof value !== 'string') return mismatch(collector, path, expected, value);
      if ((options.minLength !== undefined && value.length < options.minLength) || (options.maxLength !== undefined && value.length > options.maxLength) || (options.pattern !== undefined && !options.pattern.test(value))) {
        return mismatch(collector, path, expected, value);
      }
      return ok(value);
    });
  },

  number(options: NumberOptions = {}): Schema<number> {
    return numberSchema(false, options);
  },

  integer(options: NumberOptions = {}): Schema<number> {
    return numberSchema(true, options);
  },

  boolean(): Schema<boolean> {
    return new Schema<boolean>('true or false', (value, path, collector) => (typeof value === 'boolean' ? ok(value) : mismatch(collector, path, 'true or false', value, [true, false])), [true, false]);
  },

  literal<const V extends string | number | boolean | null>(literal: V): Schema<V> {
    const expected = `exactly ${JSON.stringify(literal)}`;
    return new Schema<V>(expected, (value, path, collector) => (value === literal ? ok(literal) : mismatch(collector, path, expected, value, [literal])), [literal]);
  },

  enum<const V extends readonly [string, ...string[]]>(values: V): Schema<V[number]> {
    const expected = values.length === 1 ? `exactly ${JSON.stringify(values[0])}` : `one of ${quoteList(values)}`;
    return new Schema<V[number]>(
      expected,
      (value, path, collector) => {
        if (typeof value === 'string' && (values as readonly string[]).includes(value)) return ok(value as V[number]);
        const guess = typeof value === 'string' ? didYouMean(value, values) : undefined;
        const hint = guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`;
        report(collector, path, `expected ${expected}, received ${describeReceived(value)}${hint}`, { received: value, allowed: values });
        return FAIL;
      },
      values,
    );
  },

  array<T>(item: Schema<T, boolean>, options: { readonly minLength?: number; readonly maxLength?: number } = {}): Schema<readonly T[]> {
    const { minLength, maxLength } = options;
    let size = '';
    if (minLength !== undefined && maxLength !== undefined) size = minLength === maxLength ? `exactly ${minLength}` : `${minLength} to ${maxLength}`;
    else if (minLength !== undefined) size = `at least ${minLength}`;
    else if (maxLength !== undefined) size = `at most ${maxLength}`;
    const expected = `${size === '' ? 'an array' : `an array of ${size} items`}, each ${item.expected}`;
    return new Schema<readonly T[]>(expected, (value, path, collector) => {
      if (!Array.isArray(value)) return mismatch(collector, path, expected, value);
      let good = true;
      if ((minLength !== undefined && value.length < minLength) || (maxLength !== undefined && value.length > maxLength)) {
        report(collector, path, `expected ${expected}, received ${describeReceived(value)}`, { received: value.length });
        good = false;
      }
      const out: T[] = [];
      value.forEach((element: unknown, index) => {
        const result = item.parser(element, [...path, index], collector);
        if (result.ok) out.push(result.value);
        else good = false;
      });
      return good ? ok(out) : FAIL;
    });
  },

  object<S extends Shape>(shape: S): Schema<InferShape<S>> {
    const expected = 'an object';
    return new Schema<InferShape<S>>(expected, (value, path, collector) => {
      if (!isPlainObject(value)) return mismatch(collector, path, `an object with keys ${quoteList(Object.keys(shape))}`, value);
      return parseShape(shape, value, path, collector) as Result<InferShape<S>>;
    });
  },

  record<T>(valueSchema: Schema<T, boolean>, options: { readonly keyPattern?: RegExp; readonly keyDescription?: string } = {}): Schema<Readonly<Record<string, T>>> {
    const expected = `an object whose values are each ${valueSchema.expected}`;
    return new Schema<Readonly<Record<string, T>>>(expected, (value, path, collector) => {
      if (!isPlainObject(value)) return mismatch(collector, path, expected, value);
      const out: Record<string, T> = {};
      let good = true;
      for (const [key, element] of Object.entries(value)) {
        if (options.keyPattern !== undefined && !options.keyPattern.test(key)) {
          report(collector, [...path, key], `key not allowed; keys must be ${options.keyDescription ?? `matching ${String(options.keyPattern)}`}`, { received: key });
          good = false;
          continue;
        }
        const result = valueSchema.parser(element, [...path, key], collector);
        if (result.ok) out[key] = result.value;
        else good = false;
      }
      return good ? ok(out) : FAIL;
    });
  },

  variant<const D extends string, const M extends { readonly [tag: string]: Shape }>(discriminator: D, cases: M): Schema<{ [K in keyof M & string]: InferShape<{ readonly [P in D]: Schema<K> } & M[K]> }[keyof M & string]> {
    type Out = { [K in keyof M & string]: InferShape<{ readonly [P in D]: Schema<K> } & M[K]> }[keyof M & string];
    const tags = Object.keys(cases);
    const expected = `an object with ${JSON.stringify(discriminator)} set to one of ${quoteList(tags)}`;
    return new Schema<Out>(
      expected,
      (value, path, collector) => {
        if (!isPlainObject(value)) return mismatch(collector, path, expected, value);
        const tag = value[discriminator];
        const shape = typeof tag === 'string' && Object.hasOwn(cases, tag) ? cases[tag] : undefined;
        if (shape === undefined) {
          const guess = typeof tag === 'string' ? didYouMean(tag, tags) : undefined;
          const hint = guess === undefined ? '' : ` (did you mean ${JSON.stringify(guess)}?)`;
          const message = tag === undefined ? `missing; expected one of ${quoteList(tags)}` : `expected one of ${quoteList(tags)}, received ${describeReceived(tag)}${hint}`;
          report(collector, [...path, discriminator], message, tag === undefined ? { allowed: tags } : { received: tag, allowed: tags });
          return FAIL;
        }
        const result = parseShape(shape, value, path, collector, [discriminator]);
        return result.ok ? ok({ [discriminator]: tag, ...result.value } as Out) : FAIL;
      },
      tags,
    );
  },

  json(): Schema<JsonValue> {
    const expected = 'a JSON value (null, boolean, finite number, string, array or plain object)';
    return new Schema<JsonValue>(expected, (value, path, collector) => (isJson(value, new Set()) ? ok(structuredClone(value) as JsonValue) : mismatch(collector, path, expected, value)));
  },
});
