import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { UsageError } from '../errors.js';
import { renderVideoWith3dPanels } from '../render/render-with-3d.js';
import type { Db } from '../store/database.js';
import type { StoredTubeInfo } from '../store/tubes.js';
import { readTubeFrames } from '../store/tubes.js';
import type { VideoRecord } from '../store/videos.js';
import { keypointFormatFor } from '../body/keypoint-formats.js';
import { DEFAULT_POSE_REFINEMENT } from '../predict/pose-refinement-options.js';
import { predictTubes } from '../predict/run-predict.js';
import type { DemoContext } from './demo-context.js';

export interface DemoOverlayResult {
  frames: number;
  tubeName: string;
  tubeFrames: number;
}

/**
 * The clip with one tube's 2D skeleton and box drawn on it, and beside it that tube's predicted 3D
 * skeleton from the front and from the side (with `refinePose`, fitted to the tube's keypoints). Frames between labelled ones (labelling at a lower
 * fps) show the latest labelled frame's pose, up to one labelling interval.
 */
export async function renderDemoOverlay(
  db: Db,
  dbPath: string,
  checkpoint: string,
  video: VideoRecord,
  tube: StoredTubeInfo,
  outPath: string,
  options: { backend?: string; labelFps?: number; refinePose: boolean },
  ctx: DemoContext,
): Promise<DemoOverlayResult> {
  const refinePose = options.refinePose ? { refinePose: DEFAULT_POSE_REFINEMENT } : {};
  // Only the tube that is drawn: the pose fit costs seconds per tube.
  const run = await predictTubes({ db, dbPath, checkpoint, filter: { id: tube.id }, backend: options.backend, signal: ctx.signal, ...refinePose });
  const prediction = run.tubes.find((candidate) => candidate.tubeId === tube.id);
  if (!prediction) throw new UsageError(`tube ${tube.id} '${tube.name}' was not predicted (interrupted?)`);
  const frames = readTubeFrames(db, tube.id);
  const rowOf = new Map(frames.map((frame, row) => [frame.frameIndex, row]));
  const hold = options.labelFps !== undefined ? Math.max(1, Math.ceil(video.fps / options.labelFps)) : 1;
  const rowAt = (frameIndex: number): number | undefined => {
    for (let back = 0; back < hold; back++) {
      const row = rowOf.get(frameIndex - back);
      if (row !== undefined) return row;
    }
    return undefined;
  };
  const format = keypointFormatFor(tube.keypointFormat, frames[0]!.keypoints.length / 3);
  const jointSize = LSP_JOINT_COUNT * 3;
  const progress = ctx.progress('overlay', video.frameCount, 'frames');
  const written = await renderVideoWith3dPanels(video.path, outPath, {
    source: video,
    format,
    peopleAt: (frameIndex) => {
      const row = rowAt(frameIndex);
      if (row === undefined) return [];
      const frame = frames[row]!;
      return [{ keypoints: frame.keypoints, trackId: tube.trackId, box: frame.box }];
    },
    jointsAt: (frameIndex) => {
      const row = rowAt(frameIndex);
      return row === undefined ? undefined : prediction.joints3d.subarray(row * jointSize, (row + 1) * jointSize);
    },
    signal: ctx.signal,
    onFrame: () => progress.tick(),
  });
  progress.done();
  return { frames: written, tubeName: tube.name, tubeFrames: frames.length };
}
