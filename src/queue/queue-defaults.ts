/**
 * The distributed-labelling defaults that `hmmr label --queue` and `hmmr worker` show in --help. Here
 * rather than in coordinator.ts and worker.ts, so that building the CLI does not load BullMQ.
 */

/** Tries per chunk before it and its video fail. */
export const DEFAULT_CHUNK_ATTEMPTS = 3;

/** ms a chunk stays a worker's without a lock renewal; a killed worker's chunk is retried elsewhere after it. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
