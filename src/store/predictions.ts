/**
 * Stored model outputs (`hmmr predict`): a prediction run records the checkpoint, the settings that
 * chose its tubes and when it ran; each tube's per-frame Θ, 3D joints and ±Δt poses are committed in
 * one transaction, so an interrupted run resumes at the first tube it had not stored.
 */
import { createHash } from 'node:crypto';
import { blobToFloat32, float32ToBlob, type Db } from './database.js';

export interface PredictionRunToOpen {
  /** Checkpoint folder the weights came from. */
  checkpoint: string;
  step: number;
  /** The checkpoint's training config (body model, Δt, windows); stored as JSON. */
  config: object;
  /** What selected the tubes (video, split); part of the run's identity. */
  settings: object;
  /** tfjs backend that ran the network (not part of the identity). */
  backend: string;
  /** Joint set of joints3d, e.g. 'lsp14'. */
  jointSet: string;
}

export interface PredictionRunRecord {
  id: number;
  checkpoint: string;
  step: number;
  config: Record<string, unknown>;
  settings: Record<string, unknown>;
  backend: string;
  jointSet: string;
  status: 'running' | 'done';
  createdAt: string;
  finishedAt: string | null;
  tubeCount: number;
  frameCount: number;
}

/** One tube's predictions in tube frame order: [F, …] row-major Float32 arrays. */
export interface TubePredictionToStore {
  tubeId: number;
  frameIndices: Int32Array;
  /** [F, 85]: camera s, tx, ty | 72 axis-angle pose | 10 shape. */
  theta: Float32Array;
  /** [F, J, 3] metres. */
  joints3d: Float32Array;
  /** [F, 72] poses at t − Δt and t + Δt, when the model has Δt heads. */
  pastPose?: Float32Array;
  futurePose?: Float32Array;
}

/** A stored tube prediction with the tube fields an exporter needs. */
export interface StoredTubePrediction extends TubePredictionToStore {
  name: string;
  videoId: number | null;
  fps: number;
}

const THETA_FLOATS = 85;
const POSE_FLOATS = 72;

function settingsKey(run: Pick<PredictionRunToOpen, 'checkpoint' | 'step' | 'settings'>): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(run.settings).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(`${run.checkpoint}\n${run.step}\n${canonical}`).digest('hex');
}

/**
 * The run with this checkpoint, step and settings (marked running again, to be completed), or a new
 * one. `resumed` says which; the tubes it already holds are `predictedTubeIds`.
 */
