/**
 * The Redis side of distributed labelling: the queue's name, and ioredis clients built from the
 * `--queue redis://host:port[/db]` URL. Every client retries its connection forever (a Redis restart
 * is waited out, not fatal) and never gives up on a command (maxRetriesPerRequest null: BullMQ
 * requires it for workers, and the coordinator's reads simply wait for Redis to come back).
 */
import { Redis } from 'ioredis';
import { QueueUnreachableError, UsageError } from '../errors.js';

/** One queue for every label chunk; a job's id says which video, frames and parameters it is. */
export const LABEL_QUEUE = 'hmmr-label';

export interface RedisAddress {
  /** As given, for messages. */
  url: string;
  host: string;
  port: number;
  db: number;
  /** From redis://user:password@host (Redis AUTH / ACL). */
  username?: string;
  password?: string;
}

export function parseRedisUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue "${url}" is not a URL; expected redis://[user:password@]host:port[/db]`);
  }
  if (parsed.protocol !== 'redis:') throw new UsageError(`--queue "${url}": expected redis://host:port[/db]`);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue "${url}": database "${dbText}" is not a non-negative integer`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const credentials = {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
  return { url, host: parsed.hostname || '127.0.0.1', port, db, ...credentials };
}

/** Seconds between reconnection attempts grow to this, so a restarted Redis is found within it. */
const MAX_RECONNECT_DELAY_MS = 2000;

function openRedis(address: RedisAddress): Redis {
  return new Redis({
    host: address.host,
    port: address.port,
    db: address.db,
    username: address.username,
    password: address.password,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS),
  });
}

/** How long a command waits for Redis at startup before it says so (a typo in --queue fails fast). */
const FIRST_CONNECT_TIMEOUT_MS = 10_000;

/**
 * An ioredis client that has answered a PING. Only the first connection is bounded: once connected,
 * an outage is waited out (openRedis), since a coordinator or worker should survive a Redis restart.
 */
export async function connectRedis(address: RedisAddress): Promise<Redis> {
  const client = openRedis(address);
  // ioredis retries by itself; the listener keeps its connection errors from being "unhandled" and
  // remembers the latest for the message below.
  let lastError = '';
  client.on('error', (error: Error) => (lastError = error.message));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = lastError === '' ? '' : ` (${lastError})`;
      reject(new QueueUnreachableError(address.url, `no answer from Redis at ${address.host}:${address.port} within ${FIRST_CONNECT_TIMEOUT_MS / 1000} s${why}`));
    }, FIRST_CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.ping(), timeout]);
    return client;
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
