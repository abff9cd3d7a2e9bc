/**
 * Track runs and person tubes. A track run replaces the previous one of the same label run in ONE
 * transaction: readers see either the old tubes or the new ones, never a mixture or nothing. A tube
 * whose content the new run reproduces exactly keeps its row (id, split, cached features).
 */
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { Box, CropParams, TubeFrame } from '../domain.js';
import { blobToFloat32, float32ToBlob, type Db } from './database.js';

export type TubeTier = 'mocap3d' | 'human2d' | 'pseudo2d';
export type TubeSplit = 'train' | 'val' | 'test';

/** A tube ready to store (also what export/training read back, with ids added). */
export interface TubeToStore {
  name: string;
  trackId: number;
  keypointFormat: string;
  tier: TubeTier;
  split: TubeSplit;
  fps: number;
  frames: TubeFrame[];
}

/** A stored tube's row, without its frames. */
export interface StoredTubeInfo extends Omit<TubeToStore, 'frames'> {
  id: number;
  trackRunId: number | null;
  videoId: number | null;
  firstFrame: number;
  frameCount: number;
  createdAt: string;
}

export interface StoredTube extends StoredTubeInfo {
  frames: TubeFrame[];
}

export interface TrackRunRecord {
  id: number;
  labelRunId: number;
  params: object;
  createdAt: string;
}

export interface TubeFilter {
  /** Only this tube. */
  id?: number;
  videoId?: number;
  trackRunId?: number;
  tier?: TubeTier;
  split?: TubeSplit;
  /** Leave out tubes a person rejected (hmmr serve / hmmr tubes set --reject): what train, eval and export use. */
  withoutRejected?: boolean;
  /** Only tubes whose name starts with this (one dataset of a split, e.g. '3dpw/'); '' or absent: all. */
  namePrefix?: string;
}

/**
 * Stores a track run of `labelRunId` with its tubes, replacing the label run's previous track runs in
 * the same transaction. A new tube with the content of an old one (same frames, keypoints, boxes,
 * crops, detections, format and rate) takes over the old row: its id, and with it its split, any
 * curation and its cached features, survive re-tracking; its name and track id are updated. The other
 * old tubes (and their frames) go by cascade with the old track runs.
 */
export function replaceTrackRun(
  db: Db,
  run: { labelRunId: number; videoId: number; params: object },
  tubes: readonly TubeToStore[],
): { trackRunId: number; tubeIds: number[]; keptTubeIds: number[] } {
  const write = db.transaction(() => {
    const trackRunId = Number(
      db
        .prepare('INSERT INTO track_runs (label_run_id, params_json, created_at) VALUES (?, ?, ?)')
        .run(run.labelRunId, JSON.stringify(run.params), new Date().toISOString()).lastInsertRowid,
    );
    const oldByContent = new Map<string, number[]>();
    const oldTubes = db
      .prepare('SELECT id, content_sha256 AS sha FROM tubes WHERE track_run_id IN (SELECT id FROM track_runs WHERE label_run_id = ? AND id != ?) ORDER BY id')
      .all(run.labelRunId, trackRunId) as { id: number; sha: string | null }[];
    for (const old of oldTubes) if (old.sha !== null) oldByContent.set(old.sha, [...(oldByContent.get(old.sha) ?? []), old.id]);
    const shas = tubes.map(tubeContentSha256);
    const kept = shas.map((sha) => oldByContent.get(sha)?.shift());
    // Kept tubes move to the new run under a placeholder name, so no name collides while old ones go.
    const adopt = db.prepare("UPDATE tubes SET track_run_id = ?, name = '~' || id WHERE id = ?");
    for (const id of kept) if (id !== undefined) adopt.run(trackRunId, id);
    db.prepare('DELETE FROM track_runs WHERE label_run_id = ? AND id != ?').run(run.labelRunId, trackRunId);
    const rename = db.prepare('UPDATE tubes SET name = ?, track_id = ? WHERE id = ?');
    const fresh = tubes.filter((_, i) => kept[i] === undefined);
    const freshIds = insertTubes(db, fresh, { trackRunId, videoId: run.videoId });
    const tubeIds = tubes.map((tube, i) => {
      const id = kept[i];
      if (id === undefined) return freshIds.shift()!;
      rename.run(tube.name, tube.trackId, id);
      return id;
    });
    return { trackRunId, tubeIds, keptTubeIds: kept.filter((id): id is number => id !== undefined) };
  });
  return write.immediate();
}

