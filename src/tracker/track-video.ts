/**
 * Tracking a stored label run: read its detections, link them into tracks, clean and smooth the tracks
 * into tubes, and store them as the label run's track run (replacing the previous one atomically).
 * Never runs the detector: `hmmr track` with new parameters costs seconds.
 */
import { UsageError } from '../errors.js';
import { readDetectionKeys } from '../store/detection-keys.js';
import { getLabelRun, readDetections } from '../store/detections.js';
import type { Db } from '../store/database.js';
import { findTrackRun, replaceTrackRun, tubeNamePrefix, type TubeToStore } from '../store/tubes.js';
import { getVideo } from '../store/videos.js';
import { subsampleStep } from '../video/frame-geometry.js';
import { keypointFormatFor } from '../body/keypoint-formats.js';
import { DEFAULT_SHOT_CHANGE_OPTIONS, type ShotChangeOptions } from './shot-changes.js';
import { trackPoseFrames } from './track-poses.js';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from './tracker.js';
import { tubeOptionsInLabelledFrames } from './frame-units.js';
import { buildTubes, defaultTubeOptions } from './tube.js';

/** Durations (maxGap, minTubeFrames, maxTubeFrames) are in frames of the source video: see frame-units.ts. */
export interface TrackVideoOptions {
  minHits: number;
  maxGap: number;
  /** Pair cost gate (see cost.ts). */
  gate: number;
  minTubeFrames: number;
  maxTubeFrames: number;
  minScore: number;
  minParts: number;
  shotChanges: ShotChangeOptions;
}

export const DEFAULT_TRACK_VIDEO_OPTIONS: TrackVideoOptions = {
  minHits: DEFAULT_TRACKER_OPTIONS.minHits,
  maxGap: DEFAULT_TRACKER_OPTIONS.maxGap,
  gate: DEFAULT_TRACKER_OPTIONS.cost.gate,
  minTubeFrames: 40,
  maxTubeFrames: 500,
  minScore: DEFAULT_TRACKER_OPTIONS.minScore,
  minParts: DEFAULT_TRACKER_OPTIONS.minParts,
  shotChanges: DEFAULT_SHOT_CHANGE_OPTIONS,
};

export interface TrackVideoResult {
  labelRunId: number;
  videoId: number;
  trackRunId: number;
  frames: number;
  detections: number;
  /** Confirmed tracks, before cleaning. */
  tracks: number;
  shotStarts: number[];
  /**
   * False when the detections carry no frame-difference signal (OpenPose imports): shot changes
   * cannot be found, so a track may run across a cut.
   */
  sceneCutSignal: boolean;
  /** `kept`: the tube was stored before with the same content and keeps its id (and split, features). */
  tubes: { id: number; name: string; trackId: number; firstFrame: number; frameCount: number; kept: boolean }[];
}

/**
 * What `hmmr label` calls after each video: a freshly finished run is tracked with the defaults; an
 * already finished one only if it was never tracked (so tubes from a tuned `hmmr track` are kept).
 */
export function trackAfterLabelling(
  db: Db,
  labelRunId: number,
  labelStatus: 'done' | 'partial' | 'already-done' | 'interrupted' | 'busy',
): TrackVideoResult | undefined {
  const finishedNow = labelStatus === 'done' || labelStatus === 'partial';
  if (finishedNow || (labelStatus === 'already-done' && !findTrackRun(db, labelRunId))) return trackLabelRun(db, labelRunId);
  return undefined;
}

