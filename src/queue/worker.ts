/**
 * `hmmr worker`: pulls chunk jobs from the queue and labels them with the same function a local
 * `hmmr label` uses (pose2d/label-video.ts labelFrames), returning the frames as a compact result
 * (chunk-result.ts). It writes nothing: the coordinator is the only writer of the store.
 *
 * Before labelling it checks that its model and settings give the job's params_key (a worker with
 * another model file or version would store different labels under the run's name: the job fails at
 * once, with the reason) and that the video file is the ingested one (video-check.ts). A worker that
 * dies mid-chunk stops renewing the job's lock; after lockDurationMs another worker's stalled-job
 * check puts the job back in the queue (BullMQ), and it is labelled again from its start.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { labelFrames, labelParamsFor, type LabelledFrame } from '../pose2d/label-video.js';
import type { PoseSession } from '../pose2d/session.js';
import { labelParamsKey } from '../store/detections.js';
import { benchStubFrames } from './bench-stub-inference.js';
import type { ChunkJobData } from './chunk-job.js';
import { encodeChunkResult, type ChunkResult } from './chunk-result.js';
import { LABEL_QUEUE, connectRedis } from './connection.js';
import type { RedisAddress } from './redis-address.js';
import { mapPath, type PathMapping } from './path-map.js';
import { VideoChecker } from './video-check.js';

export interface LabelWorkerOptions {
  address: RedisAddress;
  session: PoseSession;
  /** Chunks labelled at once (they share the session; each has its own ffmpeg and decoder). */
  concurrency: number;
  pathMap: readonly PathMapping[];
  /**
   * How long a job stays this worker's without a lock renewal; after it, a dead worker's job is
   * retried elsewhere. Also the period of the stalled-job check.
   */
  lockDurationMs: number;
  signal: AbortSignal;
  onChunk?(event: { job: string; frames: number; ms: number } | { job: string; error: string }): void;
  /** bench/queue.bench.ts only: skip decoding and the network (bench-stub-inference.ts). */
  benchStubInference?: boolean;
}

/** Times a job may be found stalled (its worker died) before it fails; each is a lost worker. */
const MAX_STALLED_COUNT = 3;

/** Runs until the signal aborts; then finishes the chunks in hand and returns their count. */
export async function runLabelWorker(options: LabelWorkerOptions): Promise<{ chunks: number; frames: number }> {
  const { session } = options;
  const checker = new VideoChecker();
  const totals = { chunks: 0, frames: 0 };

  const labelChunk = async (job: Job<ChunkJobData, ChunkResult>): Promise<ChunkResult> => {
    const data = job.data;
    const started = Date.now();
    const refusal = modelRefusal(session, data);
    if (refusal) throw new UnrecoverableError(refusal);
    const path = mapPath(data.video.path, options.pathMap);
    await checker.verify(path, data.videoSha256);
    let result: ChunkResult;
    if (options.benchStubInference) {
      result = encodeChunkResult(benchStubFrames(data, session.descriptor.keypointFormat.keypoints.length));
    } else {
      const frames: LabelledFrame[] = [];
      const outcome = await labelFrames({ ...data.video, path }, session, {
        ...data.settings,
        batchSize: data.batchSize,
        startFrame: data.startFrame,
        ...(data.endFrame === null ? {} : { endFrame: data.endFrame }),
      }, (batch) => {
        frames.push(...batch);
      });
      result = encodeChunkResult(frames, outcome.damage?.reason);
    }
    totals.chunks++;
    totals.frames += result.frames;
    options.onChunk?.({ job: job.id ?? '?', frames: result.frames, ms: Date.now() - started });
    return result;
  };

  const connection = await connectRedis(options.address);
  const worker = new Worker<ChunkJobData, ChunkResult>(LABEL_QUEUE, labelChunk, {
    connection,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
  });
  worker.on('failed', (job, error) => options.onChunk?.({ job: job?.id ?? '?', error: error.message }));
  // Connection trouble (Redis restarting) is retried by ioredis; say so instead of crashing.
  worker.on('error', (error) => options.onChunk?.({ job: '-', error: `queue: ${error.message}` }));
  const stopped = new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const running = worker.run();
  await stopped;
  await worker.close();
  await running;
  connection.disconnect();
  return totals;
}

/** Why this worker must not label the job (its model or settings differ), or undefined. */
export function modelRefusal(session: PoseSession, job: ChunkJobData): string | undefined {
  const params = labelParamsFor(session, job.settings);
  if (labelParamsKey(session.modelSha256, params) === job.paramsKey) return undefined;
  if (session.modelSha256 !== job.modelSha256) {
    return `${session.modelPath}: this worker's model (sha256 ${session.modelSha256.slice(0, 12)}…) is not the job's ${job.modelName} (sha256 ${job.modelSha256.slice(0, 12)}…); start the worker with the coordinator's model`;
  }
  return `${session.descriptor.path}: this worker's model descriptor or version differs from the coordinator's (same model file, other label parameters); update the worker`;
}
