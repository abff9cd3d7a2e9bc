import { SMPL_JOINT_COUNT, SMPL_PARENTS } from '../../src/body/joint-sets.js';
import { POSE_FEATURE_SIZE, type BodyModelData } from '../../src/body/model-data.js';
import { NEUTRAL_BODY, unscaledJoints } from '../../src/body/standin/skeleton.js';

/**
 * A 24-vertex "skeleton" model for hand-computable cases: vertex i sits on joint i (the joint
 * regressor is the identity) and is skinned entirely to joint i's parent, so posing moves vertex i
 * exactly where forward kinematics puts joint i. Shape direction 0 stretches the body vertically
 * by 10 % per unit; the others are zero. Pose blend shapes are zero except one entry, so loaders
 * have something non-trivial to carry.
 */
export function tinyModel(): BodyModelData {
  const joints = unscaledJoints(NEUTRAL_BODY);
  const v = SMPL_JOINT_COUNT;
  const vTemplate = Float32Array.from(joints.flat());
  const shapeDirs = new Float32Array(v * 3 * 10);
  joints.forEach((joint, i) => (shapeDirs[(i * 3 + 1) * 10] = 0.1 * joint[1]));
  const poseDirs = new Float32Array(v * 3 * POSE_FEATURE_SIZE);
  poseDirs[5 * 3 * POSE_FEATURE_SIZE + 7] = 0.25;
  const jointRegressor = new Float32Array(SMPL_JOINT_COUNT * v);
  const skinWeights = new Float32Array(v * SMPL_JOINT_COUNT);
  for (let i = 0; i < v; i++) {
    jointRegressor[i * v + i] = 1;
    skinWeights[i * SMPL_JOINT_COUNT + Math.max(0, SMPL_PARENTS[i]!)] = 1;
  }
  const tips = new Float32Array(2 * v);
  tips[20] = 1; // left wrist
  tips[v + 21] = 1; // right wrist
  return {
    name: 'tiny',
    vertexCount: v,
    vTemplate,
    shapeDirs,
    poseDirs,
    jointRegressor,
    skinWeights,
    parents: Int32Array.from(SMPL_PARENTS),
    faces: Uint32Array.from([0, 1, 2, 0, 2, 3, 16, 18, 20]),
    keypointRegressors: new Map([['wrists', { count: 2, weights: tips }]]),
  };
}
