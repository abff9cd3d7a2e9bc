/**
 * Labels a range of a video's frames: frame source → preprocess → network (batched) → decode, as
 * three stages joined by bounded queues so they overlap: while the network runs batch k (in a worker
 * thread with worker-session.ts), the main thread decodes batch k−1 and reads and preprocesses batch
 * k+1 from ffmpeg, which keeps decoding in its own process.
 *
 * Storage is not this file's business: each decoded batch goes to the caller's `onFrames`, which
 * stores it (src/pipeline/label-video-run.ts, the local `hmmr label`) or sends it back to a
 * coordinator (src/queue/worker.ts). Both call this one function, so local and distributed
 * labelling share one code path and give the same people frame for frame.
 */
import type { Person2D } from '../domain.js';
import { BadVideoError } from '../errors.js';
import type { Progress } from '../util/progress.js';
import { readFrames, type DecodedFrame, type SourceInfo } from '../video/frame-source.js';
import { isFrameKept, subsampleStep } from '../video/frame-geometry.js';
import { BoundedQueue } from './bounded-queue.js';
import type { DecodeOptions } from './decode-options.js';
import { labelParams, type LabelParams } from './label-params.js';
import { geometryOfFrame } from './maps.js';
import { PeopleFinder, type BatchMaps, type NetworkBatch } from './people-finder.js';
import type { PoseSession } from './session.js';

/** Everything that changes the detections (recorded in the label run's params). */
export interface LabelSettings {
  inputHeight: number;
  /** Subsample to this many frames per second (original frame indices are kept). */
  fps?: number;
  /** Overrides of the model descriptor's decoding defaults. */
  decode?: Partial<DecodeOptions>;
  /** Flip averaging (flip.ts): a second, mirrored inference per frame. */
  flip?: boolean;
  /** Multi-scale averaging (multi-scale.ts): input scales, 1 among them; absent = [1]. */
  scales?: readonly number[];
}

export interface LabelFramesOptions extends LabelSettings {
  /** Frames per network call. */
  batchSize: number;
  /** First frame index to label (a resumed run's next_frame, or a chunk's start). */
  startFrame?: number;
  /** Stop before this frame index (a chunk's end); the end of the video when absent. */
  endFrame?: number;
  /**
   * Batches waiting between two stages (memory bound: about 2 × this × batch tensors); default 2, or
   * the session's parallelRuns when more, so that every session of a pool has a batch.
   */
  queueDepth?: number;
  /** Stops reading; everything already read is finished and handed to onFrames. */
  signal?: AbortSignal;
  progress?: Progress;
}

/** The video as the frame source needs it: where it is and what ffprobe said about it. */
export interface VideoToLabel extends SourceInfo {
  path: string;
}

/** One labelled frame, with everybody found in it (possibly nobody). */
export interface LabelledFrame {
  frameIndex: number;
  timeSec: number;
  sceneScore: number | null;
  people: Person2D[];
}

export interface LabelFramesOutcome {
  /**
   * complete: every frame of the range was labelled. damaged: the video could not be decoded past
   * `damage` (the frames before it were labelled). interrupted: the signal stopped reading.
   */
  status: 'complete' | 'damaged' | 'interrupted';
  damage?: BadVideoError;
}

type FrameInfo = Pick<DecodedFrame, 'index' | 'timeSec' | 'sceneScore' | 'contentWidth' | 'contentHeight' | 'scale'>;

interface InputBatchJob {
  frames: FrameInfo[];
  batch: NetworkBatch;
}

interface MapsJob {
  frames: FrameInfo[];
  /** The network call, already issued: it resolves while earlier jobs are decoded. */
  maps: Promise<BatchMaps>;
}

/** Frames the frame source will deliver in [startFrame, endFrame), given the subsampling. */
export function keptFrameCount(frameCount: number, videoFps: number, targetFps: number | undefined, startFrame = 0, endFrame = frameCount): number {
  const step = subsampleStep(videoFps, targetFps);
  let count = 0;
  for (let index = startFrame; index < Math.min(endFrame, frameCount); index++) if (isFrameKept(index, startFrame, step)) count++;
  return count;
}

/** A model as a label run records it: its descriptor and the ONNX file's sha256. */
export type LabelModel = Pick<PoseSession, 'descriptor' | 'modelSha256'>;

