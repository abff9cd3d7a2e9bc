/**
 * 3DPW (von Marcard et al., ECCV 2018): sequenceFiles/{train,validation,test}/<sequence>.pkl,
 * Python 2 pickles of per-actor lists (keys: ../shared/spec/datasets.md). One mocap3d tube per
 * actor, ground truth in the camera frame: X_cam = R·X_world + t with cam_poses' world→camera R, t,
 * and the SMPL root orientation rotated by R. The 14 LSP joints are picked from the 24 SMPL
 * skeleton joints in `jointPositions` — an approximation of the standard protocol (joints regressed
 * from the gendered mesh), so the joint set is stored as 'lsp14-approx' and every report says so.
 * Frames with campose_valid 0 are stored with every joint invisible (the protocol drops them).
 */
import { basename, dirname, join } from 'node:path';
import { SMPL_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import { BadInputFileError } from '../errors.js';
import { axisAngleToMatrix, matrixToAxisAngle, multiply } from '../synth/rotation.js';
import type { GroundTruthFrame, GroundTruthTubeToStore } from '../store/ground-truth.js';
import type { TubeSplit } from '../store/tubes.js';
import { parsePickle } from '../util/pickle.js';
import type { DatasetFormat, ImportedSequence } from './dataset-format.js';
import { findDatasetFiles } from './find-files.js';
import { FieldReader, readInputBytes, type Floats } from './read/fields.js';
import { tubeFramesFromKeypoints } from './tube-frames.js';

/** LSP-14 (HMMR order) as SMPL skeleton joint indices. */
const LSP14_FROM_SMPL24 = [8, 5, 2, 1, 4, 7, 21, 19, 17, 16, 18, 20, 12, 15];
const COCO18_COUNT = 18;
export const THREEDPW_FPS = 30;
export const APPROXIMATE_LSP14 = 'lsp14-approx';

const SPLIT_FOLDERS: Record<string, TubeSplit> = { train: 'train', validation: 'val', test: 'test' };

export const threeDpwFormat: DatasetFormat = {
  name: '3dpw',
  tier: 'mocap3d',
  caveat: "approximate joints: 3DPW's LSP-14 are picked from SMPL's 24 skeleton joints (jointPositions), not regressed from the gendered mesh as the published protocol does",
  findFiles: (path, options) =>
    findDatasetFiles(path, '.pkl', '3DPW sequence files (sequenceFiles/<split>/*.pkl)', (file) => {
      const split = SPLIT_FOLDERS[basename(dirname(file))];
      return split !== undefined && (options.split === undefined || split === options.split);
    }),
  readFile: (file) => [readThreeDpwSequence(file)],
};

export function readThreeDpwSequence(file: string): ImportedSequence {
  const split = SPLIT_FOLDERS[basename(dirname(file))];
  if (!split) throw new BadInputFileError(file, 'a 3DPW sequence file must sit in sequenceFiles/train, validation or test');
  const fields = FieldReader.ofDict(file, parsePickle(readInputBytes(file), file), 'a 3DPW sequence dict');
  const sequence = fields.string('sequence');
  const camPoses = fields.floats('cam_poses', [undefined, 4, 4]);
  const frameCount = camPoses.shape[0]!;
  const frameIds = fields.floats('img_frame_ids', [frameCount]).values;
  const actors = fields.list('poses').length;
  if (actors === 0) fields.fail('poses', 'no actors');
  const perActor = (key: string, n: number, shape: (number | undefined)[]): Floats => {
    const list = fields.list(key);
    if (list.length !== actors) fields.fail(key, `${list.length} actors, 'poses' has ${actors}`);
    return fields.floats(`${key}[${n}]`, shape, list[n]);
  };
  const name = `3dpw/${split}/${sequence}`;
  const tubes = Array.from({ length: actors }, (_, n): GroundTruthTubeToStore => {
    const joints = perActor('jointPositions', n, [frameCount, SMPL_JOINT_COUNT * 3]).values;
    const poses = perActor('poses', n, [frameCount, SMPL_POSE_SIZE]).values;
    const betas = perActor('betas', n, [undefined]).values;
    if (betas.length < SMPL_SHAPE_SIZE) fields.fail(`betas[${n}]`, `${betas.length} values, at least ${SMPL_SHAPE_SIZE} expected`);
    const poses2d = perActor('poses2d', n, [frameCount, 3, COCO18_COUNT]).values;
    const valid = perActor('campose_valid', n, [frameCount]).values;
    const keypoints: Float32Array[] = [];
    const groundTruth: GroundTruthFrame[] = [];
    for (let f = 0; f < frameCount; f++) {
      const isValid = valid[f]! > 0;
      const [rotation, translation] = cameraPose(camPoses.values, f);
      const points = new Float32Array(COCO18_COUNT * 3);
      // An invalid camera pose makes the frame's 2D and 3D unusable: no keypoints there (x = y = c = 0).
      for (let k = 0; k < COCO18_COUNT && isValid; k++) {
        const confidence = poses2d[(f * 3 + 2) * COCO18_COUNT + k]!;
        if (confidence > 0) points.set([poses2d[f * 3 * COCO18_COUNT + k]!, poses2d[(f * 3 + 1) * COCO18_COUNT + k]!, confidence], k * 3);
      }
      keypoints.push(points);
      const joints3d = new Float32Array(LSP14_FROM_SMPL24.length * 3);
      LSP14_FROM_SMPL24.forEach((smplJoint, j) => {
        const world = [0, 1, 2].map((a) => joints[f * SMPL_JOINT_COUNT * 3 + smplJoint * 3 + a]!);
        for (let r = 0; r < 3; r++) joints3d[j * 3 + r] = rotation[r * 3]! * world[0]! + rotation[r * 3 + 1]! * world[1]! + rotation[r * 3 + 2]! * world[2]! + translation[r]!;
      });
      const pose = Float32Array.from(poses.subarray(f * SMPL_POSE_SIZE, (f + 1) * SMPL_POSE_SIZE));
      pose.set(matrixToAxisAngle(multiply(rotation, axisAngleToMatrix([pose[0]!, pose[1]!, pose[2]!]))), 0);
      groundTruth.push({
        frameIndex: frameIds[f]!,
        joints3d,
        pose,
        shape: Float32Array.from(betas.subarray(0, SMPL_SHAPE_SIZE)),
        visible: new Uint8Array(LSP14_FROM_SMPL24.length).fill(isValid ? 1 : 0),
      });
    }
    return {
      name: `${name}/actor${n}`,
      trackId: n,
      keypointFormat: 'coco18',
      tier: 'mocap3d',
      split,
      fps: THREEDPW_FPS,
      frames: tubeFramesFromKeypoints(Array.from(frameIds), keypoints, file, `actor ${n}`),
      jointSet: APPROXIMATE_LSP14,
      groundTruth,
    };
  });
  // sequenceFiles/<split>/<sequence>.pkl beside imageFiles/<sequence>/image_%05d.jpg; img_frame_ids are the image numbers.
  const frameFolder = { path: join(dirname(dirname(dirname(file))), 'imageFiles', sequence), fps: THREEDPW_FPS, firstNumber: 0 };
  return { name, split, tubes, frameFolder };
}

/** Row-major 3×3 rotation and translation of frame f's 4×4 world→camera matrix. */
function cameraPose(camPoses: Float64Array, f: number): [Float64Array, number[]] {
  const m = camPoses.subarray(f * 16, (f + 1) * 16);
  return [Float64Array.from([m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8]!, m[9]!, m[10]!]), [m[3]!, m[7]!, m[11]!]];
}
