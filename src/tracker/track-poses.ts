/**
 * The whole tracking pass over one video's detections, in memory: shot cuts from the scene scores,
 * then the online tracker frame by frame. Pure; track-video.ts adds the store around it.
 */
import type { KeypointFormat, PoseFrame } from '../domain.js';
import { DEFAULT_SHOT_CHANGE_OPTIONS, detectShotChanges, type ShotChangeOptions } from './shot-changes.js';
import { PoseTracker, type Track, type TrackerOptions } from './tracker.js';

export interface TrackPosesOptions {
  tracker?: Partial<TrackerOptions>;
  shotChanges?: ShotChangeOptions;
}

export interface TrackPosesResult {
  tracks: Track[];
  /** Frame indices where a new shot starts (every track was ended there). */
  shotStarts: number[];
}

/** frames in increasing frameIndex order; sceneScores[i] belongs to frames[i] (null = unknown). */
export function trackPoseFrames(
  frames: readonly PoseFrame[],
  sceneScores: readonly (number | null)[],
  format: KeypointFormat,
  options: TrackPosesOptions = {},
): TrackPosesResult {
  if (sceneScores.length !== frames.length) {
    throw new RangeError(`${sceneScores.length} scene scores for ${frames.length} frames`);
  }
  const cuts = detectShotChanges(sceneScores, options.shotChanges ?? DEFAULT_SHOT_CHANGE_OPTIONS);
  const tracker = new PoseTracker(format, options.tracker);
  const shotStarts: number[] = [];
  frames.forEach((frame, i) => {
    if (cuts[i]) shotStarts.push(frame.frameIndex);
    tracker.push(frame, cuts[i]);
  });
  return { tracks: tracker.finish(), shotStarts };
}
