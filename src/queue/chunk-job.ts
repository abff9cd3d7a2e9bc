/**
 * A chunk job: one video's frame range with everything a worker needs to label it exactly as a
 * local `hmmr label` would (the label settings, the batch size, the model it must have), and how the
 * coordinator cuts a video into chunks.
 *
 * Chunks hold `chunkFrames` kept frames each and end just after their last kept frame, the same
 * boundaries a local run commits at: the coordinator commits a chunk by advancing the run's
 * next_frame from its start to its end, and a restarted coordinator, planning again from next_frame,
 * finds the same chunks (and so the same job ids) the first one enqueued.
 */
import type { LabelSettings, VideoToLabel } from '../pose2d/label-video.js';
import { isFrameKept, subsampleStep } from '../video/frame-geometry.js';

export interface ChunkJobData {
  /** The store's video id and content hash (the worker checks the file it reads against it). */
  videoId: number;
  videoSha256: string;
  video: VideoToLabel;
  /** Label frames [startFrame, endFrame); endFrame null = to the end of the video. */
  startFrame: number;
  endFrame: number | null;
  /** Kept frames in the range (for progress and the bench's stub). */
  frames: number;
  settings: LabelSettings;
  batchSize: number;
  /** The label run's params_key: the worker recomputes it from its own model and refuses a mismatch. */
  paramsKey: string;
  modelName: string;
  modelSha256: string;
}

export interface ChunkRange {
  startFrame: number;
  endFrame: number | null;
  frames: number;
}

/**
 * The chunks of [fromFrame, end of video): `chunkFrames` kept frames each. The last chunk is open
 * (endFrame null) so a video whose frame count is an estimate is still read to its real end.
 */
export function planChunks(video: Pick<VideoToLabel, 'fps' | 'frameCount'>, fps: number | undefined, chunkFrames: number, fromFrame: number): ChunkRange[] {
  const step = subsampleStep(video.fps, fps);
  const chunks: ChunkRange[] = [];
  let start = fromFrame;
  let frames = 0;
  for (let index = fromFrame; index < video.frameCount; index++) {
    if (!isFrameKept(index, fromFrame, step)) continue;
    frames++;
    if (frames === chunkFrames) {
      chunks.push({ startFrame: start, endFrame: index + 1, frames });
      start = index + 1;
      frames = 0;
    }
  }
  if (frames > 0 || chunks.length === 0) chunks.push({ startFrame: start, endFrame: null, frames });
  else chunks[chunks.length - 1]!.endFrame = null;
  return chunks;
}

/**
 * The job id: the same chunk of the same run always gets the same id, so enqueuing it again (a
 * restarted coordinator, a Redis that lost its data) adds nothing while the job exists.
 */
export function chunkJobId(paramsKey: string, videoId: number, chunk: Pick<ChunkRange, 'startFrame' | 'endFrame'>): string {
  return `${paramsKey.slice(0, 16)}-v${videoId}-f${chunk.startFrame}-${chunk.endFrame ?? 'end'}`;
}