/** The label run parameters these settings give with this model (checks flip is possible). */
export function labelParamsFor(model: LabelModel, settings: LabelSettings): LabelParams {
  const finder = new PeopleFinder(model.descriptor, settings);
  return labelParams(model.descriptor, model.modelSha256, { ...settings, decode: finder.decode, flip: finder.flip, scales: finder.scales });
}

/**
 * Labels frames [startFrame, endFrame) of `video`, handing each decoded batch, in frame order, to
 * `onFrames` (awaited: a slow consumer holds the pipeline back). Throws what a stage throws (the
 * network, the consumer); a damaged video is not thrown but reported in the outcome.
 */
export async function labelFrames(
  video: VideoToLabel,
  session: PoseSession,
  options: LabelFramesOptions,
  onFrames: (frames: LabelledFrame[]) => void | Promise<void>,
): Promise<LabelFramesOutcome> {
  const { descriptor } = session;
  // Built before reading starts: a descriptor without mirrored limbs cannot flip.
  const finder = new PeopleFinder(descriptor, options);
  const startFrame = options.startFrame ?? 0;
  const endFrame = options.endFrame ?? Number.POSITIVE_INFINITY;

  const depth = options.queueDepth ?? Math.max(2, session.parallelRuns ?? 1);
  const batches = new BoundedQueue<InputBatchJob>(depth);
  const results = new BoundedQueue<MapsJob>(depth);
  const stopReading = new AbortController();
  const failAll = (error: unknown) => {
    batches.fail(error);
    results.fail(error);
    stopReading.abort();
  };

  let damage: BadVideoError | undefined;
  let interrupted = false;
  const read = async () => {
    let job: InputBatchJob | undefined;
    try {
      const frames = readFrames(video.path, {
        height: options.inputHeight,
        padToMultiple: descriptor.stride,
        pixelFormat: finder.pixelFormat,
        fps: options.fps,
        startFrame,
        signal: stopReading.signal,
        // add() below copies each frame into the batch tensor before the next one is read.
        reuseBuffers: true,
        source: { width: video.width, height: video.height, fps: video.fps, frameCount: video.frameCount, frameCountExact: video.frameCountExact, variableFps: video.variableFps },
      });
      for await (const frame of frames) {
        if (frame.index >= endFrame) break;
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
        job ??= { frames: [], batch: finder.newBatch(frame, options.batchSize, session) };
        finder.add(job.batch, frame);
        const { index, timeSec, sceneScore, contentWidth, contentHeight, scale } = frame;
        job.frames.push({ index, timeSec, sceneScore, contentWidth, contentHeight, scale });
        if (job.frames.length === options.batchSize) {
          await batches.push(job);
          job = undefined;
        }
      }
    } catch (error) {
      // A damaged video: the frame source delivered every good frame first; label those.
      if (!(error instanceof BadVideoError)) throw error;
      damage = error;
    }
    if (job) await batches.push({ ...job, batch: finder.filled(job.batch) });
    batches.close();
  };

  // Network calls are issued as soon as a batch is ready, without waiting for the previous one's
  // maps: the worker session queues them, so the network goes from one batch straight to the next
  // instead of idling until the main thread (busy reading, grouping, storing) hands it more.
  const infer = async () => {
    for await (const job of batches) {
      const maps = finder.infer(session, job.batch);
      // Awaited in order by decodeAll; this only keeps a failure queued behind it from counting as unhandled.
      maps.catch(() => undefined);
      await results.push({ frames: job.frames, maps });
    }
    results.close();
  };

  const decodeAll = async () => {
    const original = { width: video.width, height: video.height };
    for await (const job of results) {
      const maps = await job.maps;
      const labelled = job.frames.map((frame, i): LabelledFrame => {
        const people = finder.peopleIn(finder.mapsOf(maps, i), geometryOfFrame(frame, original));
        return { frameIndex: frame.index, timeSec: frame.timeSec, sceneScore: frame.sceneScore, people };
      });
      await onFrames(labelled);
      options.progress?.tick(job.frames.length);
    }
  };

  const stages = [read, infer, decodeAll].map((stage) =>
    stage().catch((error: unknown) => {
      failAll(error);
      throw error;
    }),
  );
  const outcomes = await Promise.allSettled(stages);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  if (damage) return { status: 'damaged', damage };
  return { status: interrupted ? 'interrupted' : 'complete' };
}
