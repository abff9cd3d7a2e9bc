/**
 * One `hmmr train` per run folder: `<out>/train.lock` names the process training into it. A second
 * process fails at once with LockedError instead of interleaving its checkpoints with the first's.
 * A lock left by a process of this host that no longer exists (SIGKILL) is replaced, so resuming
 * after a crash needs no manual clean-up.
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LockedError } from '../errors.js';
import { newOwnerId, ownerIsGone } from '../util/process-owner.js';

export const RUN_LOCK_FILE = 'train.lock';

interface LockContent {
  owner: string;
  pid: number;
  startedAt: string;
}

/** Takes the run folder's lock (creating the folder); returns the function that releases it. */
export function lockRunFolder(outDir: string): () => void {
  mkdirSync(outDir, { recursive: true });
  const lockPath = join(outDir, RUN_LOCK_FILE);
  const mine: LockContent = { owner: newOwnerId(), pid: process.pid, startedAt: new Date().toISOString() };
  // Written whole under a private name, then linked into place: the link either creates the lock
  // with its content or fails because a lock exists; a reader never sees a half-written lock.
  const temp = join(outDir, `.${RUN_LOCK_FILE}.${process.pid}`);
  writeFileSync(temp, JSON.stringify(mine) + '\n');
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockedBy(outDir, lockPath);
        const holder = readLock(lockPath);
        if (holder && !ownerIsGone(holder.owner)) throw lockedBy(outDir, lockPath, holder);
        // The holder died: move its lock aside (one process wins the rename) and try once more.
        try {
          renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
          rmSync(`${lockPath}.stale-${process.pid}`, { force: true });
        } catch {
          // Another process cleared it first; the second link attempt decides.
        }
      }
    }
  } finally {
    rmSync(temp, { force: true });
  }
  return () => {
    if (readLock(lockPath)?.owner === mine.owner) rmSync(lockPath, { force: true });
  };
}

function readLock(path: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
}

function lockedBy(outDir: string, lockPath: string, holder = readLock(lockPath)): LockedError {
  const who = holder ? `process ${holder.pid} (since ${holder.startedAt})` : 'another process';
  return new LockedError(outDir, `another hmmr train is writing to this run folder: ${who}; wait for it, or remove ${lockPath} if that process is gone`);
}
