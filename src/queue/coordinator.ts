/**
 * `hmmr label --queue`: the coordinator. It claims each selected video's label run (the same run,
 * lease and params_key a local `hmmr label` uses), cuts what is left of it into chunk jobs
 * (chunk-job.ts) and enqueues them, then stays as the only writer of the store: it commits each
 * finished chunk in one transaction (store/detections.ts commitDetectionChunk, which also renews the
 * lease), in frame order, tracks a video once its last chunk is in, and shows progress over all
 * videos.
 *
 * Redis is the buffer: a chunk finished out of order waits there as a completed job until the chunks
 * before it are committed; a committed chunk's job is removed. Idempotent and restartable: the run's
 * next_frame says which chunks are stored, a chunk whose job is gone is enqueued again (a Redis that
 * restarted empty), and job ids are fixed by the chunk, so enqueuing again never duplicates and a
 * chunk committed twice is stored once (next_frame has moved past it).
 */
import { Queue, type Job } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256File } from '../ingest/hash.js';
import type { LabelledVideo } from '../pipeline/label-and-track.js';
import { claimVideoRun, unlabellableClaim } from '../pipeline/label-video-run.js';
import type { PoseModelDescriptor } from '../pose2d/descriptor.js';
import { labelParamsFor, type LabelModel, type LabelSettings } from '../pose2d/label-video.js';
import type { Db } from '../store/database.js';
import { commitDetectionChunk, failLabelRun, finishLabelRun, labelParamsKey } from '../store/detections.js';
import { keepLeaseAlive, newLabelLease, releaseLabelLease } from '../store/label-lease.js';
import type { VideoRecord } from '../store/videos.js';
import { trackAfterLabelling } from '../tracker/track-video.js';
import type { Progress } from '../util/progress.js';
import { chunkJobId, planChunks, type ChunkJobData, type ChunkRange } from './chunk-job.js';
import { decodeChunkResult, type ChunkResult } from './chunk-result.js';
import { LABEL_QUEUE, connectRedis } from './connection.js';
import type { RedisAddress } from './redis-address.js';

export interface CoordinatorOptions {
  address: RedisAddress;
  descriptor: PoseModelDescriptor;
  modelPath: string;
  settings: LabelSettings;
  batchSize: number;
  /** Kept frames per chunk job: the unit of work, of retry, and of commit. */
  chunkFrames: number;
  /** Attempts per chunk before it, and its video, fail (a poisoned job). */
  attempts: number;
  signal: AbortSignal;
  progress?: Progress;
  onVideo?(result: LabelledVideo): void;
}

/** How often the coordinator looks for finished chunks. */
const POLL_MS = 200;
const RETRY_DELAY_MS = 1000;
/** The progress line's cluster summary (workers, queued chunks) is refreshed every this many polls. */
const DETAIL_EVERY_POLLS = 10;

interface VideoInFlight {
  video: VideoRecord;
  runId: number;
  /** The run's next_frame as this coordinator committed it. */
  nextFrame: number;
  /** The chunks not yet committed, in frame order. */
  chunks: ChunkRange[];
  framesLabelled: number;
  stopHeartbeat: () => void;
}

