import { BadInputFileError } from '../errors.js';
import type { Db } from '../store/database.js';
import { H36M17_JOINT_SET, readTubeGroundTruth, type StoredGroundTruthFrame } from '../store/ground-truth.js';
import { listTubes, type TubeSplit } from '../store/tubes.js';
import type { LoadedEvalSet } from './eval-file.js';
import { lsp14OfFrame } from '../train/data/lsp14-ground-truth.js';
import { EVAL_JOINT_COUNT, type EvalJointSet, type EvalSequence } from './eval-set.js';
import { projectToCrop } from '../body/weak-perspective.js';

export interface GroundTruthEvalSet extends LoadedEvalSet {
  /** Tubes whose LSP-14 are approximate ('lsp14-approx'); every report says so. */
  approximateJointTubes: string[];
  /** Tubes whose LSP-14 were regressed from the SMPL mesh with J_regressor_h36m ('lsp14-h36m', 3DPW's published protocol). */
  meshRegressedJointTubes: string[];
  /** The tube each sequence comes from, in sequence order. */
  tubeIds: number[];
}

/**
 * The database's MoCap-tier tubes of one split as an eval set (sequence name = tube name), for
 * `hmmr eval --checkpoint` and `hmmr export --format eval-gt`. 2D ground truth is the 3D joints
 * projected with each frame's stored crop camera. Visibility is the stored per-joint flags where an
 * import gave them (3DPW's invalid camera frames), otherwise every point of synthetic MoCap is visible.
 * `jointSet` 'lsp14' reads every MoCap tube (Human3.6M's 17 joints give their LSP-14); 'h36m17' needs
 * tubes that store Human3.6M's 17 joints (VideoPose3D imports), for protocols 1 and 2.
 */
export function readGroundTruthEvalSet(db: Db, dbPath: string, split: TubeSplit, namePrefix = '', jointSet: EvalJointSet = 'lsp14'): GroundTruthEvalSet {
  const tubes = listTubes(db, { tier: 'mocap3d', split, withoutRejected: true, namePrefix });
  if (tubes.length === 0) {
    const which = namePrefix ? ` named ${namePrefix}*` : '';
    throw new BadInputFileError(dbPath, `no mocap3d tubes${which} in the ${split} split (hmmr synth or hmmr import make some)`);
  }
  const fps = tubes[0]!.fps;
  const approximateJointTubes: string[] = [];
  const meshRegressedJointTubes: string[] = [];
  const sequences = tubes.map((tube): EvalSequence => {
    const fail = (problem: string): never => {
      throw new BadInputFileError(dbPath, `tube ${tube.id} '${tube.name}': ${problem}`);
    };
    if (tube.fps !== fps) fail(`fps ${tube.fps} differs from the split's ${fps} (select one dataset by name prefix)`);
    const frames = readTubeGroundTruth(db, tube.id);
    if (frames.length !== tube.frameCount) fail(`ground truth for ${frames.length} of ${tube.frameCount} frames`);
    const jointCount = EVAL_JOINT_COUNT[jointSet];
    const joints3d = new Float64Array(frames.length * jointCount * 3);
    const cameras = new Float32Array(frames.length * 3);
    const visible = new Uint8Array(frames.length * jointCount).fill(1);
    let allCameras = true;
    let anyVisibility = false;
    frames.forEach((frame, f) => {
      const joints = jointsIn(jointSet, frame) ?? fail(`frame ${frame.frameIndex}: joint set '${frame.jointSet}' has no ${jointSet} joints`);
      joints3d.set(joints.joints3d, f * jointCount * 3);
      if (frame.camera) cameras.set(frame.camera, f * 3);
      else allCameras = false;
      if (joints.visible) {
        if (joints.visible.length !== jointCount) fail(`frame ${frame.frameIndex}: ${joints.visible.length} visibility flags, expected ${jointCount}`);
        visible.set(joints.visible, f * jointCount);
        anyVisibility = true;
      }
    });
    if (frames.some((frame) => frame.jointSet === 'lsp14-approx')) approximateJointTubes.push(tube.name);
    if (frames.some((frame) => frame.jointSet === 'lsp14-h36m')) meshRegressedJointTubes.push(tube.name);
    const sequence: EvalSequence = { name: tube.name, frameCount: frames.length, joints3d };
    if (allCameras) sequence.joints2d = projectToCrop(joints3d, cameras, jointCount);
    if (allCameras || anyVisibility) sequence.visible = visible;
    return sequence;
  });
  return { path: dbPath, fps, jointSet, sequences, approximateJointTubes, meshRegressedJointTubes, tubeIds: tubes.map((tube) => tube.id) };
}

function jointsIn(jointSet: EvalJointSet, frame: StoredGroundTruthFrame): { joints3d: Float32Array; visible: Uint8Array | null } | undefined {
  if (jointSet === 'lsp14') return lsp14OfFrame(frame);
  return frame.jointSet === H36M17_JOINT_SET && frame.joints3d.length === EVAL_JOINT_COUNT.h36m17 * 3 ? frame : undefined;
}

/** The line every report over 'lsp14-approx' ground truth carries. */
export function approximateJointsCaveat(approximate: number, total: number): string {
  return `approximate joints: ${approximate} of ${total} sequences have LSP-14 picked from SMPL's 24 skeleton joints (3DPW jointPositions), not regressed from the mesh as the published protocol does`;
}
