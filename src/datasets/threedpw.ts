/**
 * 3DPW (von Marcard et al., ECCV 2018): sequenceFiles/{train,validation,test}/<sequence>.pkl,
 * Python 2 pickles of per-actor lists (keys: ../shared/spec/datasets.md). One mocap3d tube per
 * actor, ground truth in the camera frame: X_cam = R·X_world + t with cam_poses' world→camera R, t,
 * and the SMPL root orientation rotated by R. Frames with campose_valid 0 are stored with every
 * joint invisible (the protocol drops them).
 *
 * The 14 LSP joints come one of two ways:
 * - with the user's SMPL files and J_regressor_h36m (`--smpl`, `--joint-regressor`): regressed from
 *   the actor's gendered mesh (threedpw-smpl.ts), the published protocol, joint set 'lsp14-h36m';
 * - otherwise picked from the 24 SMPL skeleton joints in `jointPositions`: an approximation, joint
 *   set 'lsp14-approx', and every report says so.
 * With `--smpl` each tube also records the gender of the model its mesh comes from, for PVE.
 */
import { basename, dirname, join } from 'node:path';
import { LSP_JOINT_COUNT, SMPL_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from '../body/joint-sets.js';
import { BadInputFileError } from '../errors.js';
import { axisAngleToMatrix, matrixToAxisAngle, multiply } from '../synth/rotation.js';
import type { GroundTruthFrame, GroundTruthTubeToStore } from '../store/ground-truth.js';
import type { TubeSplit } from '../store/tubes.js';
import { parsePickle } from '../util/pickle.js';
import type { DatasetFormat, ImportedSequence } from './dataset-format.js';
import { findDatasetFiles } from './find-files.js';
import { FieldReader, readInputBytes, type Floats } from './read/fields.js';
import { tubeFramesFromKeypoints } from './tube-frames.js';
import type { SmplGender } from '../body/smpl-files.js';
import { LSP14_H36M_SET } from '../body/h36m-regressor.js';
import type { ThreeDpwSmpl } from './threedpw-smpl.js';

/** LSP-14 (HMMR order) as SMPL skeleton joint indices (the approximate joints). */
const LSP14_FROM_SMPL24 = [8, 5, 2, 1, 4, 7, 21, 19, 17, 16, 18, 20, 12, 15];
const COCO18_COUNT = 18;
export const THREEDPW_FPS = 30;
export const APPROXIMATE_LSP14 = 'lsp14-approx';

const SPLIT_FOLDERS: Record<string, TubeSplit> = { train: 'train', validation: 'val', test: 'test' };

export const threeDpwFormat: DatasetFormat = {
  name: '3dpw',
  tier: 'mocap3d',
  caveat: (options) =>
    options.smpl?.regressor
      ? "standard protocol: 3DPW's LSP-14 regressed with J_regressor_h36m from each actor's gendered SMPL mesh"
      : `approximate joints: 3DPW's LSP-14 are picked from SMPL's 24 skeleton joints (jointPositions), not regressed from the gendered mesh as the published protocol does${options.smpl ? ' (give --joint-regressor for the protocol)' : ''}`,
  findFiles: (path, options) =>
    findDatasetFiles(path, '.pkl', '3DPW sequence files (sequenceFiles/<split>/*.pkl)', (file) => {
      const split = SPLIT_FOLDERS[basename(dirname(file))];
      return split !== undefined && (options.split === undefined || split === options.split);
    }),
  readFile: (file, options) => [readThreeDpwSequence(file, options.smpl)],
};

export function readThreeDpwSequence(file: string, smpl?: ThreeDpwSmpl): ImportedSequence {
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
  const cameras = Array.from({ length: frameCount }, (_, f) => cameraPose(camPoses.values, f));
  const notes: string[] = [];
  const tubes = Array.from({ length: actors }, (_, n): GroundTruthTubeToStore => {
    const tubeName = `${name}/actor${n}`;
    const jointPositions = perActor('jointPositions', n, [frameCount, SMPL_JOINT_COUNT * 3]).values;
    const poses = perActor('poses', n, [frameCount, SMPL_POSE_SIZE]).values;
    const betas = perActor('betas', n, [undefined]).values;
    if (betas.length < SMPL_SHAPE_SIZE) fields.fail(`betas[${n}]`, `${betas.length} values, at least ${SMPL_SHAPE_SIZE} expected`);
    const shape = Float32Array.from(betas.subarray(0, SMPL_SHAPE_SIZE));
    const poses2d = perActor('poses2d', n, [frameCount, 3, COCO18_COUNT]).values;
    const valid = perActor('campose_valid', n, [frameCount]).values;
    const cameraFramePoses = rootsIntoCameraFrame(poses, cameras);
    let mesh: { gender: SmplGender; joints?: Float32Array } | undefined;
    if (smpl) {
      const gender = actorGender(fields, n, actors);
      const { chosen, model } = smpl.modelFor(gender, `${tubeName} (genders[${n}])`);
      if (chosen.gender !== gender) notes.push(`${tubeName}: no ${gender} SMPL model, posed with the neutral one (${chosen.path}); not the published protocol`);
      mesh = { gender: chosen.gender };
      if (smpl.regressor) {
        const trans = perActor('trans', n, [frameCount, 3]).values;
        const rotations = Float64Array.from(cameras.flatMap(([rotation]) => Array.from(rotation)));
        const translations = Float64Array.from(cameras.flatMap(([, translation]) => translation));
        mesh.joints = smpl.cameraFrameLsp14(model, { frameCount, poses: cameraFramePoses, betas: shape, trans, rotations, translations });
      }
    }
    const keypoints: Float32Array[] = [];
    const groundTruth: GroundTruthFrame[] = [];
    for (let f = 0; f < frameCount; f++) {
      const isValid = valid[f]! > 0;
      const [rotation, translation] = cameras[f]!;
      const points = new Float32Array(COCO18_COUNT * 3);
      // An invalid camera pose makes the frame's 2D and 3D unusable: no keypoints there (x = y = c = 0).
      for (let k = 0; k < COCO18_COUNT && isValid; k++) {
        const confidence = poses2d[(f * 3 + 2) * COCO18_COUNT + k]!;
        if (confidence > 0) points.set([poses2d[f * 3 * COCO18_COUNT + k]!, poses2d[(f * 3 + 1) * COCO18_COUNT + k]!, confidence], k * 3);
      }
      keypoints.push(points);
      const joints3d = mesh?.joints ? mesh.joints.slice(f * LSP_JOINT_COUNT * 3, (f + 1) * LSP_JOINT_COUNT * 3) : approximateLsp14(jointPositions, f, rotation, translation);
      groundTruth.push({
        frameIndex: frameIds[f]!,
        joints3d,
        pose: cameraFramePoses.slice(f * SMPL_POSE_SIZE, (f + 1) * SMPL_POSE_SIZE),
        shape,
        visible: new Uint8Array(LSP_JOINT_COUNT).fill(isValid ? 1 : 0),
      });
    }
    const tube: GroundTruthTubeToStore = {
      name: tubeName,
      trackId: n,
      keypointFormat: 'coco18',
      tier: 'mocap3d',
      split,
      fps: THREEDPW_FPS,
      frames: tubeFramesFromKeypoints(Array.from(frameIds), keypoints, file, `actor ${n}`),
      jointSet: mesh?.joints ? LSP14_H36M_SET : APPROXIMATE_LSP14,
      groundTruth,
    };
    if (mesh) tube.meshGender = mesh.gender;
    return tube;
  });
  // sequenceFiles/<split>/<sequence>.pkl beside imageFiles/<sequence>/image_%05d.jpg; img_frame_ids are the image numbers.
  const frameFolder = { path: join(dirname(dirname(dirname(file))), 'imageFiles', sequence), fps: THREEDPW_FPS, firstNumber: 0 };
  return { name, split, tubes, frameFolder, notes };
}

/** Per-frame SMPL poses (N × 72, world) with the root orientation turned into the camera frame. */
function rootsIntoCameraFrame(poses: Float64Array, cameras: readonly [Float64Array, number[]][]): Float32Array {
  const out = Float32Array.from(poses);
  cameras.forEach(([rotation], f) => {
    const base = f * SMPL_POSE_SIZE;
    out.set(matrixToAxisAngle(multiply(rotation, axisAngleToMatrix([poses[base]!, poses[base + 1]!, poses[base + 2]!]))), base);
  });
  return out;
}

/** Frame f's LSP-14 picked from the 24 world-frame skeleton joints of `jointPositions`, moved into the camera frame. */
function approximateLsp14(jointPositions: Float64Array, f: number, rotation: Float64Array, translation: number[]): Float32Array {
  const joints3d = new Float32Array(LSP_JOINT_COUNT * 3);
  LSP14_FROM_SMPL24.forEach((smplJoint, j) => {
    const world = [0, 1, 2].map((a) => jointPositions[f * SMPL_JOINT_COUNT * 3 + smplJoint * 3 + a]!);
    for (let r = 0; r < 3; r++) joints3d[j * 3 + r] = rotation[r * 3]! * world[0]! + rotation[r * 3 + 1]! * world[1]! + rotation[r * 3 + 2]! * world[2]! + translation[r]!;
  });
  return joints3d;
}

/** 3DPW's `genders` entry of actor n ('m' / 'f') as a model gender. */
function actorGender(fields: FieldReader, n: number, actors: number): SmplGender {
  const genders = fields.list('genders');
  if (genders.length !== actors) fields.fail('genders', `${genders.length} entries, 'poses' has ${actors} actors`);
  const code = genders[n];
  if (code === 'm') return 'male';
  if (code === 'f') return 'female';
  return fields.fail(`genders[${n}]`, `expected 'm' or 'f', found ${JSON.stringify(code)}`);
}

/** Row-major 3×3 rotation and translation of frame f's 4×4 world→camera matrix. */
function cameraPose(camPoses: Float64Array, f: number): [Float64Array, number[]] {
  const m = camPoses.subarray(f * 16, (f + 1) * 16);
  return [Float64Array.from([m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[6]!, m[8]!, m[9]!, m[10]!]), [m[3]!, m[7]!, m[11]!]];
}
