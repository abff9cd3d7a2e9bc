import { basename } from 'node:path';
import type { DecodeOptions } from '../pose2d/decode-options.js';
import { labelVideo, type LabelVideoResult } from './label-video-run.js';
import { resolveModelFiles, type PoseQuality } from '../pose2d/model-files.js';
import type { InferenceDevice } from '../pose2d/session.js';
import { inferenceLayout, openPoseWorkers, type InferenceLayout } from '../pose2d/session-pool.js';
import type { Db } from '../store/database.js';
import { newLabelLease, type LabelLease } from '../store/label-lease.js';
import type { VideoRecord } from '../store/videos.js';
import { trackAfterLabelling, type TrackVideoResult } from '../tracker/track-video.js';
import type { Progress } from '../util/progress.js';

export interface LabelAndTrackOptions {
  /** The ONNX model and its descriptor, or a shipped model by quality; the default shipped one when absent. */
  model?: string;
  descriptor?: string;
  quality?: PoseQuality;
  /** Flip averaging: a mirrored second inference per frame. */
  flip?: boolean;
  /** Multi-scale averaging's input scales (1 among them); absent = one pass at the input height. */
  scales?: readonly number[];
  device: InferenceDevice;
  /** Sessions and threads on the CPU; the descriptor's default (inferenceLayout) when absent. */
  layout?: InferenceLayout;
  /** Network input height; the descriptor's default when absent. */
  inputHeight?: number;
  fps?: number;
  batchSize: number;
  chunkFrames: number;
  /** Overrides of the model descriptor's decoding defaults. */
  decode?: Partial<DecodeOptions>;
  signal?: AbortSignal;
  /** A progress display per video. */
  progressFor(video: VideoRecord): Progress;
  /** This process's lease on the runs it labels; a fresh one when absent (tests shorten its lifetime). */
  lease?: LabelLease;
  /** Called after each video (for per-video messages). */
  onVideo?(result: LabelledVideo): void;
}

export interface LabelledVideo extends Omit<LabelVideoResult, 'status'> {
  /** failed: (distributed labelling, src/queue) a chunk failed on every attempt; `error` says why. */
  status: LabelVideoResult['status'] | 'failed';
  video: VideoRecord;
  /** Present when this call tracked the run (a fresh run, or a finished one never tracked). */
  tracking?: TrackVideoResult;
}

/**
 * The `hmmr label` stage: one pose network (one or more sessions, session-pool.ts; opened and checked against its descriptor before any
 * video is touched), then per video detection (resumable) followed by tracking into tubes.
 * Stops between videos when the signal aborts.
 */
export async function labelAndTrackVideos(
  db: Db,
  videos: readonly VideoRecord[],
  options: LabelAndTrackOptions,
): Promise<{ modelPath: string; results: LabelledVideo[] }> {
  const { descriptor, modelPath } = resolveModelFiles(options);
  const layout = options.layout ?? inferenceLayout(descriptor, options.device);
  const session = await openPoseWorkers(descriptor, modelPath, layout, { device: options.device });
  const results: LabelledVideo[] = [];
  // One owner for every video of this invocation: another `hmmr label` on the same database skips
  // the video this one is labelling instead of labelling it twice.
  const lease = options.lease ?? newLabelLease();
  try {
    for (const video of videos) {
      if (options.signal?.aborted) break;
      const progress = options.progressFor(video);
      const labelled = await labelVideo(db, video, session, {
        inputHeight: options.inputHeight ?? descriptor.input.defaultHeight,
        fps: options.fps,
        batchSize: options.batchSize,
        chunkFrames: options.chunkFrames,
        decode: options.decode,
        flip: options.flip,
        scales: options.scales,
        signal: options.signal,
        progress,
        lease,
      });
      if (labelled.status !== 'already-done' && labelled.status !== 'busy') progress.done();
      const tracking = trackAfterLabelling(db, labelled.runId, labelled.status);
      const result: LabelledVideo = { ...labelled, video, ...(tracking ? { tracking } : {}) };
      results.push(result);
      options.onVideo?.(result);
    }
  } finally {
    await session.close();
  }
  return { modelPath, results };
}

/** A progress label naming the video. */
export function labelProgressLabel(video: VideoRecord): string {
  return `label ${basename(video.path)}`;
}