/** Identity of a tube's stored content: equal hashes mean the same training data. */
export function tubeContentSha256(tube: Pick<TubeToStore, 'keypointFormat' | 'fps' | 'frames'>): string {
  const hash = createHash('sha256').update(`${tube.keypointFormat}\n${tube.fps}\n`);
  const numbers = new Float64Array(9);
  for (const frame of tube.frames) {
    const { box, crop } = frame;
    numbers.set([frame.frameIndex, frame.detectionId ?? -1, frame.timeSec ?? -1, box.x, box.y, box.width, box.height, crop.centerX, crop.centerY]);
    hash.update(new Uint8Array(numbers.buffer));
    hash.update(new Uint8Array(Float64Array.of(crop.scale).buffer));
    hash.update(new Uint8Array(frame.keypoints.buffer, frame.keypoints.byteOffset, frame.keypoints.byteLength));
  }
  return hash.digest('hex');
}

/**
 * The first part of a video's tube names, unique across folders (tube names are a UNIQUE column):
 * the file's base name, qualified by `~v<video id>` when an earlier video has the same base name, and
 * by `@run<label run id>` when an earlier label run of the same video has tubes. The first video and
 * run keep the plain name, so names stay the same as more videos and runs are added.
 */
export function tubeNamePrefix(db: Db, videoId: number, labelRunId: number): string {
  const stemOf = (path: string) => basename(path, extname(path));
  const videos = db.prepare('SELECT id, path FROM videos WHERE id <= ?').all(videoId) as { id: number; path: string }[];
  const stem = stemOf(videos.find((video) => video.id === videoId)?.path ?? `video${videoId}`);
  const sharedStem = videos.some((video) => video.id < videoId && stemOf(video.path) === stem);
  const earlierRun = db
    .prepare('SELECT 1 FROM label_runs r WHERE r.video_id = ? AND r.id < ? AND EXISTS (SELECT 1 FROM track_runs t WHERE t.label_run_id = r.id) LIMIT 1')
    .get(videoId, labelRunId);
  return `${stem}${sharedStem ? `~v${videoId}` : ''}${earlierRun ? `@run${labelRunId}` : ''}`;
}

/**
 * Inserts tubes and their frames; the caller owns the transaction (replaceTrackRun, or a synthetic
 * data writer with trackRunId = videoId = null).
 */