/** Tracks one finished label run and stores its tubes. */
export function trackLabelRun(db: Db, labelRunId: number, options: Partial<TrackVideoOptions> = {}): TrackVideoResult {
  const settings: TrackVideoOptions = { ...DEFAULT_TRACK_VIDEO_OPTIONS, ...options };
  const run = getLabelRun(db, labelRunId);
  if (!run) throw new UsageError(`no label run ${labelRunId}`);
  if (run.status !== 'done') throw new UsageError(`label run ${labelRunId} is ${run.status}, not done; finish it with hmmr label first`);
  const video = getVideo(db, run.videoId);
  if (!video) throw new UsageError(`label run ${labelRunId} has no video`);

  const frames = readDetections(db, labelRunId);
  const keys = readDetectionKeys(db, labelRunId);
  const firstPerson = frames.find((frame) => frame.people.length > 0)?.people[0];
  const format = keypointFormatFor(run.keypointFormat, firstPerson ? firstPerson.keypoints.length / 3 : 0);
  const trackerOptions: Partial<TrackerOptions> = {
    minHits: settings.minHits,
    maxGap: settings.maxGap,
    minScore: settings.minScore,
    minParts: settings.minParts,
    cost: { ...DEFAULT_TRACKER_OPTIONS.cost, gate: settings.gate },
  };
  const { tracks, shotStarts } = trackPoseFrames(
    frames,
    frames.map((frame) => keys.sceneScoreOf.get(frame.frameIndex) ?? null),
    format,
    { tracker: trackerOptions, shotChanges: settings.shotChanges },
  );

  const fps = labelledFrameRate(video.fps, run.paramsJson);
  const inSourceFrames = defaultTubeOptions(format);
  inSourceFrames.cleaning = { ...inSourceFrames.cleaning, minTubeFrames: settings.minTubeFrames, maxTubeFrames: settings.maxTubeFrames };
  const tubeOptions = tubeOptionsInLabelledFrames(inSourceFrames, video.fps / fps);
  const namePrefix = tubeNamePrefix(db, video.id, labelRunId);
  const timeOf = new Map(frames.map((frame) => [frame.frameIndex, frame.timeSec]));
  const tubes: TubeToStore[] = tracks.flatMap((track) =>
    buildTubes(track, format, tubeOptions, (hit) => keys.detectionIdOf(hit.frameIndex, hit.personIndex)).map((tube, part) => ({
      ...tube,
      frames: tube.frames.map((frame) => ({ ...frame, timeSec: timeOf.get(frame.frameIndex)! })),
      name: `${namePrefix}/track${track.trackId}/part${part}`,
      tier: 'pseudo2d' as const,
      split: 'train' as const,
      fps,
    })),
  );
  const params = { ...settings, keypointFormat: format.name };
  const stored = replaceTrackRun(db, { labelRunId, videoId: video.id, params }, tubes);
  return {
    labelRunId,
    videoId: video.id,
    trackRunId: stored.trackRunId,
    frames: frames.length,
    detections: frames.reduce((sum, frame) => sum + frame.people.length, 0),
    tracks: tracks.length,
    shotStarts,
    sceneCutSignal: frames.some((frame) => keys.sceneScoreOf.get(frame.frameIndex) != null),
    tubes: tubes.map((tube, i) => ({
      id: stored.tubeIds[i]!,
      name: tube.name,
      trackId: tube.trackId,
      firstFrame: tube.frames[0]!.frameIndex,
      frameCount: tube.frames.length,
      kept: stored.keptTubeIds.includes(stored.tubeIds[i]!),
    })),
  };
}

/**
 * The rate of the frames a label run saw: the video's, or lower when it was labelled with --fps
 * (every step-th frame, see subsampleStep). A tube's consecutive frames are 1/rate apart, which is
 * what the ±5-frame dynamics and accelerations in mm/s² are measured in. Runs labelled before the
 * uniform grid kept frames unevenly apart at the requested rate on average.
 */
export function labelledFrameRate(videoFps: number, paramsJson: string): number {
  const params = JSON.parse(paramsJson) as { fps?: number | null; subsampling?: string | null };
  const requested = params.fps;
  if (typeof requested !== 'number' || !(requested > 0) || requested >= videoFps) return videoFps;
  return params.subsampling === 'uniform-step' ? videoFps / subsampleStep(videoFps, requested)! : requested;
}
