import { access, constants } from 'node:fs/promises';
import PQueue from 'p-queue';
import { describeError, HmmrError } from '../errors.js';
import type { Db } from '../store/database.js';
import { findKnownPath, recordIngestFailure, registerVideo, type RegisterOutcome } from '../store/videos.js';
import { probeVideo } from '../video/probe.js';
import { sha256File } from './hash.js';
import { describeFsError, walkVideoFiles, type WalkEntry } from './walk.js';

export interface IngestOptions {
  extensions: readonly string[];
  /** Files probed and hashed at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Called once per file with its outcome (for progress and per-file messages). */
  onFile?: (result: IngestFileResult) => void;
  /** Called as soon as the walk knows how many files there are. */
  onTotal?: (total: number) => void;
}

export type IngestOutcome = RegisterOutcome | 'unchanged' | 'failed';

export interface IngestFileResult {
  path: string;
  outcome: IngestOutcome;
  videoId?: number;
  error?: string;
}

export interface IngestSummary {
  files: IngestFileResult[];
  counts: Record<IngestOutcome, number>;
}

/**
 * Registers every video under the given paths. Each file stands alone: one that fails is
 * recorded with its reason and the rest go on; nothing stored before is changed by a failure.
 * An unchanged path (same size and mtime as last time) is skipped without hashing.
 */
export async function ingestPaths(db: Db, paths: readonly string[], options: IngestOptions): Promise<IngestSummary> {
  const entries: WalkEntry[] = [];
  for await (const entry of walkVideoFiles(paths, options.extensions)) entries.push(entry);
  options.onTotal?.(entries.length);

  const files: IngestFileResult[] = [];
  const finish = (result: IngestFileResult) => {
    files.push(result);
    options.onFile?.(result);
  };
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency) });
  for (const entry of entries) {
    queue.add(async () => {
      if (options.signal?.aborted) return;
      finish(await ingestOne(db, entry));
    });
  }
  await queue.onIdle();

  const counts: Record<IngestOutcome, number> = { added: 0, alias: 0, 'updated-path': 0, unchanged: 0, failed: 0 };
  for (const file of files) counts[file.outcome]++;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, counts };
}

async function ingestOne(db: Db, entry: WalkEntry): Promise<IngestFileResult> {
  if (entry.kind === 'unusable') return fail(db, entry.path, entry.reason, entry.sizeBytes, entry.mtimeMs);
  const { path, sizeBytes, mtimeMs } = entry;
  const known = findKnownPath(db, path);
  if (known && known.sizeBytes === sizeBytes && known.mtimeMs === Math.round(mtimeMs)) {
    return { path, outcome: 'unchanged', videoId: known.videoId };
  }
  if (sizeBytes === 0) return fail(db, path, 'empty file (0 bytes)', sizeBytes, mtimeMs);
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    return fail(db, path, describeFsError((error as NodeJS.ErrnoException).code), sizeBytes, mtimeMs);
  }
  try {
    const probe = await probeVideo(path);
    const sha256 = await sha256File(path);
    const { videoId, outcome } = registerVideo(db, { ...probe, path, sha256, sizeBytes }, mtimeMs);
    return { path, outcome, videoId };
  } catch (error) {
    const reason = error instanceof HmmrError ? error.reason : describeError(error);
    return fail(db, path, reason, sizeBytes, mtimeMs);
  }
}

function fail(db: Db, path: string, reason: string, sizeBytes?: number, mtimeMs?: number): IngestFileResult {
  recordIngestFailure(db, path, reason, sizeBytes, mtimeMs);
  return { path, outcome: 'failed', error: reason };
}