export function insertTubes(
  db: Db,
  tubes: readonly TubeToStore[],
  owner: { trackRunId: number | null; videoId: number | null },
): number[] {
  const insertTube = db.prepare(
    `INSERT INTO tubes (track_run_id, video_id, name, track_id, keypoint_format, tier, split, fps, first_frame, frame_count, created_at, content_sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFrame = db.prepare(
    `INSERT INTO tube_frames (tube_id, frame_index, detection_id, keypoints, box_x, box_y, box_w, box_h, crop_cx, crop_cy, crop_scale, time_sec)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const createdAt = new Date().toISOString();
  return tubes.map((tube) => {
    const tubeId = Number(
      insertTube.run(
        owner.trackRunId,
        owner.videoId,
        tube.name,
        tube.trackId,
        tube.keypointFormat,
        tube.tier,
        tube.split,
        tube.fps,
        tube.frames[0]?.frameIndex ?? 0,
        tube.frames.length,
        createdAt,
        tubeContentSha256(tube),
      ).lastInsertRowid,
    );
    for (const frame of tube.frames) {
      const { box, crop } = frame;
      insertFrame.run(tubeId, frame.frameIndex, frame.detectionId ?? null, float32ToBlob(frame.keypoints), box.x, box.y, box.width, box.height, crop.centerX, crop.centerY, crop.scale, frame.timeSec ?? null);
    }
    return tubeId;
  });
}

/** The current track run of a label run, if it was tracked. */
export function findTrackRun(db: Db, labelRunId: number): TrackRunRecord | undefined {
  const row = db
    .prepare('SELECT id, label_run_id AS labelRunId, params_json AS paramsJson, created_at AS createdAt FROM track_runs WHERE label_run_id = ? ORDER BY id DESC LIMIT 1')
    .get(labelRunId) as { id: number; labelRunId: number; paramsJson: string; createdAt: string } | undefined;
  return row && { id: row.id, labelRunId: row.labelRunId, params: JSON.parse(row.paramsJson) as object, createdAt: row.createdAt };
}

const TUBE_COLUMNS = `id, track_run_id AS trackRunId, video_id AS videoId, name, track_id AS trackId,
  keypoint_format AS keypointFormat, tier, split, fps, first_frame AS firstFrame, frame_count AS frameCount, created_at AS createdAt`;

/** Tubes matching every given filter field, by id; without frames. */
export function listTubes(db: Db, filter: TubeFilter = {}): StoredTubeInfo[] {
  const conditions: string[] = [];
  const values: (string | number)[] = [];
  const add = (column: string, value: string | number | undefined) => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    values.push(value);
  };
  add('id', filter.id);
  add('video_id', filter.videoId);
  add('track_run_id', filter.trackRunId);
  add('tier', filter.tier);
  add('split', filter.split);
  if (filter.withoutRejected) conditions.push("id NOT IN (SELECT tube_id FROM tube_reviews WHERE status = 'rejected')");
  if (filter.namePrefix) {
    // substr, not LIKE: '_' and '%' are ordinary characters in tube names.
    conditions.push('substr(name, 1, ?) = ?');
    values.push(filter.namePrefix.length, filter.namePrefix);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return db.prepare(`SELECT ${TUBE_COLUMNS} FROM tubes ${where} ORDER BY id`).all(...values) as StoredTubeInfo[];
}

interface TubeFrameRow {
  frameIndex: number;
  detectionId: number | null;
  keypoints: Buffer;
  boxX: number;
  boxY: number;
  boxW: number;
  boxH: number;
  cropCx: number;
  cropCy: number;
  cropScale: number;
  timeSec: number | null;
}

/** A tube's frames in frame order. */
export function readTubeFrames(db: Db, tubeId: number): TubeFrame[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, detection_id AS detectionId, keypoints, box_x AS boxX, box_y AS boxY, box_w AS boxW,
              box_h AS boxH, crop_cx AS cropCx, crop_cy AS cropCy, crop_scale AS cropScale, time_sec AS timeSec
       FROM tube_frames WHERE tube_id = ? ORDER BY frame_index`,
    )
    .all(tubeId) as TubeFrameRow[];
  return rows.map((row) => {
    const box: Box = { x: row.boxX, y: row.boxY, width: row.boxW, height: row.boxH };
    const crop: CropParams = { centerX: row.cropCx, centerY: row.cropCy, scale: row.cropScale };
    const frame: TubeFrame = { frameIndex: row.frameIndex, keypoints: blobToFloat32(row.keypoints), box, crop };
    if (row.detectionId !== null) frame.detectionId = row.detectionId;
    if (row.timeSec !== null) frame.timeSec = row.timeSec;
    return frame;
  });
}

/** Tubes with their frames (e.g. a training set: `{ tier: 'pseudo2d', split: 'train' }`). */
export function loadTubes(db: Db, filter: TubeFilter = {}): StoredTube[] {
  return listTubes(db, filter).map((info) => ({ ...info, frames: readTubeFrames(db, info.id) }));
}
