/**
 * Leases on label runs: the process labelling a video holds its run's lease (owner, heartbeat,
 * expiry) and renews it while it works. A second `hmmr label` on the same database finds the lease
 * held and leaves that video alone instead of paying for the same inference and then failing the
 * winner's run. A lease is free again when it expires (its owner stopped renewing: hung, or on
 * another machine and dead) or, at once, when its owner is a process of this host that no longer
 * exists (killed with SIGKILL), so resuming after a crash never waits.
 */
import { newOwnerId, ownerIsGone } from '../util/process-owner.js';
import type { Db } from './database.js';
import { findLabelRun, labelParamsKey, startLabelRun, type LabelRun, type LabelRunSpec } from './detections.js';

export interface LabelLease {
  /** 'host:pid:token', unique to one labelling process. */
  owner: string;
  /** How long the lease lasts without a heartbeat. */
  ttlMs: number;
}

/** Long enough that a slow chunk (a big model on a CPU) never lets it lapse between heartbeats. */
export const DEFAULT_LEASE_TTL_MS = 120_000;

export function newLabelLease(ttlMs = DEFAULT_LEASE_TTL_MS): LabelLease {
  return { owner: newOwnerId(), ttlMs };
}

export type LabelRunClaim = { claimed: true; run: LabelRun } | { claimed: false; run: LabelRun; heldBy: string };

/**
 * The run for this video and parameter set, leased to `lease` unless it is finished (returned as it
 * is) or another live process holds it (returned with `claimed: false`). An interrupted or failed run
 * is marked running again and keeps its next_frame; a new run starts at frame 0.
 */
export function claimLabelRun(db: Db, spec: LabelRunSpec, lease: LabelLease, nowMs = Date.now()): LabelRunClaim {
  const paramsKey = labelParamsKey(spec.modelSha256, spec.params);
  const claim = db.transaction((): LabelRunClaim => {
    const existing = findLabelRun(db, spec.videoId, paramsKey);
    if (existing?.status === 'done') return { claimed: true, run: existing };
    const holder = existing && currentHolder(db, existing.id, nowMs);
    if (existing && holder !== undefined && holder !== lease.owner) return { claimed: false, run: existing, heldBy: holder };
    const run = startLabelRun(db, spec);
    db.prepare('UPDATE label_runs SET lease_owner = ?, lease_heartbeat_ms = ?, lease_expires_ms = ? WHERE id = ?').run(lease.owner, nowMs, nowMs + lease.ttlMs, run.id);
    return { claimed: true, run };
  });
  return claim.immediate();
}

/**
 * Heartbeat: extends the lease if `lease` still holds it. False when it was lost (it lapsed and
 * another process took the run over); the caller must then stop writing.
 */
export function renewLabelLease(db: Db, runId: number, lease: LabelLease, nowMs = Date.now()): boolean {
  return (
    db
      .prepare('UPDATE label_runs SET lease_heartbeat_ms = ?, lease_expires_ms = ? WHERE id = ? AND lease_owner = ?')
      .run(nowMs, nowMs + lease.ttlMs, runId, lease.owner).changes === 1
  );
}

/** Gives the lease up (the run is finished, failed, or left for a later invocation to resume). */
export function releaseLabelLease(db: Db, runId: number, lease: LabelLease): void {
  db.prepare('UPDATE label_runs SET lease_owner = NULL, lease_heartbeat_ms = NULL, lease_expires_ms = NULL WHERE id = ? AND lease_owner = ?').run(
    runId,
    lease.owner,
  );
}

/** The owner of a run's lease while it is in force, else undefined. */
export function currentHolder(db: Db, runId: number, nowMs = Date.now()): string | undefined {
  const row = db.prepare('SELECT lease_owner AS owner, lease_expires_ms AS expiresMs FROM label_runs WHERE id = ?').get(runId) as
    | { owner: string | null; expiresMs: number | null }
    | undefined;
  if (!row?.owner || row.expiresMs === null || row.expiresMs <= nowMs) return undefined;
  return ownerIsGone(row.owner) ? undefined : row.owner;
}

/**
 * Renews the lease every third of its lifetime until the returned function is called, so a chunk
 * slower than the lease (a large model on a CPU) does not let another process take the run over.
 */
export function keepLeaseAlive(db: Db, runId: number, lease: LabelLease): () => void {
  const beat = () => {
    try {
      renewLabelLease(db, runId, lease);
    } catch {
      // A busy or failing database: the next chunk's commit renews the lease or reports the failure.
    }
  };
  const timer = setInterval(beat, Math.max(1, Math.floor(lease.ttlMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}