export function openPredictionRun(db: Db, run: PredictionRunToOpen): { runId: number; resumed: boolean } {
  const key = settingsKey(run);
  const open = db.transaction(() => {
    const existing = db.prepare('SELECT id FROM prediction_runs WHERE settings_key = ? ORDER BY id DESC LIMIT 1').get(key) as { id: number } | undefined;
    if (existing) {
      db.prepare("UPDATE prediction_runs SET status = 'running', finished_at = NULL, backend = ? WHERE id = ?").run(run.backend, existing.id);
      return { runId: existing.id, resumed: true };
    }
    const inserted = db
      .prepare(
        `INSERT INTO prediction_runs (checkpoint, step, config_json, created_at, settings_json, settings_key, backend, joint_set, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
      )
      .run(run.checkpoint, run.step, JSON.stringify(run.config), new Date().toISOString(), JSON.stringify(run.settings), key, run.backend, run.jointSet);
    return { runId: Number(inserted.lastInsertRowid), resumed: false };
  });
  return open.immediate();
}

/** Tubes whose predictions a run already holds. */
export function predictedTubeIds(db: Db, runId: number): Set<number> {
  const rows = db.prepare('SELECT DISTINCT tube_id AS tubeId FROM predictions WHERE run_id = ?').all(runId) as { tubeId: number }[];
  return new Set(rows.map((row) => row.tubeId));
}

/** Stores (or replaces) one tube's predictions in one transaction. */
export function storeTubePrediction(db: Db, runId: number, tube: TubePredictionToStore): void {
  const frames = tube.frameIndices.length;
  const jointFloats = tube.joints3d.length / frames;
  const insert = db.prepare(
    'INSERT INTO predictions (run_id, tube_id, frame_index, theta, joints3d, past_pose, future_pose) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const row = (values: Float32Array | undefined, width: number, f: number): Buffer | null =>
    values ? float32ToBlob(values.subarray(f * width, (f + 1) * width)) : null;
  const write = db.transaction(() => {
    db.prepare('DELETE FROM predictions WHERE run_id = ? AND tube_id = ?').run(runId, tube.tubeId);
    for (let f = 0; f < frames; f++) {
      insert.run(runId, tube.tubeId, tube.frameIndices[f]!, row(tube.theta, THETA_FLOATS, f), row(tube.joints3d, jointFloats, f), row(tube.pastPose, POSE_FLOATS, f), row(tube.futurePose, POSE_FLOATS, f));
    }
  });
  write.immediate();
}

/** Marks a run complete: every tube its settings selected is stored. */
export function finishPredictionRun(db: Db, runId: number): void {
  db.prepare("UPDATE prediction_runs SET status = 'done', finished_at = ? WHERE id = ?").run(new Date().toISOString(), runId);
}

/** A prediction_runs row with its counts, as selected (JSON columns still text). */
type RunRow = Omit<PredictionRunRecord, 'config' | 'settings'> & { configJson: string; settingsJson: string };

const RUN_SELECT = `SELECT r.id, r.checkpoint, r.step, r.config_json AS configJson, r.settings_json AS settingsJson, r.backend,
    r.joint_set AS jointSet, r.status, r.created_at AS createdAt, r.finished_at AS finishedAt,
    (SELECT count(DISTINCT tube_id) FROM predictions p WHERE p.run_id = r.id) AS tubeCount,
    (SELECT count(*) FROM predictions p WHERE p.run_id = r.id) AS frameCount
  FROM prediction_runs r`;

function runRecord(row: RunRow): PredictionRunRecord {
  const { configJson, settingsJson, ...rest } = row;
  return { ...rest, config: JSON.parse(configJson) as Record<string, unknown>, settings: JSON.parse(settingsJson) as Record<string, unknown> };
}

/** Every prediction run, oldest first. */
export function listPredictionRuns(db: Db): PredictionRunRecord[] {
  return (db.prepare(`${RUN_SELECT} ORDER BY r.id`).all() as RunRow[]).map(runRecord);
}

/** A run by id, or the latest run when `id` is undefined. */
export function findPredictionRun(db: Db, id?: number): PredictionRunRecord | undefined {
  const row = (id === undefined ? db.prepare(`${RUN_SELECT} ORDER BY r.id DESC LIMIT 1`).get() : db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id)) as RunRow | undefined;
  return row && runRecord(row);
}

interface PredictionRow {
  tubeId: number;
  name: string;
  videoId: number | null;
  fps: number;
  frameIndex: number;
  theta: Buffer;
  joints3d: Buffer;
  pastPose: Buffer | null;
  futurePose: Buffer | null;
}

/** A run's tube predictions (all of them, or those of `tubeIds`), tubes by id, frames in order. */
export function readTubePredictions(db: Db, runId: number, tubeIds?: readonly number[]): StoredTubePrediction[] {
  const rows = db
    .prepare(
      `SELECT p.tube_id AS tubeId, t.name, t.video_id AS videoId, t.fps, p.frame_index AS frameIndex, p.theta, p.joints3d,
              p.past_pose AS pastPose, p.future_pose AS futurePose
       FROM predictions p JOIN tubes t ON t.id = p.tube_id
       WHERE p.run_id = ? ORDER BY p.tube_id, p.frame_index`,
    )
    .all(runId) as PredictionRow[];
  const wanted = tubeIds && new Set(tubeIds);
  const byTube = new Map<number, PredictionRow[]>();
  for (const row of rows) {
    if (wanted && !wanted.has(row.tubeId)) continue;
    const list = byTube.get(row.tubeId) ?? [];
    list.push(row);
    byTube.set(row.tubeId, list);
  }
  return [...byTube.values()].map((frames) => {
    const first = frames[0]!;
    // One row per frame, all of one width: frame f's values go at f × width.
    const column = (pick: (row: PredictionRow) => Buffer | null): Float32Array | undefined => {
      const firstBlob = pick(first);
      if (firstBlob === null) return undefined;
      const width = firstBlob.byteLength / 4;
      const out = new Float32Array(frames.length * width);
      frames.forEach((row, f) => out.set(blobToFloat32(pick(row)!), f * width));
      return out;
    };
    return {
      tubeId: first.tubeId,
      name: first.name,
      videoId: first.videoId,
      fps: first.fps,
      frameIndices: Int32Array.from(frames, (row) => row.frameIndex),
      theta: column((row) => row.theta)!,
      joints3d: column((row) => row.joints3d)!,
      pastPose: column((row) => row.pastPose),
      futurePose: column((row) => row.futurePose),
    };
  });
}
