/**
 * The exchange documents `hmmr export --format coco|posetrack|json` writes for one video, built from
 * its newest finished label run and that run's current track run (docs/formats.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Db } from '../store/database.js';
import { readDetectionKeys } from '../store/detection-keys.js';
import { listLabelRuns, readDetections } from '../store/detections.js';
import { findTrackRun, loadTubes } from '../store/tubes.js';
import type { VideoRecord } from '../store/videos.js';
import { cocoKeypointsDocument } from './formats/coco.js';
import type { ExportPose, ExportVideo } from './formats/export-types.js';
import { poseTrackDocument } from './formats/posetrack.js';
import { tubeJsonDocument } from './formats/tube-json.js';
import { keypointFormatFor } from '../body/keypoint-formats.js';
import { DEFAULT_TUBE_BOX_OPTIONS, TRAINING_CROP_SIZE_PX } from './tube.js';

export const TRACKED_EXPORT_FORMATS = ['coco', 'posetrack', 'json'] as const;
export type TrackedExportFormat = (typeof TRACKED_EXPORT_FORMATS)[number];

export interface TrackedExportResult {
  videos: { videoId: number; path: string; file: string | null; skipped?: string }[];
  files: number;
}

/**
 * One file per video, `<video name>.<format>.json` in outDir (videos sharing a name get `_v<id>`).
 * A video without the data its format needs is skipped with the reason.
 */
export function writeTrackedExports(db: Db, videos: readonly VideoRecord[], outDir: string, format: TrackedExportFormat): TrackedExportResult {
  mkdirSync(outDir, { recursive: true });
  const names = videos.map((video) => basename(video.path, extname(video.path)));
  const result: TrackedExportResult = { videos: [], files: 0 };
  videos.forEach((video, i) => {
    const name = names.filter((other) => other === names[i]).length > 1 ? `${names[i]}_v${video.id}` : names[i]!;
    const built = buildTrackedExport(db, video, format);
    if ('skipped' in built) {
      result.videos.push({ videoId: video.id, path: video.path, file: null, skipped: built.skipped });
      return;
    }
    const file = join(outDir, `${name}.${format === 'json' ? 'tubes' : format}.json`);
    writeFileSync(file, JSON.stringify(built.document));
    result.videos.push({ videoId: video.id, path: video.path, file });
    result.files++;
  });
  return result;
}

export function buildTrackedExport(db: Db, video: VideoRecord, format: TrackedExportFormat): { document: object } | { skipped: string } {
  const run = listLabelRuns(db, { videoId: video.id, status: 'done' })[0];
  if (!run) return { skipped: 'not labelled yet (run hmmr label)' };
  const detections = readDetections(db, run.id);
  const trackRun = findTrackRun(db, run.id);
  const tubes = trackRun ? loadTubes(db, { trackRunId: trackRun.id, withoutRejected: true }) : [];
  const keypointValues = detections.find((frame) => frame.people.length > 0)?.people[0]?.keypoints.length ?? 0;
  const keypointFormat = keypointFormatFor(run.keypointFormat, keypointValues / 3);
  const exportVideo: ExportVideo = {
    name: basename(video.path, extname(video.path)),
    width: video.width,
    height: video.height,
    frameCount: video.frameCount,
    fps: video.fps,
  };
  const frameIndices = detections.map((frame) => frame.frameIndex);

  if (!trackRun && format !== 'coco') return { skipped: 'not tracked yet (run hmmr track)' };
  if (format === 'json') {
    const crop = { cropSizePx: TRAINING_CROP_SIZE_PX, targetDiagonalPx: DEFAULT_TUBE_BOX_OPTIONS.targetDiagonalPx };
    return { document: tubeJsonDocument(exportVideo, keypointFormat, crop, tubes) };
  }
  const keys = readDetectionKeys(db, run.id);
  const trackOfDetection = new Map<number, number>();
  for (const tube of tubes) for (const frame of tube.frames) if (frame.detectionId !== undefined) trackOfDetection.set(frame.detectionId, tube.trackId);
  const poses: ExportPose[] = detections.flatMap((frame) =>
    frame.people.map((person, personIndex) => {
      const id = keys.detectionIdOf(frame.frameIndex, personIndex);
      const trackId = id === undefined ? undefined : trackOfDetection.get(id);
      return { frameIndex: frame.frameIndex, keypoints: person.keypoints, score: person.score, ...(trackId !== undefined ? { trackId } : {}) };
    }),
  );
  if (format === 'posetrack') {
    // PoseTrack holds tracked people only: the detections that made it into a tube.
    const tracked = poses.filter((pose): pose is ExportPose & { trackId: number } => pose.trackId !== undefined);
    return { document: poseTrackDocument(exportVideo, keypointFormat, frameIndices, tracked) };
  }
  return { document: cocoKeypointsDocument(exportVideo, keypointFormat, frameIndices, poses) };
}
