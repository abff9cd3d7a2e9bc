/**
 * The `--queue redis://[user:password@]host:port[/db]` URL, parsed. Its own module, free of ioredis,
 * so that the CLI checks a URL without loading the Redis client (connection.ts opens clients from it).
 */
import { UsageError } from '../errors.js';

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
