import { BadInputFileError } from '../errors.js';
import type { Db } from '../store/database.js';
import { LSP14_JOINT_SETS, readTubeGroundTruth } from '../store/ground-truth.js';
import { listTubes, type TubeSplit } from '../store/tubes.js';
import type { LoadedEvalSet } from './eval-file.js';
import { EVAL_JOINT_COUNT, type EvalSequence } from './eval-set.js';
import { projectToCrop } from './weak-perspective.js';

export interface GroundTruthEvalSet extends LoadedEvalSet {
  /** Tubes whose LSP-14 are approximate ('lsp14-approx'); every report says so. */
  approximateJointTubes: string[];
}

/**
 * The database's MoCap-tier tubes of one split as an eval set (sequence name = tube name), for
 * `hmmr eval --checkpoint` and `hmmr export --format eval-gt`. 2D ground truth is the 3D joints
 * projected with each frame's stored crop camera. Visibility is the stored per-joint flags where an
 * import gave them (3DPW's invalid camera frames), otherwise every point of synthetic MoCap is visible.
 */
export function readGroundTruthEvalSet(db: Db, dbPath: string, split: TubeSplit, namePrefix = ''): GroundTruthEvalSet {
  const tubes = listTubes(db, { tier: 'mocap3d', split, withoutRejected: true, namePrefix });
  if (tubes.length === 0) {
    const which = namePrefix ? ` named ${namePrefix}*` : '';
    throw new BadInputFileError(dbPath, `no mocap3d tubes${which} in the ${split} split (hmmr synth or hmmr import make some)`);
  }
  const fps = tubes[0]!.fps;
  const approximateJointTubes: string[] = [];
  const sequences = tubes.map((tube): EvalSequence => {
    const fail = (problem: string): never => {
      throw new BadInputFileError(dbPath, `tube ${tube.id} '${tube.name}': ${problem}`);
    };
    if (tube.fps !== fps) fail(`fps ${tube.fps} differs from the split's ${fps} (select one dataset by name prefix)`);
    const frames = readTubeGroundTruth(db, tube.id);
    if (frames.length !== tube.frameCount) fail(`ground truth for ${frames.length} of ${tube.frameCount} frames`);
    const jointCount = EVAL_JOINT_COUNT.lsp14;
    const joints3d = new Float64Array(frames.length * jointCount * 3);
    const cameras = new Float32Array(frames.length * 3);
    const visible = new Uint8Array(frames.length * jointCount).fill(1);
    let allCameras = true;
    let anyVisibility = false;
    frames.forEach((frame, f) => {
      if (!LSP14_JOINT_SETS.has(frame.jointSet) || frame.joints3d.length !== jointCount * 3) fail(`frame ${frame.frameIndex}: joint set '${frame.jointSet}', expected lsp14`);
      joints3d.set(frame.joints3d, f * jointCount * 3);
      if (frame.camera) cameras.set(frame.camera, f * 3);
      else allCameras = false;
      if (frame.visible) {
        if (frame.visible.length !== jointCount) fail(`frame ${frame.frameIndex}: ${frame.visible.length} visibility flags, expected ${jointCount}`);
        visible.set(frame.visible, f * jointCount);
        anyVisibility = true;
      }
    });
    if (frames.some((frame) => frame.jointSet === 'lsp14-approx')) approximateJointTubes.push(tube.name);
    const sequence: EvalSequence = { name: tube.name, frameCount: frames.length, joints3d };
    if (allCameras) sequence.joints2d = projectToCrop(joints3d, cameras, jointCount);
    if (allCameras || anyVisibility) sequence.visible = visible;
    return sequence;
  });
  return { path: dbPath, fps, jointSet: 'lsp14', sequences, approximateJointTubes };
}
