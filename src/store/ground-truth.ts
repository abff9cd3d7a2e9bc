/**
 * 3D ground truth of MoCap-tier tubes (synthetic or imported): per frame the joints in metres
 * (camera frame) and, where known, the SMPL pose, shape and weak-perspective crop camera.
 */
import { blobToFloat32, float32ToBlob, type Db } from './database.js';
import { insertTubes, type TubeToStore } from './tubes.js';

/**
 * Joint sets of LSP-14 ground truth: exact ('lsp14'), picked from SMPL's 24 skeleton joints (3DPW
 * imported without a joint regressor, 'lsp14-approx': close to, but not, the protocol's joints), or
 * regressed from the SMPL mesh with J_regressor_h36m (3DPW's published protocol, 'lsp14-h36m').
 */
export const LSP14_JOINT_SETS: ReadonlySet<string> = new Set(['lsp14', 'lsp14-approx', 'lsp14-h36m']);

/** Human3.6M's 17 joints (imported from VideoPose3D's files), from which LSP-14 is picked. */
export const H36M17_JOINT_SET = 'h36m17';

export interface GroundTruthFrame {
  frameIndex: number;
  /** J × 3, metres, camera frame. */
  joints3d: Float32Array;
  /** 72 axis-angle values, root first. */
  pose?: Float32Array;
  /** 10 shape values. */
  shape?: Float32Array;
  /** Weak-perspective [s, tx, ty] of the frame's crop. */
  camera?: Float32Array;
  /** J flags, 1 = the joint counts for evaluation; absent = all visible. */
  visible?: Uint8Array;
}

export interface GroundTruthTubeToStore extends TubeToStore {
  /** Joint set of joints3d, e.g. 'lsp14'. */
  jointSet: string;
  groundTruth: readonly GroundTruthFrame[];
  /**
   * Gender of the user's SMPL model the ground-truth pose/shape make the tube's mesh with (3DPW
   * imported with --smpl); absent when the tube has no ground-truth mesh.
   */
  meshGender?: MeshGender;
  /**
   * The take (one recording of one performance) this tube is one camera view of: Human3.6M's 4
   * cameras of an action, the viewpoints of `hmmr synth --train-views`. Absent: a take of its own.
   */
  take?: string;
}

export type MeshGender = 'male' | 'female' | 'neutral';

export interface StoredGroundTruthFrame {
  frameIndex: number;
  jointSet: string;
  joints3d: Float32Array;
  pose: Float32Array | null;
  shape: Float32Array | null;
  camera: Float32Array | null;
  visible: Uint8Array | null;
}

/**
 * Writes tubes without a track run (synthetic, or imported datasets, whose frames may be a
 * registered image folder: `videoId`) with their ground truth, replacing every earlier such tube
 * whose name starts with `namePrefix` (frames and ground truth go by cascade), in one transaction:
 * re-running a generation with the same seed, or re-importing a sequence, never leaves a mixture.
 */
export function replaceSyntheticTubes(db: Db, namePrefix: string, tubes: readonly GroundTruthTubeToStore[], videoId: number | null = null): number[] {
  const write = db.transaction(() => {
    db.prepare('DELETE FROM tubes WHERE track_run_id IS NULL AND substr(name, 1, length(?)) = ?').run(namePrefix, namePrefix);
    const tubeIds = insertTubes(db, tubes, { trackRunId: null, videoId });
    const insert = db.prepare(
      'INSERT INTO tube_ground_truth (tube_id, frame_index, joints3d, joint_set, pose, shape, camera, visible) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const optionalBlob = (values: Float32Array | undefined): Buffer | null => (values ? float32ToBlob(values) : null);
    const insertGender = db.prepare('INSERT INTO tube_mesh_gender (tube_id, gender) VALUES (?, ?)');
    const insertTake = db.prepare('INSERT INTO tube_takes (tube_id, take) VALUES (?, ?)');
    tubes.forEach((tube, t) => {
      if (tube.meshGender) insertGender.run(tubeIds[t]!, tube.meshGender);
      if (tube.take !== undefined) insertTake.run(tubeIds[t]!, tube.take);
      for (const frame of tube.groundTruth) {
        insert.run(tubeIds[t]!, frame.frameIndex, float32ToBlob(frame.joints3d), tube.jointSet, optionalBlob(frame.pose), optionalBlob(frame.shape), optionalBlob(frame.camera), frame.visible ? Buffer.from(frame.visible) : null);
      }
    });
    return tubeIds;
  });
  return write.immediate();
}

interface GroundTruthRow {
  frameIndex: number;
  jointSet: string;
  joints3d: Buffer;
  pose: Buffer | null;
  shape: Buffer | null;
  camera: Buffer | null;
  visible: Buffer | null;
}

/** A tube's ground truth in frame order (empty for tubes without 3D). */
export function readTubeGroundTruth(db: Db, tubeId: number): StoredGroundTruthFrame[] {
  const rows = db
    .prepare(
      `SELECT frame_index AS frameIndex, joint_set AS jointSet, joints3d, pose, shape, camera, visible
       FROM tube_ground_truth WHERE tube_id = ? ORDER BY frame_index`,
    )
    .all(tubeId) as GroundTruthRow[];
  const optional = (blob: Buffer | null): Float32Array | null => (blob ? blobToFloat32(blob) : null);
  return rows.map((row) => ({
    frameIndex: row.frameIndex,
    jointSet: row.jointSet,
    joints3d: blobToFloat32(row.joints3d),
    pose: optional(row.pose),
    shape: optional(row.shape),
    camera: optional(row.camera),
    visible: row.visible ? Uint8Array.from(row.visible) : null,
  }));
}

/** The gender of the SMPL model a tube's ground-truth mesh is made with, or null when it has none. */
export function readTubeMeshGender(db: Db, tubeId: number): MeshGender | null {
  const row = db.prepare('SELECT gender FROM tube_mesh_gender WHERE tube_id = ?').get(tubeId) as { gender: MeshGender } | undefined;
  return row?.gender ?? null;
}

/** The take a tube is one camera view of (see GroundTruthTubeToStore.take), or null when it has none. */
export function readTubeTake(db: Db, tubeId: number): string | null {
  const row = db.prepare('SELECT take FROM tube_takes WHERE tube_id = ?').get(tubeId) as { take: string } | undefined;
  return row?.take ?? null;
}
