/**
 * The Redis side of distributed labelling: the queue's name, and ioredis clients built from the
 * `--queue redis://host:port[/db]` URL. Every client retries its connection forever (a Redis restart
 * is waited out, not fatal) and never gives up on a command (maxRetriesPerRequest null: BullMQ
 * requires it for workers, and the coordinator's reads simply wait for Redis to come back).
 */
import { Redis } from 'ioredis';
import { UsageError } from '../errors.js';

/** One queue for every label chunk; a job's id says which video, frames and parameters it is. */
export const LABEL_QUEUE = 'hmmr-label';

export interface RedisAddress {
  host: string;
  port: number;
  db: number;
}

export function parseRedisUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue "${url}" is not a URL; expected redis://host:port[/db]`);
  }
  if (parsed.protocol !== 'redis:') throw new UsageError(`--queue "${url}": expected redis://host:port[/db]`);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue "${url}": database "${dbText}" is not a non-negative integer`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  return { host: parsed.hostname || '127.0.0.1', port, db };
}

/** Seconds between reconnection attempts grow to this, so a restarted Redis is found within it. */
const MAX_RECONNECT_DELAY_MS = 2000;

export function openRedis(address: RedisAddress): Redis {
  return new Redis({
    host: address.host,
    port: address.port,
    db: address.db,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS),
  });
}
