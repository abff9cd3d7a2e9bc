/**
 * What tracking needs besides the poses themselves (readDetections in detections.ts): each processed
 * frame's scene score, for shot cuts, and each detection's row id, so tube frames can point back at it.
 */
import type { Db } from './database.js';

export interface DetectionKeys {
  /** Scene score per processed frame index (null where the source gave none, e.g. imports). */
  sceneScoreOf: Map<number, number | null>;
  /** Detection row id by frame index and person index. */
  detectionIdOf(frameIndex: number, personIndex: number): number | undefined;
}

export function readDetectionKeys(db: Db, runId: number): DetectionKeys {
  const frames = db
    .prepare('SELECT frame_index AS frameIndex, scene_score AS sceneScore FROM detection_frames WHERE run_id = ?')
    .all(runId) as { frameIndex: number; sceneScore: number | null }[];
  const detections = db
    .prepare('SELECT id, frame_index AS frameIndex, person_index AS personIndex FROM detections WHERE run_id = ?')
    .all(runId) as { id: number; frameIndex: number; personIndex: number }[];
  const ids = new Map<number, number[]>();
  for (const row of detections) {
    const inFrame = ids.get(row.frameIndex) ?? [];
    inFrame[row.personIndex] = row.id;
    ids.set(row.frameIndex, inFrame);
  }
  return {
    sceneScoreOf: new Map(frames.map((row) => [row.frameIndex, row.sceneScore])),
    detectionIdOf: (frameIndex, personIndex) => ids.get(frameIndex)?.[personIndex],
  };
}
