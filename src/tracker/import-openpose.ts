/**
 * `hmmr import openpose`: a folder of OpenPose per-frame JSON becomes a label run (source
 * 'openpose-import') of an ingested video, then is tracked like any label run. Every file is parsed
 * and checked first; the run, its frames and its detections are then written in ONE transaction, so
 * a bad folder or a crash leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { PoseFrame } from '../domain.js';
import type { Db } from '../store/database.js';
import { commitDetectionChunk, finishLabelRun, startLabelRun } from '../store/detections.js';
import type { VideoRecord } from '../store/videos.js';
import { readOpenPoseFolder } from './formats/openpose.js';
import { knownKeypointFormats } from '../body/keypoint-formats.js';

export interface OpenPoseImportResult {
  labelRunId: number;
  /** false when the same content was imported before (the earlier run is kept as it is). */
  created: boolean;
  keypointFormat: string;
  frames: number;
  detections: number;
}

/** Allowance over an estimated frame count (containers without an exact count), in frames. */
function frameLimit(video: VideoRecord): number {
  return video.frameCountExact ? video.frameCount : Math.ceil(video.frameCount * 1.02) + 1;
}

export function importOpenPoseFolder(db: Db, dir: string, video: VideoRecord): OpenPoseImportResult {
  const folder = readOpenPoseFolder(resolve(dir), { formats: knownKeypointFormats(), fps: video.fps, frameCount: frameLimit(video) });
  const detections = folder.frames.reduce((sum, frame) => sum + frame.people.length, 0);
  // Keyed by content, not by path: re-importing the same detections finds the same run.
  const params = { importFormat: 'openpose-json', keypointFormat: folder.format.name, contentSha256: contentHash(folder.frames) };
  const write = db.transaction(() => {
    const run = startLabelRun(db, {
      videoId: video.id,
      source: 'openpose-import',
      modelName: `openpose-json:${folder.name}`,
      modelSha256: '',
      keypointFormat: folder.format.name,
      params,
      framesTotal: folder.frames.length,
    });
    if (run.status === 'done') return { id: run.id, created: false };
    const lastFrame = folder.frames[folder.frames.length - 1]!.frameIndex;
    commitDetectionChunk(
      db,
      run.id,
      0,
      folder.frames.map((frame) => ({ ...frame, sceneScore: null })),
      lastFrame + 1,
    );
    finishLabelRun(db, run.id);
    return { id: run.id, created: true };
  });
  const { id, created } = write.immediate();
  return { labelRunId: id, created, keypointFormat: folder.format.name, frames: folder.frames.length, detections };
}

function contentHash(frames: readonly PoseFrame[]): string {
  const hash = createHash('sha256');
  for (const frame of frames) {
    hash.update(`${frame.frameIndex}:${frame.people.length};`);
    for (const person of frame.people) hash.update(new Uint8Array(person.keypoints.buffer, person.keypoints.byteOffset, person.keypoints.byteLength));
  }
  return hash.digest('hex');
}
