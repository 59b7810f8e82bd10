import { Redis } from 'ioredis';
import { echoValue, SparseError } from '@sparse/core';

/**
 * A checked `--queue` address: `redis://[user:password@]HOST:PORT/N` (or `rediss://` for TLS),
 * N the Redis database (default 0).
 *
 * @example
 * ```ts
 * import { parseQueueUrl } from '@sparse/sweep';
 *
 * console.log(parseQueueUrl('redis://127.0.0.1:6379/2').db); // 2
 * ```
 */
export interface QueueAddress {
  /** The URL as given. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
}

/**
 * Checks a `--queue` URL before anything connects.
 *
 * @throws SparseError `E_ARGUMENT` naming what is wrong and the form allowed.
 *
 * @example
 * ```ts
 * import { parseQueueUrl } from '@sparse/sweep';
 *
 * const address = parseQueueUrl('redis://localhost:6379/0');
 * console.log(address.host, address.port); // localhost 6379
 * ```
 */
export function parseQueueUrl(url: string): QueueAddress {
  const form = 'redis://HOST:PORT/N (N a database number, 0 to 15 by default in Redis), or rediss:// for TLS';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SparseError('E_ARGUMENT', `--queue ${echoValue(url)} is not a URL; use ${form}.`, { field: '--queue', received: url, allowed: [form] });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new SparseError('E_ARGUMENT', `--queue ${echoValue(url)}: the scheme ${parsed.protocol} is not redis: or rediss:; use ${form}.`, { field: '--queue', received: url, allowed: [form] });
  }
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^[0-9]{1,5}$/.test(path)) {
    throw new SparseError('E_ARGUMENT', `--queue ${echoValue(url)}: the path /${path} is not a database number; use ${form}.`, { field: '--queue', received: url, allowed: [form] });
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  if (parsed.hostname === '') throw new SparseError('E_ARGUMENT', `--queue ${echoValue(url)} names no host; use ${form}.`, { field: '--queue', received: url, allowed: [form] });
  return { url, host: parsed.hostname, port, db: path === '' ? 0 : Number(path) };
}

/**
 * A new ioredis connection for BullMQ (`maxRetriesPerRequest: null`, so commands wait through a
 * Redis restart instead of failing, reconnecting every 0.2 to 2 s) or for result chunks.
 *
 * @example
 * ```ts
 * import { connectRedis, parseQueueUrl } from '@sparse/sweep';
 *
 * const redis = connectRedis(parseQueueUrl('redis://127.0.0.1:6379/0'));
 * await redis.quit();
 * ```
 */
export function connectRedis(address: QueueAddress): Redis {
  const redis = new Redis(address.url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(200 * times, 2000) });
  // While Redis is away, commands wait and ioredis reconnects; the lost connection is not an error to throw.
  redis.on('error', () => undefined);
  return redis;
}
