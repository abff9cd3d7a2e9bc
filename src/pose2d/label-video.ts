/**
 * Labels one video: frame source → preprocess → network (batched) → decode → store, as three stages
 * joined by bounded queues so they overlap: while the network runs batch k (in a worker thread with
 * worker-session.ts), the main thread groups and stores batch k−1 and reads and preprocesses batch
 * k+1 from ffmpeg, which keeps decoding in its own process.
 *
 * Resumable: frames are committed in chunks, each in one transaction with the run's next_frame, so a
 * restart (even after kill -9) continues from next_frame with no duplicate or missing rows. On abort
 * (SIGINT) reading stops, everything already read is finished and committed, and the run stays
 * 'running' for the next invocation.
 */
import type { Progress } from '../util/progress.js';
import type { Db } from '../store/database.js';
import { commitDetectionChunk, failLabelRun, finishLabelRun, type DetectionFrame } from '../store/detections.js';
import { claimLabelRun, keepLeaseAlive, newLabelLease, releaseLabelLease, type LabelLease } from '../store/label-lease.js';
import type { VideoRecord } from '../store/videos.js';
import { BadVideoError, describeError } from '../errors.js';
import { readFrames, type DecodedFrame } from '../video/frame-source.js';
import { isFrameKept, subsampleStep } from '../video/frame-geometry.js';
import { BoundedQueue } from './bounded-queue.js';
import type { DecodeOptions } from './decode-options.js';
import { labelParams, type LabelParams } from './label-params.js';
import { geometryOfFrame } from './maps.js';
import { PeopleFinder, type BatchMaps, type NetworkBatch } from './people-finder.js';
import type { PoseSession } from './session.js';

