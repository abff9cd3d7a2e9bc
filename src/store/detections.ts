/**
 * Label runs and their per-frame detections. A label run is keyed by (video, params_key), where
 * params_key = sha256(model sha256 + canonical params JSON): the same model and parameters on the
 * same video always find the same run, so an interrupted run resumes instead of starting over.
 *
 * The unit of resumption is a chunk of frames written in ONE transaction together with the run's
 * next_frame: after a crash the database holds whole chunks only, and next_frame says where to go on.
 */
import { createHash } from 'node:crypto';
import type { Person2D, PoseFrame } from '../domain.js';
import { DatabaseError } from '../errors.js';
import { blobToFloat32, float32ToBlob, type Db } from './database.js';
import type { LabelLease } from './label-lease.js';
import { canonicalJson } from '../util/canonical-json.js';

export type LabelRunStatus = 'running' | 'done' | 'failed';

export interface LabelRunSpec {
  videoId: number;
  source: 'onnx' | 'openpose-import';
  modelName: string;
  modelSha256: string;
  keypointFormat: string;
  /** Every parameter that affects the result; stored as canonical JSON. */
  params: object;
  /** Frames the run is expected to deliver, for progress (may be an estimate). */
  framesTotal?: number;
}

export interface LabelRun {
  id: number;
  videoId: number;
  source: 'onnx' | 'openpose-import';
  modelName: string;
  modelSha256: string;
  keypointFormat: string;
  paramsJson: string;
  paramsKey: string;
  status: LabelRunStatus;
  /** A done run whose video's tail could not be decoded: `error` says where decoding stopped. */
  partial: boolean;
  /** First frame index not yet committed. */
  nextFrame: number;
  framesTotal: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** One processed frame, with everybody found in it (possibly nobody). */
export interface DetectionFrame {
  frameIndex: number;
  timeSec: number;
  sceneScore: number | null;
  people: readonly Person2D[];
}

/** A stored frame: the PoseFrame plus the shot-cut signal the tracker splits tracks on. */
export interface StoredPoseFrame extends PoseFrame {
  sceneScore: number | null;
}

export function labelParamsKey(modelSha256: string, params: object): string {
  return createHash('sha256').update(modelSha256 + canonicalJson(params)).digest('hex');
}

const RUN_COLUMNS = `id, video_id AS videoId, source, model_name AS modelName, model_sha256 AS modelSha256,
  keypoint_format AS keypointFormat, params_json AS paramsJson, params_key AS paramsKey, status,
  next_frame AS nextFrame, frames_total AS framesTotal, error, started_at AS startedAt, finished_at AS finishedAt, partial`;

type LabelRunRow = Omit<LabelRun, 'partial'> & { partial: number };

function toLabelRun(row: LabelRunRow | undefined): LabelRun | undefined {
  return row && { ...row, partial: row.partial === 1 };
}

export function findLabelRun(db: Db, videoId: number, paramsKey: string): LabelRun | undefined {
  return toLabelRun(db.prepare(`SELECT ${RUN_COLUMNS} FROM label_runs WHERE video_id = ? AND params_key = ?`).get(videoId, paramsKey) as LabelRunRow | undefined);
}

export function getLabelRun(db: Db, runId: number): LabelRun | undefined {
  return toLabelRun(db.prepare(`SELECT ${RUN_COLUMNS} FROM label_runs WHERE id = ?`).get(runId) as LabelRunRow | undefined);
}

/** Label runs, newest first; optionally of one video and/or one status. */
export function listLabelRuns(db: Db, filter: { videoId?: number; status?: LabelRunStatus } = {}): LabelRun[] {
  const rows = db
    .prepare(
      `SELECT ${RUN_COLUMNS} FROM label_runs
       WHERE (@videoId IS NULL OR video_id = @videoId) AND (@status IS NULL OR status = @status) ORDER BY id DESC`,
    )
    .all({ videoId: filter.videoId ?? null, status: filter.status ?? null }) as LabelRunRow[];
  return rows.map((row) => toLabelRun(row)!);
}

/**
 * The run for this video and parameter set: the existing one (a finished run is returned as it is; an
 * interrupted or failed one is marked running again and keeps its next_frame) or a new one.
 */
export function startLabelRun(db: Db, spec: LabelRunSpec): LabelRun {
  const paramsJson = canonicalJson(spec.params);
  const paramsKey = labelParamsKey(spec.modelSha256, spec.params);
  const start = db.transaction(() => {
    const existing = findLabelRun(db, spec.videoId, paramsKey);
    if (existing) {
      if (existing.status !== 'done') {
        db.prepare("UPDATE label_runs SET status = 'running', error = NULL, frames_total = coalesce(?, frames_total) WHERE id = ?").run(
          spec.framesTotal ?? null,
          existing.id,
        );
      }
      return existing.id;
    }
    return Number(
      db
        .prepare(
          `INSERT INTO label_runs (video_id, source, model_name, model_sha256, keypoint_format, params_json, params_key, status,
             next_frame, frames_total, started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'running', 0, ?, ?)`,
        )
        .run(spec.videoId, spec.source, spec.modelName, spec.modelSha256, spec.keypointFormat, paramsJson, paramsKey, spec.framesTotal ?? null, new Date().toISOString())
        .lastInsertRowid,
    );
  });
  return getLabelRun(db, start.immediate())!;
}

/**
 * Writes a chunk of processed frames and advances the run to `nextFrame`, in one transaction.
 * `expectedNextFrame` is the run's next_frame as this writer last saw it: if another process has
 * moved it meanwhile (two labellers on one video), nothing is written and DatabaseError is thrown.
 * With a `lease`, the commit is also its heartbeat, and a lease lost to another process stops it.
 */
export function commitDetectionChunk(
  db: Db,
  runId: number,
  expectedNextFrame: number,
  frames: readonly DetectionFrame[],
  nextFrame: number,
  lease?: LabelLease,
): void {
  const insertFrame = db.prepare('INSERT INTO detection_frames (run_id, frame_index, time_sec, scene_score) VALUES (?, ?, ?, ?)');
  const insertPerson = db.prepare(
    'INSERT INTO detections (run_id, frame_index, person_index, score, part_count, keypoints) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const advance = db.prepare('UPDATE label_runs SET next_frame = ? WHERE id = ? AND next_frame = ?');
  const renew = db.prepare('UPDATE label_runs SET lease_heartbeat_ms = ?, lease_expires_ms = ? WHERE id = ? AND lease_owner = ?');
  const write = db.transaction(() => {
    const nowMs = Date.now();
    if (lease && renew.run(nowMs, nowMs + lease.ttlMs, runId, lease.owner).changes !== 1) {
      throw new DatabaseError(db.name, `label run ${runId} was taken over by another process after this one's lease lapsed; run the command again to resume`);
    }
    if (advance.run(nextFrame, runId, expectedNextFrame).changes !== 1) {
      throw new DatabaseError(db.name, `label run ${runId} was advanced by another process; run the command again to resume`);
    }
    for (const frame of frames) {
      if (frame.frameIndex < expectedNextFrame || frame.frameIndex >= nextFrame) {
        throw new RangeError(`frame ${frame.frameIndex} is outside the chunk [${expectedNextFrame}, ${nextFrame})`);
      }
      insertFrame.run(runId, frame.frameIndex, frame.timeSec, frame.sceneScore);
      frame.people.forEach((person, personIndex) => {
        insertPerson.run(runId, frame.frameIndex, personIndex, person.score, person.partCount, float32ToBlob(person.keypoints));
      });
    }
  });
  write.immediate();
}

/**
 * Marks a run done and frees its lease. `damage` is for a video whose tail could not be decoded: the
 * run is done with the frames before it (nothing more can be decoded on a rerun), flagged partial.
 */
export function finishLabelRun(db: Db, runId: number, damage?: string): void {
  db.prepare(
    `UPDATE label_runs SET status = 'done', error = ?, partial = ?, finished_at = ?,
       frames_total = (SELECT count(*) FROM detection_frames WHERE run_id = ?),
       lease_owner = NULL, lease_heartbeat_ms = NULL, lease_expires_ms = NULL WHERE id = ?`,
  ).run(damage ?? null, damage === undefined ? 0 : 1, new Date().toISOString(), runId, runId);
}

/**
 * Marks a run failed and frees its lease; its committed frames stay, and running the command again
 * resumes it. With `lease`, only while that lease still holds the run: a process that lost its lease
 * never fails the run another process is now labelling.
 */
export function failLabelRun(db: Db, runId: number, error: string, lease?: LabelLease): void {
  db.prepare(
    `UPDATE label_runs SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL, lease_heartbeat_ms = NULL, lease_expires_ms = NULL
     WHERE id = ? AND (? IS NULL OR lease_owner = ?)`,
  ).run(error, new Date().toISOString(), runId, lease?.owner ?? null, lease?.owner ?? null);
}

export function countDetectionFrames(db: Db, runId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM detection_frames WHERE run_id = ?').get(runId) as { n: number }).n;
}

/**
 * The run's frames in order, each with its people by descending score (person_index order).
 * Optionally a frame range [fromFrame, toFrame).
 */
export function readDetections(db: Db, runId: number, range: { fromFrame?: number; toFrame?: number } = {}): StoredPoseFrame[] {
  const from = range.fromFrame ?? 0;
  const to = range.toFrame ?? Number.MAX_SAFE_INTEGER;
  const frames = db
    .prepare(
      `SELECT frame_index AS frameIndex, time_sec AS timeSec, scene_score AS sceneScore FROM detection_frames
       WHERE run_id = ? AND frame_index >= ? AND frame_index < ? ORDER BY frame_index`,
    )
    .all(runId, from, to) as { frameIndex: number; timeSec: number; sceneScore: number | null }[];
  const people = db
    .prepare(
      `SELECT frame_index AS frameIndex, score, part_count AS partCount, keypoints FROM detections
       WHERE run_id = ? AND frame_index >= ? AND frame_index < ? ORDER BY frame_index, person_index`,
    )
    .all(runId, from, to) as { frameIndex: number; score: number; partCount: number; keypoints: Buffer }[];
  const byFrame = new Map<number, StoredPoseFrame>();
  const result = frames.map((frame) => {
    const poseFrame: StoredPoseFrame = { ...frame, people: [] };
    byFrame.set(frame.frameIndex, poseFrame);
    return poseFrame;
  });
  for (const row of people) {
    byFrame.get(row.frameIndex)!.people.push({ keypoints: blobToFloat32(row.keypoints), score: row.score, partCount: row.partCount });
  }
  return result;
}
