/**
 * Registers a folder of numbered images (a dataset sequence's frames) as a row of the videos table,
 * so label, render and image features read it like a video file (src/video/image-sequence.ts). Its
 * identity is the sha256 over every image's name and content hash, in frame order; a folder whose
 * images have the same total size and newest mtime as last time is not hashed again.
 */
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import { findKnownPath, registerVideo, type RegisterOutcome } from '../store/videos.js';
import { probeImageSequence, type ImageSequence } from '../video/image-sequence.js';
import { sha256File } from './hash.js';

/** Registers an image sequence (describeImageSequence) at `fps`, the dataset's rate. */
export async function registerImageFolder(db: Db, sequence: ImageSequence, fps: number): Promise<{ videoId: number; outcome: RegisterOutcome | 'unchanged' }> {
  const path = sequence.dir;
  let sizeBytes = 0;
  let mtimeMs = 0;
  for (const file of sequence.files) {
    const info = statSync(join(path, file));
    sizeBytes += info.size;
    mtimeMs = Math.max(mtimeMs, info.mtimeMs);
  }
  const known = findKnownPath(db, path);
  if (known && known.sizeBytes === sizeBytes && known.mtimeMs === Math.round(mtimeMs)) return { videoId: known.videoId, outcome: 'unchanged' };
  const probe = await probeImageSequence(sequence, fps);
  const hash = createHash('sha256');
  for (const file of sequence.files) hash.update(`${file}\0${await sha256File(join(path, file))}\n`);
  return registerVideo(db, { ...probe, path, sha256: hash.digest('hex'), sizeBytes }, mtimeMs);
}
