/** `hmmr status --queue`: what the label queue holds, who works on it, and which chunks failed. */
import { Queue } from 'bullmq';
import { LABEL_QUEUE, connectRedis } from './connection.js';
import type { RedisAddress } from './redis-address.js';

export interface QueueStatus {
  /** Chunks waiting for a worker (including those waiting to be retried). */
  queued: number;
  /** Chunks a worker is labelling now. */
  active: number;
  /** Chunks labelled, waiting for the coordinator to commit them. */
  completed: number;
  /** Chunks that failed on every attempt (their video is marked failed). */
  failed: number;
  /** Worker connections (each `hmmr worker` process holds one). */
  workers: number;
  /** The most recent failures, with their reasons. */
  failures: { job: string; attempts: number; reason: string }[];
}

const FAILURES_SHOWN = 10;

export async function readQueueStatus(address: RedisAddress): Promise<QueueStatus> {
  const connection = await connectRedis(address);
  const queue = new Queue(LABEL_QUEUE, { connection });
  try {
    const [counts, workers, failedJobs] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
      queue.getWorkersCount(),
      queue.getJobs(['failed'], 0, FAILURES_SHOWN - 1),
    ]);
    return {
      queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      workers,
      failures: failedJobs.map((job) => ({ job: job.id ?? '?', attempts: job.attemptsMade, reason: job.failedReason })),
    };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
