/**
 * One error class per failure a user can cause. Each carries the offending path (file, model,
 * database) and a one-line reason; the CLI prints `hmmr: <path>: <reason>` and picks the exit code.
 */
export class HmmrError extends Error {
  constructor(
    readonly path: string | undefined,
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = new.target.name;
  }
}

/** A video file that cannot be probed or decoded. */
export class BadVideoError extends HmmrError {}

/** A model file that is missing, corrupt, or does not match its descriptor. */
export class ModelMismatchError extends HmmrError {}

/** An input data file (JSON, npz, OpenPose folder, config) that is malformed. */
export class BadInputFileError extends HmmrError {}

/** The database cannot be used: newer schema, locked for too long, not an hmmr database. */
export class DatabaseError extends HmmrError {}

/** Another hmmr process is using it (a training run folder); the path names it, the reason says who. */
export class LockedError extends HmmrError {}

/** The distributed label queue's Redis (named by its URL) cannot be reached. */
export class QueueUnreachableError extends HmmrError {}

/** Flags or arguments that do not make sense together. */
export class UsageError extends HmmrError {
  constructor(reason: string) {
    super(undefined, reason);
  }
}

/** Training produced a non-finite loss; the last good checkpoint is kept. */
export class TrainingDivergedError extends HmmrError {}

/** The user interrupted (SIGINT/SIGTERM); work committed so far is kept and can be resumed. */
export class InterruptedError extends HmmrError {
  constructor() {
    super(undefined, 'interrupted; committed work is kept, run the same command again to resume');
  }
}

/** One line for stderr, without a stack trace for errors the user caused. */
export function describeError(error: unknown): string {
  if (error instanceof HmmrError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? String(error);
  return String(error);
}
