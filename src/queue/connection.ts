/**
 * The Redis side of distributed labelling: the queue's name, and ioredis clients built from the
 * `--queue redis://host:port[/db]` URL. Every client retries its connection forever (a Redis restart
 * is waited out, not fatal) and never gives up on a command (maxRetriesPerRequest null: BullMQ
 * requires it for workers, and the coordinator's reads simply wait for Redis to come back).
 */
import { Redis } from 'ioredis';
import { QueueUnreachableError } from '../errors.js';
import type { RedisAddress } from './redis-address.js';

/** One queue for every label chunk; a job's id says which video, frames and parameters it is. */
export const LABEL_QUEUE = 'hmmr-label';

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
