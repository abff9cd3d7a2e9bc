/**
 * Track runs and person tubes. A track run replaces the previous one of the same label run in ONE
 * transaction: readers see either the old tubes or the new ones, never a mixture or nothing.
 */
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
  videoId?: number;
  trackRunId?: number;
  tier?: TubeTier;
  split?: TubeSplit;
  /** Leave out tubes a person rejected (hmmr serve / hmmr tubes set --reject): what train, eval and export use. */
  withoutRejected?: boolean;
}

/**
 * Stores a track run of `labelRunId` with its tubes, deleting the label run's previous track runs
 * (their tubes and frames go by cascade) in the same transaction.
 */
export function replaceTrackRun(
  db: Db,
  run: { labelRunId: number; videoId: number; params: object },
  tubes: readonly TubeToStore[],
): { trackRunId: number; tubeIds: number[] } {
  const write = db.transaction(() => {
    db.prepare('DELETE FROM track_runs WHERE label_run_id = ?').run(run.labelRunId);
    const trackRunId = Number(
      db
        .prepare('INSERT INTO track_runs (label_run_id, params_json, created_at) VALUES (?, ?, ?)')
        .run(run.labelRunId, JSON.stringify(run.params), new Date().toISOString()).lastInsertRowid,
    );
    const tubeIds = insertTubes(db, tubes, { trackRunId, videoId: run.videoId });
    return { trackRunId, tubeIds };
  });
  return write.immediate();
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
    `INSERT INTO tubes (track_run_id, video_id, name, track_id, keypoint_format, tier, split, fps, first_frame, frame_count, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFrame = db.prepare(
    `INSERT INTO tube_frames (tube_id, frame_index, detection_id, keypoints, box_x, box_y, box_w, box_h, crop_cx, crop_cy, crop_scale)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      ).lastInsertRowid,
    );
    for (const frame of tube.frames) {
      const { box, crop } = frame;
      insertFrame.run(tubeId, frame.frameIndex, frame.detectionId ?? null, float32ToBlob(frame.keypoints), box.x, box.y, box.width, box.height, crop.centerX, crop.centerY, crop.scale);
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
  add('video_id', filter.videoId);
  add('track_run_id', filter.trackRunId);
  add('tier', filter.tier);
  add('split', filter.split);
  if (filter.withoutRejected) conditions.push("id NOT IN (SELECT tube_id FROM tube_reviews WHERE status = 'rejected')");
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
}

/** A tube's frames in frame order. */
export function readTubeFrames(db: Db, tubeId: number): TubeFrame[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, detection_id AS detectionId, keypoints, box_x AS boxX, box_y AS boxY, box_w AS boxW,
              box_h AS boxH, crop_cx AS cropCx, crop_cy AS cropCy, crop_scale AS cropScale
       FROM tube_frames WHERE tube_id = ? ORDER BY frame_index`,
    )
    .all(tubeId) as TubeFrameRow[];
  return rows.map((row) => {
    const box: Box = { x: row.boxX, y: row.boxY, width: row.boxW, height: row.boxH };
    const crop: CropParams = { centerX: row.cropCx, centerY: row.cropCy, scale: row.cropScale };
    const frame: TubeFrame = { frameIndex: row.frameIndex, keypoints: blobToFloat32(row.keypoints), box, crop };
    if (row.detectionId !== null) frame.detectionId = row.detectionId;
    return frame;
  });
}

/** Tubes with their frames (e.g. a training set: `{ tier: 'pseudo2d', split: 'train' }`). */
export function loadTubes(db: Db, filter: TubeFilter = {}): StoredTube[] {
  return listTubes(db, filter).map((info) => ({ ...info, frames: readTubeFrames(db, info.id) }));
}
