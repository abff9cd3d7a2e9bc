/** Resolving `--video <id|path>` arguments to ingested videos, with the message users need. */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Db } from '../store/database.js';
import { findVideo, listVideos, type VideoRecord } from '../store/videos.js';

export function requireVideo(db: Db, idOrPath: string): VideoRecord {
  const video = findVideo(db, idOrPath, (path) => resolve(path));
  if (!video) throw new UsageError(`video ${idOrPath} is not in the database; run hmmr ingest on it first`);
  return video;
}

/** The one video named, or every ingested video when none is. */
export function selectVideos(db: Db, idOrPath: string | undefined): VideoRecord[] {
  return idOrPath === undefined ? listVideos(db) : [requireVideo(db, idOrPath)];
}
