import { BadInputFileError } from '../errors.js';
import type { Db } from '../store/database.js';
import { readTubeGroundTruth } from '../store/ground-truth.js';
import { listTubes, type TubeSplit } from '../store/tubes.js';
import type { LoadedEvalSet } from './eval-file.js';
import { EVAL_JOINT_COUNT, type EvalSequence } from './eval-set.js';
import { projectToCrop } from './weak-perspective.js';

/**
 * The database's MoCap-tier tubes of one split as an eval set (sequence name = tube name), for
 * `hmmr eval --checkpoint`. 2D ground truth is the 3D joints projected with each frame's stored crop
 * camera; MoCap truth has no occlusion, so every point is visible.
 */
export function readGroundTruthEvalSet(db: Db, dbPath: string, split: TubeSplit): LoadedEvalSet {
  const tubes = listTubes(db, { tier: 'mocap3d', split, withoutRejected: true });
  if (tubes.length === 0) throw new BadInputFileError(dbPath, `no mocap3d tubes in the ${split} split (hmmr synth makes some)`);
  const fps = tubes[0]!.fps;
  const sequences = tubes.map((tube): EvalSequence => {
    const fail = (problem: string): never => {
      throw new BadInputFileError(dbPath, `tube ${tube.id} '${tube.name}': ${problem}`);
    };
    if (tube.fps !== fps) fail(`fps ${tube.fps} differs from the split's ${fps}`);
    const frames = readTubeGroundTruth(db, tube.id);
    if (frames.length !== tube.frameCount) fail(`ground truth for ${frames.length} of ${tube.frameCount} frames`);
    const jointCount = EVAL_JOINT_COUNT.lsp14;
    const joints3d = new Float64Array(frames.length * jointCount * 3);
    const cameras = new Float32Array(frames.length * 3);
    let allCameras = true;
    frames.forEach((frame, f) => {
      if (frame.jointSet !== 'lsp14' || frame.joints3d.length !== jointCount * 3) fail(`frame ${frame.frameIndex}: joint set '${frame.jointSet}', expected lsp14`);
      joints3d.set(frame.joints3d, f * jointCount * 3);
      if (frame.camera) cameras.set(frame.camera, f * 3);
      else allCameras = false;
    });
    const sequence: EvalSequence = { name: tube.name, frameCount: frames.length, joints3d };
    if (allCameras) {
      sequence.joints2d = projectToCrop(joints3d, cameras, jointCount);
      sequence.visible = new Uint8Array(frames.length * jointCount).fill(1);
    }
    return sequence;
  });
  return { path: dbPath, fps, jointSet: 'lsp14', sequences };
}