export async function runCoordinator(db: Db, videos: readonly VideoRecord[], options: CoordinatorOptions): Promise<LabelledVideo[]> {
  const model: LabelModel = { descriptor: options.descriptor, modelSha256: await sha256File(options.modelPath) };
  const params = labelParamsFor(model, options.settings);
  const paramsKey = labelParamsKey(model.modelSha256, params);
  const lease = newLabelLease();
  const results: LabelledVideo[] = [];
  const inFlight: VideoInFlight[] = [];
  const report = (result: LabelledVideo) => {
    results.push(result);
    options.onVideo?.(result);
  };

  const connection = await connectRedis(options.address);
  const queue = new Queue<ChunkJobData, ChunkResult>(LABEL_QUEUE, {
    connection,
    defaultJobOptions: { attempts: options.attempts, backoff: { type: 'fixed', delay: RETRY_DELAY_MS }, removeOnComplete: false, removeOnFail: false },
  });
  const jobOf = (video: VideoInFlight, chunk: ChunkRange) => ({
    name: 'label-chunk',
    data: {
      videoId: video.video.id,
      videoSha256: video.video.sha256,
      video: pickSource(video.video),
      startFrame: chunk.startFrame,
      endFrame: chunk.endFrame,
      frames: chunk.frames,
      settings: options.settings,
      batchSize: options.batchSize,
      paramsKey,
      modelName: model.descriptor.name,
      modelSha256: model.modelSha256,
    } satisfies ChunkJobData,
    opts: { jobId: chunkJobId(paramsKey, video.video.id, chunk) },
  });
  const enqueue = async (video: VideoInFlight) => {
    await queue.addBulk(video.chunks.map((chunk) => jobOf(video, chunk)));
  };
  const removeJobs = async (video: VideoInFlight, chunks: readonly ChunkRange[]) => {
    for (const chunk of chunks) {
      // A job a worker holds now cannot be removed; it finishes and stays, unused, in Redis.
      await (await queue.getJob(chunkJobId(paramsKey, video.video.id, chunk)))?.remove().catch(() => undefined);
    }
  };
  const finish = (video: VideoInFlight, result: LabelledVideo) => {
    video.stopHeartbeat();
    inFlight.splice(inFlight.indexOf(video), 1);
    report(result);
  };

  /** Commits the video's chunks that are ready, in order; finishes or fails the video when it can. */
  const collect = async (video: VideoInFlight) => {
    while (video.chunks.length > 0) {
      const chunk = video.chunks[0]!;
      const id = chunkJobId(paramsKey, video.video.id, chunk);
      // The state first, then the job: a job read before it completes carries no return value.
      const state = await queue.getJobState(id);
      if (state === 'unknown') {
        // Redis lost the queue (restarted without persistence): enqueue what is left again.
        await enqueue(video);
        return;
      }
      if (state !== 'completed' && state !== 'failed') return;
      const job = (await queue.getJob(id)) as Job<ChunkJobData, ChunkResult>;
      if (state === 'failed') {
        const reason = `${video.video.path}: frames ${chunk.startFrame}–${chunk.endFrame ?? 'end'} failed ${job.attemptsMade} time(s): ${job.failedReason}`;
        failLabelRun(db, video.runId, reason, lease);
        await removeJobs(video, video.chunks.slice(1));
        finish(video, { video: video.video, runId: video.runId, status: 'failed', framesLabelled: video.framesLabelled, params, error: reason });
        return;
      }
      const result = job.returnvalue;
      const frames = decodeChunkResult(result);
      const lastFrame = frames.length > 0 ? frames[frames.length - 1]!.frameIndex + 1 : video.nextFrame;
      const after = result.status === 'damaged' || chunk.endFrame === null ? lastFrame : chunk.endFrame;
      commitDetectionChunk(db, video.runId, video.nextFrame, frames, after, lease);
      video.nextFrame = after;
      video.framesLabelled += frames.length;
      video.chunks.shift();
      options.progress?.tick(chunk.frames);
      await job.remove();
      if (result.status === 'damaged') {
        // As a local run: the frames before the damage are the run, done and flagged partial; later chunks are dropped.
        finishLabelRun(db, video.runId, result.damage);
        await removeJobs(video, video.chunks);
        const tracking = trackAfterLabelling(db, video.runId, 'partial');
        finish(video, { video: video.video, runId: video.runId, status: 'partial', framesLabelled: video.framesLabelled, params, error: `${video.video.path}: ${result.damage}`, ...(tracking ? { tracking } : {}) });
        return;
      }
    }
    finishLabelRun(db, video.runId);
    const tracking = trackAfterLabelling(db, video.runId, 'done');
    finish(video, { video: video.video, runId: video.runId, status: 'done', framesLabelled: video.framesLabelled, params, ...(tracking ? { tracking } : {}) });
  };

  try {
    for (const video of videos) {
      const claim = claimVideoRun(db, video, model, params, options.settings.fps, lease);
      const skipped = unlabellableClaim(video, claim, params);
      if (skipped) {
        const tracking = trackAfterLabelling(db, skipped.runId, skipped.status);
        report({ ...skipped, video, ...(tracking ? { tracking } : {}) });
        continue;
      }
      inFlight.push({
        video,
        runId: claim.run.id,
        nextFrame: claim.run.nextFrame,
        chunks: planChunks(video, options.settings.fps, options.chunkFrames, claim.run.nextFrame),
        framesLabelled: 0,
        stopHeartbeat: keepLeaseAlive(db, claim.run.id, lease),
      });
    }
    options.progress?.setTotal(inFlight.reduce((sum, video) => sum + video.chunks.reduce((n, chunk) => n + chunk.frames, 0), 0));
    for (const video of inFlight) {
      // A chunk that failed under an earlier coordinator is tried again: running the command again is the retry.
      for (const chunk of video.chunks) {
        const job = await queue.getJob(chunkJobId(paramsKey, video.video.id, chunk));
        if (job && (await job.getState()) === 'failed') await job.remove();
      }
      await enqueue(video);
    }
    let polls = 0;
    while (inFlight.length > 0 && !options.signal.aborted) {
      if (polls++ % DETAIL_EVERY_POLLS === 0) options.progress?.setDetail?.(await clusterDetail(queue, inFlight.length));
      // All videos at once: their Redis round trips overlap (commits are synchronous, so never interleave).
      await Promise.all([...inFlight].map(collect));
      if (inFlight.length > 0) await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
    }
    if (!options.signal.aborted) options.progress?.done();
  } finally {
    // Interrupted (or failed): the chunks stay queued and keep being labelled; a new coordinator commits them.
    for (const video of [...inFlight]) {
      video.stopHeartbeat();
      releaseLabelLease(db, video.runId, lease);
      report({ video: video.video, runId: video.runId, status: 'interrupted', framesLabelled: video.framesLabelled, params });
    }
    await queue.close();
    connection.disconnect();
  }
  return results;
}

async function clusterDetail(queue: Queue, videosLeft: number): Promise<string> {
  const [workers, counts] = await Promise.all([queue.getWorkersCount(), queue.getJobCounts('waiting', 'active', 'delayed')]);
  return `${workers} workers, ${counts.active ?? 0} chunks labelling, ${(counts.waiting ?? 0) + (counts.delayed ?? 0)} queued, ${videosLeft} videos to go`;
}

function pickSource(video: VideoRecord): ChunkJobData['video'] {
  const { path, width, height, fps, frameCount, frameCountExact, variableFps } = video;
  return { path, width, height, fps, frameCount, frameCountExact, variableFps };
}