export interface LabelVideoOptions {
  inputHeight: number;
  /** Subsample to this many frames per second (original frame indices are kept). */
  fps?: number;
  /** Frames per network call. */
  batchSize: number;
  /** Frames per transaction, the unit of resumption. */
  chunkFrames: number;
  /** Overrides of the model descriptor's decoding defaults. */
  decode?: Partial<DecodeOptions>;
  /** Flip averaging (flip.ts): a second, mirrored inference per frame. */
  flip?: boolean;
  /** Multi-scale averaging (multi-scale.ts): input scales, 1 among them; absent = [1]. */
  scales?: readonly number[];
  /** Batches waiting between two stages (memory bound: about 2 × this × batch tensors). */
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

type FrameInfo = Pick<DecodedFrame, 'index' | 'timeSec' | 'sceneScore' | 'contentWidth' | 'contentHeight' | 'scale'>;

interface InputBatchJob {
  frames: FrameInfo[];
  batch: NetworkBatch;
}

interface MapsJob {
  frames: FrameInfo[];
  maps: BatchMaps;
}

/** Frames the frame source will deliver from startFrame on, given the subsampling. */
export function keptFrameCount(frameCount: number, videoFps: number, targetFps: number | undefined, startFrame = 0): number {
  const step = subsampleStep(videoFps, targetFps);
  let count = 0;
  for (let index = startFrame; index < frameCount; index++) if (isFrameKept(index, startFrame, step)) count++;
  return count;
}

export async function labelVideo(db: Db, video: VideoRecord, session: PoseSession, options: LabelVideoOptions): Promise<LabelVideoResult> {
  const { descriptor } = session;
  // Built before the run starts: a descriptor without mirrored limbs cannot flip.
  const finder = new PeopleFinder(descriptor, options);
  const params = labelParams(descriptor, session.modelSha256, { ...options, decode: finder.decode, flip: finder.flip, scales: finder.scales });
  const lease = options.lease ?? newLabelLease();
  const claim = claimLabelRun(db, {
    videoId: video.id,
    source: 'onnx',
    modelName: descriptor.name,
    modelSha256: session.modelSha256,
    keypointFormat: descriptor.keypointFormat.name,
    params,
    framesTotal: keptFrameCount(video.frameCount, video.fps, options.fps),
  }, lease);
  const { run } = claim;
  if (!claim.claimed) return { runId: run.id, status: 'busy', framesLabelled: 0, params, error: `${video.path}: being labelled by another process (${claim.heldBy}); skipped` };
  if (run.status === 'done') return { runId: run.id, status: 'already-done', framesLabelled: 0, params, ...(run.partial ? { error: `${video.path}: ${run.error}` } : {}) };
  const stopHeartbeat = keepLeaseAlive(db, run.id, lease);

  const depth = options.queueDepth ?? 2;
  const batches = new BoundedQueue<InputBatchJob>(depth);
  const results = new BoundedQueue<MapsJob>(depth);
  const stopReading = new AbortController();
  const failAll = (error: unknown) => {
    batches.fail(error);
    results.fail(error);
    stopReading.abort();
  };
  options.progress?.setTotal(keptFrameCount(video.frameCount, video.fps, options.fps, run.nextFrame));

  let videoError: BadVideoError | undefined;
  let interrupted = false;
  const read = async () => {
    let job: InputBatchJob | undefined;
    try {
      const frames = readFrames(video.path, {
        height: options.inputHeight,
        padToMultiple: descriptor.stride,
        pixelFormat: finder.pixelFormat,
        fps: options.fps,
        startFrame: run.nextFrame,
        signal: stopReading.signal,
        source: { width: video.width, height: video.height, fps: video.fps, frameCount: video.frameCount, frameCountExact: video.frameCountExact, variableFps: video.variableFps },
      });
      for await (const frame of frames) {
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
        job ??= { frames: [], batch: finder.newBatch(frame, options.batchSize) };
        finder.add(job.batch, frame);
        const { index, timeSec, sceneScore, contentWidth, contentHeight, scale } = frame;
        job.frames.push({ index, timeSec, sceneScore, contentWidth, contentHeight, scale });
        if (job.frames.length === options.batchSize) {
          await batches.push(job);
          job = undefined;
        }
      }
    } catch (error) {
      // A damaged video: the frame source delivered every good frame first; label those, then finish partial.
      if (!(error instanceof BadVideoError)) throw error;
      videoError = error;
    }
    if (job) await batches.push({ ...job, batch: finder.filled(job.batch) });
    batches.close();
  };

  const infer = async () => {
    for await (const job of batches) {
      const maps = await finder.infer(session, job.batch);
      await results.push({ frames: job.frames, maps });
    }
    results.close();
  };

  let nextFrame = run.nextFrame;
  let framesLabelled = 0;
  const store = async () => {
    const original = { width: video.width, height: video.height };
    let pending: DetectionFrame[] = [];
    const commit = () => {
      if (pending.length === 0) return;
      const after = pending[pending.length - 1]!.frameIndex + 1;
      commitDetectionChunk(db, run.id, nextFrame, pending, after, lease);
      nextFrame = after;
      framesLabelled += pending.length;
      pending = [];
    };
    for await (const job of results) {
      job.frames.forEach((frame, i) => {
        const people = finder.peopleIn(finder.mapsOf(job.maps, i), geometryOfFrame(frame, original));
        pending.push({ frameIndex: frame.index, timeSec: frame.timeSec, sceneScore: frame.sceneScore, people });
      });
      options.progress?.tick(job.frames.length);
      if (pending.length >= options.chunkFrames) commit();
    }
    commit();
  };

  const stages = [read, infer, store].map((stage) =>
    stage().catch((error: unknown) => {
      failAll(error);
      throw error;
    }),
  );
  const outcomes = await Promise.allSettled(stages);
  stopHeartbeat();
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    // Committed chunks stay; the error is shown by `hmmr status` and the next run resumes.
    try {
      failLabelRun(db, run.id, describeError(failure.reason), lease);
    } catch {
      // The database itself may be what failed; the original error matters more.
    }
    throw failure.reason;
  }

  if (videoError) {
    // The damage is in the file: a rerun would stop at the same frame, so the run is done, flagged partial.
    finishLabelRun(db, run.id, videoError.reason);
    return { runId: run.id, status: 'partial', framesLabelled, params, error: videoError.message };
  }
  if (interrupted) {
    releaseLabelLease(db, run.id, lease);
    return { runId: run.id, status: 'interrupted', framesLabelled, params };
  }
  finishLabelRun(db, run.id);
  return { runId: run.id, status: 'done', framesLabelled, params };
}
