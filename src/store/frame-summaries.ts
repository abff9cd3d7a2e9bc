/**
 * Light per-frame views of stored labelling for browsing (hmmr serve): how many people each processed
 * frame has and its shot-cut signal, and the times of a tube's frames. No keypoint blobs are read.
 */
import type { Db } from './database.js';

export interface FrameSummary {
  frameIndex: number;
  timeSec: number;
  sceneScore: number | null;
  people: number;
}

/** Every processed frame of a label run, in order, with its detection count. */
export function readFrameSummaries(db: Db, labelRunId: number): FrameSummary[] {
  return db
    .prepare(
      `SELECT f.frame_index AS frameIndex, f.time_sec AS timeSec, f.scene_score AS sceneScore,
              (SELECT count(*) FROM detections d WHERE d.run_id = f.run_id AND d.frame_index = f.frame_index) AS people
       FROM detection_frames f WHERE f.run_id = ? ORDER BY f.frame_index`,
    )
    .all(labelRunId) as FrameSummary[];
}

/**
 * The presentation time of each of a tube's frames, in frame order, from its label run's decoded
 * frames; null where unknown (synthetic tubes, or a frame the label run has no row for).
 */
export function readTubeFrameTimes(db: Db, tubeId: number): (number | null)[] {
  const rows = db
    .prepare(
      `SELECT f.time_sec AS timeSec FROM tube_frames tf
       JOIN tubes t ON t.id = tf.tube_id
       LEFT JOIN track_runs tr ON tr.id = t.track_run_id
       LEFT JOIN detection_frames f ON f.run_id = tr.label_run_id AND f.frame_index = tf.frame_index
       WHERE tf.tube_id = ? ORDER BY tf.frame_index`,
    )
    .all(tubeId) as { timeSec: number | null }[];
  return rows.map((row) => row.timeSec);
}
