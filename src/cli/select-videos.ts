/** Resolving a `--video <id|path>` argument to an ingested video, with the message users need. */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Db } from '../store/database.js';
import { findVideo, type VideoRecord } from '../store/videos.js';

export function requireVideo(db: Db, idOrPath: string): VideoRecord {
  const video = findVideo(db, idOrPath, (path) => resolve(path));
  if (!video) throw new UsageError(`video ${idOrPath} is not in the database; run hmmr ingest on it first`);
  return video;
}
