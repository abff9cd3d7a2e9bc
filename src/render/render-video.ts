/**
 * `hmmr render`: a video with what hmmr knows about it drawn on top: every detection of its newest
 * finished label run, and for tracked people their smoothed tube box and track id (also across filled
 * gaps, where only the box is drawn); optionally a prediction run's 3D skeletons projected into it.
 */
import { UsageError } from '../errors.js';
import type { Db } from '../store/database.js';
import { readDetectionKeys } from '../store/detection-keys.js';
import { listLabelRuns, readDetections } from '../store/detections.js';
import { findPredictionRun, readTubePredictions } from '../store/predictions.js';
import { findTrackRun, loadTubes, type StoredTube } from '../store/tubes.js';
import type { VideoRecord } from '../store/videos.js';
import { keypointFormatFor } from '../body/keypoint-formats.js';
import type { OverlayPerson } from './pose-overlay.js';
import { predictedSkeletons } from './predicted-skeleton.js';
import { renderOverlayVideo } from './render-overlay.js';

export interface RenderVideoResult {
  labelRunId: number;
  frames: number;
  tubes: number;
  /** With a prediction run: how many of its tubes were drawn. */
  predictedTubes?: number;
}

export async function renderVideo(
  db: Db,
  video: VideoRecord,
  outPath: string,
  options: { height?: number; /** Also draw this prediction run's skeletons ('latest': the newest run). */ predictionRun?: number | 'latest'; signal?: AbortSignal; onFrame?(): void } = {},
): Promise<RenderVideoResult> {
  const run = listLabelRuns(db, { videoId: video.id, status: 'done' })[0];
  if (!run) throw new UsageError(`video ${video.id} (${video.path}) has no finished label run to draw; run hmmr label first`);
  const detections = readDetections(db, run.id);
  const keys = readDetectionKeys(db, run.id);
  const trackRun = findTrackRun(db, run.id);
  const tubes = trackRun ? loadTubes(db, { trackRunId: trackRun.id }) : [];

  const people = new Map<number, OverlayPerson[]>();
  const add = (frameIndex: number, person: OverlayPerson) => {
    const list = people.get(frameIndex) ?? [];
    list.push(person);
    people.set(frameIndex, list);
  };
  const tracked = new Map<number, { trackId: number; box: OverlayPerson['box'] }>();
  for (const tube of tubes) {
    for (const frame of tube.frames) {
      if (frame.detectionId !== undefined) tracked.set(frame.detectionId, { trackId: tube.trackId, box: frame.box });
      else add(frame.frameIndex, { keypoints: frame.keypoints, trackId: tube.trackId, box: frame.box });
    }
  }
  for (const frame of detections) {
    frame.people.forEach((person, personIndex) => {
      const id = keys.detectionIdOf(frame.frameIndex, personIndex);
      const track = id === undefined ? undefined : tracked.get(id);
      add(frame.frameIndex, track ? { keypoints: person.keypoints, trackId: track.trackId, ...(track.box ? { box: track.box } : {}) } : { keypoints: person.keypoints });
    });
  }

  const predicted = options.predictionRun === undefined ? undefined : predictedSkeletonsOf(db, video, options.predictionRun, tubes);

  const keypointCount = detections.find((frame) => frame.people.length > 0)?.people[0]?.keypoints.length ?? 0;
  const frames = await renderOverlayVideo(video.path, outPath, {
    source: video,
    format: keypointFormatFor(run.keypointFormat, keypointCount / 3),
    peopleAt: (frameIndex) => people.get(frameIndex) ?? [],
    ...(predicted ? { predictedAt: (frameIndex: number) => predicted.byFrame.get(frameIndex) ?? [] } : {}),
    ...(options.height !== undefined ? { height: options.height } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onFrame ? { onFrame: options.onFrame } : {}),
  });
  return { labelRunId: run.id, frames, tubes: tubes.length, ...(predicted ? { predictedTubes: predicted.tubes } : {}) };
}

/** The prediction run's skeletons for this video's current tubes, by frame. */
function predictedSkeletonsOf(db: Db, video: VideoRecord, runId: number | 'latest', tubes: readonly StoredTube[]): { byFrame: Map<number, OverlayPerson[]>; tubes: number } {
  const run = findPredictionRun(db, runId === 'latest' ? undefined : runId);
  if (!run) throw new UsageError(runId === 'latest' ? 'no prediction runs to draw; run hmmr predict first' : `no prediction run ${runId}`);
  const crops = new Map(tubes.map((tube) => [tube.id, new Map(tube.frames.map((frame) => [frame.frameIndex, frame.crop]))]));
  const predictions = readTubePredictions(db, run.id).filter((tube) => tube.videoId === video.id && crops.has(tube.tubeId));
  return { byFrame: predictedSkeletons(predictions, (tubeId) => crops.get(tubeId)!), tubes: predictions.length };
}
