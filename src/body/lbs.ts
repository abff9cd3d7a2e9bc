/**
 * SMPL linear blend skinning in tfjs (spec B1), differentiable on every backend including wasm:
 * shape blend → joint regression → Rodrigues → pose blend from (R₁..₂₃ − I) → forward kinematics →
 * skinning → keypoints by regressor. Both SMPL files and hmmr's stand-in run through this class.
 *
 * Two paths:
 * - forward(): the full mesh [N, V, 3] (evaluation, rendering, mesh error);
 * - posedKeypoints(): keypoints, skeleton joints and rotations without the mesh, through the
 *   precomputed per-keypoint skinning of keypoint-skinning.ts. This is what training calls, for
 *   every present, past, future and hallucinated prediction of a batch.
 * Rest joints never need the mesh either: J_regressor · (t + Sβ) is affine in β and precomputed.
 *
 * Constant operands (blend shapes, weights, regressors) multiply through ConstantMatrix, whose
 * gradients avoid wasm's slow transposed matMul.
 */
import * as tf from '../train/tf.js';
import { ConstantGather, ConstantMatrix } from './constant-ops.js';
import { SMPL_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from './joint-sets.js';
import { KinematicTree } from './kinematics.js';
import { BLEND_INPUT_SIZE, jointShapeRegression, keypointSkinning } from './keypoint-skinning.js';
import type { BodyModelData } from './model-data.js';
import { POSE_FEATURE_SIZE } from './model-data.js';
import { poseBlendFeature, poseRotations } from './rodrigues.js';
import type { BodyModel, PosedKeypoints } from './types.js';

interface KeypointPath {
  count: number;
  slots: number;
  /** Regressor on vertices, for keypoints(vertices). */
  regressor: ConstantMatrix;
  /** [β ; p] → m_kj (see keypoint-skinning.ts). */
  directions: ConstantMatrix;
  base: tf.Tensor1D;
  gather: ConstantGather;
}

export class LbsBodyModel implements BodyModel {
  readonly name: string;
  readonly vertexCount: number;
  readonly jointCount = SMPL_JOINT_COUNT;
  readonly keypointSets: readonly string[];
  /** [F, 3] triangles, for rendering and export. */
  readonly faces: Uint32Array;

  private readonly tree: KinematicTree;
  private readonly blendDirections: ConstantMatrix;
  private readonly template: tf.Tensor2D;
  private readonly skinning: ConstantMatrix;
  private readonly jointTemplate: tf.Tensor2D;
  private readonly jointShapeDirections: ConstantMatrix;
  private readonly keypointPaths = new Map<string, KeypointPath>();
  private disposed = false;

  /** Builds the model's constant tensors on the current tfjs backend (call initBackend first). */
  constructor(data: BodyModelData) {
    this.name = data.name;
    this.vertexCount = data.vertexCount;
    this.faces = data.faces;
    this.keypointSets = [...data.keypointRegressors.keys()];
    this.tree = new KinematicTree(Array.from(data.parents));

    const v = data.vertexCount;
    this.blendDirections = new ConstantMatrix(stackBlendDirections(data), BLEND_INPUT_SIZE, v * 3);
    this.template = tf.keep(tf.tensor2d(data.vTemplate, [1, v * 3]));
    this.skinning = new ConstantMatrix(data.skinWeights, v, SMPL_JOINT_COUNT);
    const joints = jointShapeRegression(data);
    this.jointTemplate = tf.keep(tf.tensor2d(joints.template, [1, SMPL_JOINT_COUNT * 3]));
    this.jointShapeDirections = new ConstantMatrix(joints.shapeDirs, SMPL_SHAPE_SIZE, SMPL_JOINT_COUNT * 3);

    for (const [set, regressor] of data.keypointRegressors) {
      const skin = keypointSkinning(data, regressor);
      const columns = skin.keypointCount * skin.slotsPerKeypoint * 4;
      this.keypointPaths.set(set, {
        count: regressor.count,
        slots: skin.slotsPerKeypoint,
        regressor: new ConstantMatrix(regressor.weights, regressor.count, v),
        directions: new ConstantMatrix(skin.directions, BLEND_INPUT_SIZE, columns),
        base: tf.keep(tf.tensor1d(skin.base)),
        gather: new ConstantGather(skin.joints, SMPL_JOINT_COUNT),
      });
    }
  }

  /** Rest-pose joints for shapes [N, 10] → [N, 24, 3]. */
  restJoints(shape: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() =>
      tf.reshape(tf.add(this.jointShapeDirections.rightMultiply(shape), this.jointTemplate), [shape.shape[0], SMPL_JOINT_COUNT, 3]),
    );
  }

  forward(pose: tf.Tensor2D, shape: tf.Tensor2D): { vertices: tf.Tensor3D; joints: tf.Tensor3D } {
    this.checkInputs(pose, shape);
    return tf.tidy(() => {
      const n = pose.shape[0];
      const v = this.vertexCount;
      const rotations = poseRotations(pose);
      const blended = tf.add(this.blendDirections.rightMultiply(tf.concat([shape, poseBlendFeature(rotations)], 1)), this.template);
      const { joints, transforms } = this.tree.pose(rotations, this.restJoints(shape));
      const perVertex = tf.reshape(this.skinning.leftMultiply(transforms), [n, v, 3, 4]);
      const homogeneous = tf.concat([tf.reshape(blended, [n, v, 3]), tf.ones([n, v, 1])], 2);
      const vertices = tf.sum(tf.mul(perVertex, tf.reshape(homogeneous, [n, v, 1, 4])), 3) as tf.Tensor3D;
      return { vertices, joints };
    });
  }

  keypoints(vertices: tf.Tensor3D, set: string): tf.Tensor3D {
    return this.keypointPath(set).regressor.leftMultiply(vertices);
  }

  posedKeypoints(pose: tf.Tensor2D, shape: tf.Tensor2D, set: string): PosedKeypoints {
    this.checkInputs(pose, shape);
    const path = this.keypointPath(set);
    return tf.tidy(() => {
      const n = pose.shape[0];
      const pairs = path.count * path.slots;
      const rotations = poseRotations(pose);
      const { joints, transforms } = this.tree.pose(rotations, this.restJoints(shape));
      const blendInput = tf.concat([shape, poseBlendFeature(rotations)], 1);
      const m = tf.reshape(tf.add(path.directions.rightMultiply(blendInput), path.base), [n, pairs, 1, 4]);
      const a = tf.reshape(path.gather.apply(transforms), [n, pairs, 3, 4]);
      const perPair = tf.sum(tf.mul(a, m), 3); // [N, pairs, 3]
      const keypoints = tf.sum(tf.reshape(perPair, [n, path.count, path.slots, 3]), 2) as tf.Tensor3D;
      return { keypoints, joints, rotations };
    });
  }

  /** Frees the model's tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tree.dispose();
    this.blendDirections.dispose();
    this.template.dispose();
    this.skinning.dispose();
    this.jointTemplate.dispose();
    this.jointShapeDirections.dispose();
    for (const path of this.keypointPaths.values()) {
      path.regressor.dispose();
      path.directions.dispose();
      path.base.dispose();
      path.gather.dispose();
    }
  }

  private keypointPath(set: string): KeypointPath {
    const path = this.keypointPaths.get(set);
    if (!path) throw new RangeError(`body model '${this.name}' has no '${set}' keypoint regressor (it has: ${this.keypointSets.join(', ') || 'none'})`);
    return path;
  }

  private checkInputs(pose: tf.Tensor2D, shape: tf.Tensor2D): void {
    if (this.disposed) throw new Error(`body model '${this.name}' was disposed`);
    if (pose.rank !== 2 || pose.shape[1] !== SMPL_POSE_SIZE) throw new RangeError(`pose must be [N, 72], got [${pose.shape.join(', ')}]`);
    if (shape.rank !== 2 || shape.shape[1] !== SMPL_SHAPE_SIZE || shape.shape[0] !== pose.shape[0]) {
      throw new RangeError(`shape must be [N, 10] with N = ${pose.shape[0]}, got [${shape.shape.join(', ')}]`);
    }
  }
}

/** [S_v | P_v] as one [217, 3V] matrix: row s < 10 is shape direction s, the rest pose directions. */
function stackBlendDirections(data: BodyModelData): Float32Array {
  const columns = data.vertexCount * 3;
  const out = new Float32Array(BLEND_INPUT_SIZE * columns);
  for (let column = 0; column < columns; column++) {
    for (let s = 0; s < SMPL_SHAPE_SIZE; s++) out[s * columns + column] = data.shapeDirs[column * SMPL_SHAPE_SIZE + s]!;
    for (let p = 0; p < POSE_FEATURE_SIZE; p++) {
      out[(SMPL_SHAPE_SIZE + p) * columns + column] = data.poseDirs[column * POSE_FEATURE_SIZE + p]!;
    }
  }
  return out;
}
