/**
 * `hmmr export --format openpose`: each video's newest finished label run from the store, written as
 * OpenPose per-frame JSON by pose2d/export-openpose.ts.
 */
import { basename, extname } from 'node:path';
import { writeOpenPoseFrames } from '../pose2d/export-openpose.js';
import type { Db } from '../store/database.js';
import { listLabelRuns, readDetections } from '../store/detections.js';
import type { VideoRecord } from '../store/videos.js';

export interface OpenPoseExportResult {
  videos: { videoId: number; path: string; labelRunId: number | null; name: string; files: number }[];
  files: number;
}

/**
 * Exports each video's newest finished label run. Files of all videos go into one folder, named by
 * video file name; videos sharing a name get their id appended (`clip_v7`) so nothing is overwritten.
 * Videos without a finished label run are listed with labelRunId null and no files.
 */
export function exportOpenPose(db: Db, videos: readonly VideoRecord[], outDir: string): OpenPoseExportResult {
  const names = videos.map((video) => basename(video.path, extname(video.path)));
  const result: OpenPoseExportResult = { videos: [], files: 0 };
  videos.forEach((video, i) => {
    const shared = names.filter((name) => name === names[i]).length > 1;
    const name = shared ? `${names[i]}_v${video.id}` : names[i]!;
    const run = listLabelRuns(db, { videoId: video.id, status: 'done' })[0];
    const files = run ? writeOpenPoseFrames(readDetections(db, run.id), name, outDir) : 0;
    result.videos.push({ videoId: video.id, path: video.path, labelRunId: run?.id ?? null, name, files });
    result.files += files;
  });
  return result;
}
