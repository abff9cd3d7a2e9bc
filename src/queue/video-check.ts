/**
 * A worker checks that the file it is about to label is the video the store registered: the same
 * path can hold other content on another machine (a stale copy, a different mount). Hashing a video
 * costs a full read, so the hash is kept per path, size and modification time; the chunks of one
 * video that arrive together share one hashing.
 */
import { stat } from 'node:fs/promises';
import { BadVideoError } from '../errors.js';
import { sha256File } from '../ingest/hash.js';

export class VideoChecker {
  private readonly hashes = new Map<string, { key: string; sha256: Promise<string> }>();

  /** Throws BadVideoError when the file is missing, unreadable, or holds other content. */
  async verify(path: string, expectedSha256: string): Promise<void> {
    let key: string;
    try {
      const info = await stat(path);
      key = `${info.size}:${info.mtimeMs}`;
    } catch (error) {
      throw new BadVideoError(path, `not readable on this worker (${(error as NodeJS.ErrnoException).code ?? String(error)}); check --path-map`);
    }
    let cached = this.hashes.get(path);
    if (cached?.key !== key) {
      cached = { key, sha256: sha256File(path) };
      this.hashes.set(path, cached);
    }
    let actual: string;
    try {
      actual = await cached.sha256;
    } catch (error) {
      this.hashes.delete(path);
      throw new BadVideoError(path, `could not be read on this worker: ${(error as Error).message}`);
    }
    if (actual !== expectedSha256) {
      throw new BadVideoError(path, `content differs from the ingested video (sha256 ${actual.slice(0, 12)}…, expected ${expectedSha256.slice(0, 12)}…)`);
    }
  }
}
