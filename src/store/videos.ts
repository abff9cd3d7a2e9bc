import type { VideoProbe } from '../video/probe.js';
import type { Db } from './database.js';

/** A registered video, as stored (one row per distinct content): what ffprobe said, plus identity. */
export interface VideoRecord extends VideoProbe {
  id: number;
  sha256: string;
  path: string;
  sizeBytes: number;
  ingestedAt: string;
}

export type NewVideo = Omit<VideoRecord, 'id' | 'ingestedAt'>;

/** What a re-ingest needs to skip hashing: the path's last seen size and mtime. */
export interface KnownPath {
  path: string;
  videoId: number;
  sizeBytes: number;
  mtimeMs: number;
}

export interface IngestFailure {
  path: string;
  error: string;
  failedAt: string;
}

const VIDEO_COLUMNS = `id, sha256, path, size_bytes AS sizeBytes, container, codec, width, height,
  rotation_deg AS rotationDeg, fps_num AS fpsNum, fps_den AS fpsDen, fps, variable_fps AS variableFps,
  frame_count AS frameCount, frame_count_exact AS frameCountExact, duration_sec AS durationSec, ingested_at AS ingestedAt`;

type VideoRow = Omit<VideoRecord, 'variableFps' | 'frameCountExact'> & { variableFps: number; frameCountExact: number };

function toRecord(row: VideoRow): VideoRecord {
  return { ...row, variableFps: row.variableFps === 1, frameCountExact: row.frameCountExact === 1 };
}

export function listVideos(db: Db): VideoRecord[] {
  return (db.prepare(`SELECT ${VIDEO_COLUMNS} FROM videos ORDER BY id`).all() as VideoRow[]).map(toRecord);
}

export function getVideo(db: Db, id: number): VideoRecord | undefined {
  const row = db.prepare(`SELECT ${VIDEO_COLUMNS} FROM videos WHERE id = ?`).get(id) as VideoRow | undefined;
  return row && toRecord(row);
}

/** By numeric id, by its path, or by any alias path (absolute). */
export function findVideo(db: Db, idOrPath: string, resolvePath: (p: string) => string = (p) => p): VideoRecord | undefined {
  if (/^\d+$/.test(idOrPath)) return getVideo(db, Number(idOrPath));
  const row = db.prepare('SELECT video_id AS videoId FROM video_paths WHERE path = ?').get(resolvePath(idOrPath)) as
    | { videoId: number }
    | undefined;
  return row ? getVideo(db, row.videoId) : undefined;
}

export function findVideoBySha(db: Db, sha256: string): VideoRecord | undefined {
  const row = db.prepare(`SELECT ${VIDEO_COLUMNS} FROM videos WHERE sha256 = ?`).get(sha256) as VideoRow | undefined;
  return row && toRecord(row);
}

export function findKnownPath(db: Db, path: string): KnownPath | undefined {
  return db
    .prepare('SELECT path, video_id AS videoId, size_bytes AS sizeBytes, mtime_ms AS mtimeMs FROM video_paths WHERE path = ?')
    .get(path) as KnownPath | undefined;
}

export function aliasesOf(db: Db, videoId: number): string[] {
  return (
    db.prepare('SELECT path FROM video_paths WHERE video_id = ? AND is_alias = 1 ORDER BY path').all(videoId) as { path: string }[]
  ).map((row) => row.path);
}

export type RegisterOutcome = 'added' | 'alias' | 'updated-path';

/**
 * Records one successfully probed and hashed file in one transaction: a new video, or (same
 * content seen before) an alias path. A path that now holds different content is re-pointed.
 * Clears any earlier failure for that path.
 */
export function registerVideo(db: Db, video: NewVideo, mtimeMs: number): { videoId: number; outcome: RegisterOutcome } {
  const now = new Date().toISOString();
  const register = db.transaction(() => {
    db.prepare('DELETE FROM ingest_failures WHERE path = ?').run(video.path);
    const existing = findVideoBySha(db, video.sha256);
    let videoId: number;
    let outcome: RegisterOutcome;
    if (existing) {
      videoId = existing.id;
      outcome = existing.path === video.path ? 'updated-path' : 'alias';
    } else {
      const result = db
        .prepare(
          `INSERT INTO videos (sha256, path, size_bytes, container, codec, width, height, rotation_deg, fps_num, fps_den, fps,
             variable_fps, frame_count, frame_count_exact, duration_sec, ingested_at)
           VALUES (@sha256, @path, @sizeBytes, @container, @codec, @width, @height, @rotationDeg, @fpsNum, @fpsDen, @fps,
             @variableFps, @frameCount, @frameCountExact, @durationSec, @now)`,
        )
        .run({ ...video, variableFps: video.variableFps ? 1 : 0, frameCountExact: video.frameCountExact ? 1 : 0, now });
      videoId = Number(result.lastInsertRowid);
      outcome = 'added';
    }
    db.prepare(
      `INSERT INTO video_paths (path, video_id, size_bytes, mtime_ms, is_alias, seen_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET video_id = excluded.video_id, size_bytes = excluded.size_bytes,
         mtime_ms = excluded.mtime_ms, is_alias = excluded.is_alias, seen_at = excluded.seen_at`,
    ).run(video.path, videoId, video.sizeBytes, Math.round(mtimeMs), outcome === 'alias' ? 1 : 0, now);
    return { videoId, outcome };
  });
  return register.immediate();
}

/** Records a failed file. Stored videos are untouched: a path that once ingested keeps its video. */
export function recordIngestFailure(db: Db, path: string, error: string, sizeBytes?: number, mtimeMs?: number): void {
  db.prepare(
    `INSERT INTO ingest_failures (path, size_bytes, mtime_ms, error, failed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms,
       error = excluded.error, failed_at = excluded.failed_at`,
  ).run(path, sizeBytes ?? null, mtimeMs === undefined ? null : Math.round(mtimeMs), error, new Date().toISOString());
}

export function listIngestFailures(db: Db): IngestFailure[] {
  return db.prepare('SELECT path, error, failed_at AS failedAt FROM ingest_failures ORDER BY path').all() as IngestFailure[];
}

/** The newest label run per video, for `hmmr status`: its status and error. */
export function latestLabelStatus(db: Db): Map<number, { status: string; error: string | null; partial: boolean }> {
  const rows = db
    .prepare(
      `SELECT video_id AS videoId, status, error, partial FROM label_runs r
       WHERE id = (SELECT max(id) FROM label_runs WHERE video_id = r.video_id)`,
    )
    .all() as { videoId: number; status: string; error: string | null; partial: number }[];
  return new Map(rows.map((row) => [row.videoId, { status: row.status, error: row.error, partial: row.partial === 1 }]));
}

/** Per-video tube counts, for `hmmr status`. */
export function tubeCountsByVideo(db: Db): Map<number, number> {
  const rows = db.prepare('SELECT video_id AS videoId, count(*) AS n FROM tubes WHERE video_id IS NOT NULL GROUP BY video_id').all() as {
    videoId: number;
    n: number;
  }[];
  return new Map(rows.map((row) => [row.videoId, row.n]));
}
