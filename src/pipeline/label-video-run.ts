/**
 * Labels one video into the store: claims the video's label run (its lease keeps a second `hmmr label`
 * off it), labels from the run's next_frame with src/pose2d/label-video.ts, and commits the frames
 * in chunks, each in one transaction with the run's next_frame, so a restart (even after kill -9)
 * continues from next_frame with no duplicate or missing rows. On abort (SIGINT) reading stops,
 * everything already read is finished and committed, and the run stays 'running' for the next
 * invocation.
 */
import { describeError } from '../errors.js';
import { keptFrameCount, labelFrames, labelParamsFor, type LabelledFrame, type LabelModel, type LabelSettings } from '../pose2d/label-video.js';
import type { LabelParams } from '../pose2d/label-params.js';
import type { PoseSession } from '../pose2d/session.js';
import type { Db } from '../store/database.js';
import { commitDetectionChunk, failLabelRun, finishLabelRun, type LabelRun } from '../store/detections.js';
import { claimLabelRun, keepLeaseAlive, newLabelLease, releaseLabelLease, type LabelLease, type LabelRunClaim } from '../store/label-lease.js';
import type { VideoRecord } from '../store/videos.js';
import type { Progress } from '../util/progress.js';

export interface LabelVideoOptions extends LabelSettings {
  /** Frames per network call. */
  batchSize: number;
  /** Frames per transaction, the unit of resumption. */
  chunkFrames: number;
  /** Batches waiting between two pipeline stages. */
  queueDepth?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** This process's lease on the runs it labels (one per process; a fresh one when absent). */
  lease?: LabelLease;
}

export interface LabelVideoResult {
  /** The label run: the seam where tracking picks up the detections. */
  runId: number;
  /**
   * partial: the video's tail is damaged; the frames before it are labelled and the run is done.
   * busy: another process holds the run's lease (it is labelling this video now); nothing was done.
   */
  status: 'done' | 'partial' | 'already-done' | 'interrupted' | 'busy';
  /** Frames labelled by this call (not counting earlier, resumed-from work). */
  framesLabelled: number;
  params: LabelParams;
  /** Where decoding stopped (partial), or which process is labelling the video (busy). */
  error?: string;
}

/** Claims the run of `video` with these parameters for `lease` (shared with the queue coordinator). */
export function claimVideoRun(db: Db, video: VideoRecord, model: LabelModel, params: LabelParams, fps: number | undefined, lease: LabelLease): LabelRunClaim {
  return claimLabelRun(db, {
    videoId: video.id,
    source: 'onnx',
    modelName: model.descriptor.name,
    modelSha256: model.modelSha256,
    keypointFormat: model.descriptor.keypointFormat.name,
    params,
    framesTotal: keptFrameCount(video.frameCount, video.fps, fps),
  }, lease);
}

/** What a claim that is not ours to label says to the caller; undefined when the run is to be labelled. */
export function unlabellableClaim(video: VideoRecord, claim: LabelRunClaim, params: LabelParams): LabelVideoResult | undefined {
  const { run } = claim;
  if (!claim.claimed) return { runId: run.id, status: 'busy', framesLabelled: 0, params, error: `${video.path}: being labelled by another process (${claim.heldBy}); skipped` };
  if (run.status === 'done') return { runId: run.id, status: 'already-done', framesLabelled: 0, params, ...(run.partial ? { error: `${video.path}: ${run.error}` } : {}) };
  return undefined;
}

export async function labelVideo(db: Db, video: VideoRecord, session: PoseSession, options: LabelVideoOptions): Promise<LabelVideoResult> {
  const params = labelParamsFor(session, options);
  const lease = options.lease ?? newLabelLease();
  const claim = claimVideoRun(db, video, session, params, options.fps, lease);
  const skipped = unlabellableClaim(video, claim, params);
  if (skipped) return skipped;
  const run: LabelRun = claim.run;
  const stopHeartbeat = keepLeaseAlive(db, run.id, lease);
  options.progress?.setTotal(keptFrameCount(video.frameCount, video.fps, options.fps, run.nextFrame));

  let nextFrame = run.nextFrame;
  let framesLabelled = 0;
  let pending: LabelledFrame[] = [];
  const commit = () => {
    if (pending.length === 0) return;
    const after = pending[pending.length - 1]!.frameIndex + 1;
    commitDetectionChunk(db, run.id, nextFrame, pending, after, lease);
    nextFrame = after;
    framesLabelled += pending.length;
    pending = [];
  };

  let outcome;
  try {
    outcome = await labelFrames(video, session, { ...options, startFrame: run.nextFrame }, (frames) => {
      pending.push(...frames);
      if (pending.length >= options.chunkFrames) commit();
    });
    commit();
  } catch (error) {
    // Committed chunks stay; the error is shown by `hmmr status` and the next run resumes.
    try {
      failLabelRun(db, run.id, describeError(error), lease);
    } catch {
      // The database itself may be what failed; the original error matters more.
    }
    throw error;
  } finally {
    stopHeartbeat();
  }

  if (outcome.damage) {
    // The damage is in the file: a rerun would stop at the same frame, so the run is done, flagged partial.
    finishLabelRun(db, run.id, outcome.damage.reason);
    return { runId: run.id, status: 'partial', framesLabelled, params, error: outcome.damage.message };
  }
  if (outcome.status === 'interrupted') {
    releaseLabelLease(db, run.id, lease);
    return { runId: run.id, status: 'interrupted', framesLabelled, params };
  }
  finishLabelRun(db, run.id);
  return { runId: run.id, status: 'done', framesLabelled, params };
}
