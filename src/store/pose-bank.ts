/** The pose bank: real SMPL body poses (imported MoCap) for the adversarial pose prior. */
import { blobToFloat32, float32ToBlob, type Db } from './database.js';

export interface PoseBankClip {
  /** Unique name of the clip, e.g. 'amass/CMU/01/01_01_poses'. */
  source: string;
  fps: number;
  /** frames × 72 axis-angle values. */
  poses: Float32Array;
}

/** Stores one clip, replacing an earlier import of the same source, in one transaction. */
export function replacePoseBankClip(db: Db, clip: PoseBankClip): void {
  db.prepare(
    `INSERT INTO pose_bank (source, fps, frame_count, poses, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET fps = excluded.fps, frame_count = excluded.frame_count, poses = excluded.poses, created_at = excluded.created_at`,
  ).run(clip.source, clip.fps, clip.poses.length / 72, float32ToBlob(clip.poses), new Date().toISOString());
}

/**
 * Replaces every clip whose source starts with `prefix` by `clips`, in one transaction: re-running a
 * synthetic seed replaces that seed's clips and leaves the rest of the bank alone.
 */
export function replacePoseBankClipsWithPrefix(db: Db, prefix: string, clips: readonly PoseBankClip[]): void {
  const write = db.transaction(() => {
    db.prepare('DELETE FROM pose_bank WHERE substr(source, 1, length(?)) = ?').run(prefix, prefix);
    for (const clip of clips) replacePoseBankClip(db, clip);
  });
  write.immediate();
}

/** Every stored clip, by source name. */
export function readPoseBank(db: Db): PoseBankClip[] {
  const rows = db.prepare('SELECT source, fps, poses FROM pose_bank ORDER BY source').all() as { source: string; fps: number; poses: Buffer }[];
  return rows.map((row) => ({ source: row.source, fps: row.fps, poses: blobToFloat32(row.poses) }));
}

/** How much the pose bank holds, without reading the poses. */
export function poseBankSize(db: Db): { clips: number; frames: number } {
  const row = db.prepare('SELECT count(*) AS clips, coalesce(sum(frame_count), 0) AS frames FROM pose_bank').get() as { clips: number; frames: number };
  return row;
}

/**
 * Every stored pose of every clip as one frames × 72 array (clips in source order), filled in place
 * so a large bank (AMASS at 25 fps: millions of frames) is held once, not once per clip and again joined.
 */
export function readPoseBankFrames(db: Db): Float32Array {
  const { frames } = poseBankSize(db);
  const out = new Float32Array(frames * 72);
  let offset = 0;
  for (const row of db.prepare('SELECT poses FROM pose_bank ORDER BY source').iterate() as IterableIterator<{ poses: Buffer }>) {
    const poses = blobToFloat32(row.poses);
    out.set(poses, offset);
    offset += poses.length;
  }
  if (offset !== out.length) throw new Error(`pose bank: frame_count says ${frames} frames, the stored poses hold ${offset / 72}`);
  return out;
}
