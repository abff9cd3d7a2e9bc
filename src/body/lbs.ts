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
 * Constant operands multiply through ConstantMatrix (fast gradients on wasm), and per-joint work
 * runs joint-major (see kinematics.ts); a few cheap transposes convert to and from sample-major.
 */
import * as tf from '../tf/tf.js';
import { ConstantMatrix, placementMatrix } from './constant-ops.js';
import { SMPL_JOINT_COUNT, SMPL_POSE_SIZE, SMPL_SHAPE_SIZE } from './joint-sets.js';
import { KinematicTree } from './kinematics.js';
import { jointShapeRegression, keypointSkinning } from './keypoint-skinning.js';
import type { BodyModelData } from './model-data.js';
import { POSE_FEATURE_SIZE } from './model-data.js';
import { rodrigues, rotationsMinusIdentity } from './rodrigues.js';
import type { BodyModel, PosedKeypoints } from './types.js';

const ALL_JOINTS_FEATURE_SIZE = SMPL_JOINT_COUNT * 9;

interface KeypointPath {
  count: number;
  slots: number;
  /** Regressor on vertices, for keypoints(vertices). */
  regressor: ConstantMatrix;
  /** β → the shape part of m_kj; R − I → the pose part (see keypoint-skinning.ts). */
  shapeDirections: ConstantMatrix;
  poseDirections: ConstantMatrix;
  base: tf.Tensor2D;
  /** One-hot [pairs, 24]: each (keypoint, slot) pair's joint transform. */
  selectJoints: ConstantMatrix;
}

/** What every path computes first: rotations, the pose feature, posed joints, skinning transforms. */
interface Articulation {
  /** [N, 24, 9] sample-major. */
  rotations: tf.Tensor3D;
  /** [N, 216]: R − I for all 24 joints. */
  poseFeature: tf.Tensor2D;
  /** [N, 24, 3]. */
  joints: tf.Tensor3D;
  /** Joint-major [24, N · 12]. */
  transforms: tf.Tensor2D;
}

export class LbsBodyModel implements BodyModel {
  readonly name: string;
  readonly vertexCount: number;
  readonly jointCount = SMPL_JOINT_COUNT;
  readonly keypointSets: readonly string[];
  /** [F, 3] triangles, for rendering and export. */
  readonly faces: Uint32Array;

  private readonly tree: KinematicTree;
  private readonly meshShapeDirections: ConstantMatrix;
  private readonly meshPoseDirections: ConstantMatrix;
  private readonly template: tf.Tensor2D;
  private readonly skinning: ConstantMatrix;
  private readonly pointToHomogeneous = new ConstantMatrix(placementMatrix(3, 4, [[0, 0], [1, 1], [2, 2]]), 3, 4);
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
    this.meshShapeDirections = new ConstantMatrix(transposeRows(data.shapeDirs, v * 3, SMPL_SHAPE_SIZE, 0, SMPL_SHAPE_SIZE), SMPL_SHAPE_SIZE, v * 3);
    // Row 9 + p of the pose matrix is posedirs feature p; rows 0..8 (the root) stay zero.
    this.meshPoseDirections = new ConstantMatrix(transposeRows(data.poseDirs, v * 3, POSE_FEATURE_SIZE, 9, ALL_JOINTS_FEATURE_SIZE), ALL_JOINTS_FEATURE_SIZE, v * 3);
    this.template = tf.keep(tf.tensor2d(data.vTemplate, [1, v * 3]));
    this.skinning = new ConstantMatrix(data.skinWeights, v, SMPL_JOINT_COUNT);
    const joints = jointShapeRegression(data);
    this.jointTemplate = tf.keep(tf.tensor2d(joints.template, [1, SMPL_JOINT_COUNT * 3]));
    this.jointShapeDirections = new ConstantMatrix(joints.shapeDirs, SMPL_SHAPE_SIZE, SMPL_JOINT_COUNT * 3);

    for (const [set, regressor] of data.keypointRegressors) {
      const skin = keypointSkinning(data, regressor);
      const pairs = skin.keypointCount * skin.slotsPerKeypoint;
      this.keypointPaths.set(set, {
        count: regressor.count,
        slots: skin.slotsPerKeypoint,
        regressor: new ConstantMatrix(regressor.weights, regressor.count, v),
        shapeDirections: new ConstantMatrix(skin.shapeDirections, SMPL_SHAPE_SIZE, pairs * 4),
        poseDirections: new ConstantMatrix(skin.poseDirections, ALL_JOINTS_FEATURE_SIZE, pairs * 4),
        base: tf.keep(tf.tensor2d(skin.base, [1, pairs * 4])),
        selectJoints: new ConstantMatrix(placementMatrix(pairs, SMPL_JOINT_COUNT, Array.from(skin.joints, (joint, pair) => [pair, joint])), pairs, SMPL_JOINT_COUNT),
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
      const { poseFeature, joints, transforms } = this.articulate(pose, shape);
      const blended = tf.add(tf.add(this.meshPoseDirections.rightMultiply(poseFeature), this.meshShapeDirections.rightMultiply(shape)), this.template);
      // Vertex-major from here, like the transforms: [V · N, ...].
      const rest: tf.Tensor2D = tf.reshape(tf.transpose(tf.reshape(blended, [n, v, 3]), [1, 0, 2]), [v * n, 3]);
      const homogeneous: tf.Tensor2D = tf.add(this.pointToHomogeneous.rightMultiply(rest), tf.tensor2d([0, 0, 0, 1], [1, 4]));
      const perVertex = tf.reshape(this.skinning.leftMultiply(transforms), [v * n, 3, 4]);
      const posed = tf.sum(tf.mul(perVertex, tf.reshape(homogeneous, [v * n, 1, 4])), 2);
      const vertices: tf.Tensor3D = tf.transpose(tf.reshape(posed, [v, n, 3]), [1, 0, 2]);
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
      const { rotations, poseFeature, joints, transforms } = this.articulate(pose, shape);
      const m = tf.add(tf.add(path.poseDirections.rightMultiply(poseFeature), path.shapeDirections.rightMultiply(shape)), path.base);
      const mPairMajor = tf.reshape(tf.transpose(tf.reshape(m, [n, pairs, 4]), [1, 0, 2]), [pairs, n, 1, 4]);
      const selected = tf.reshape(path.selectJoints.leftMultiply(transforms), [pairs, n, 3, 4]);
      const perPair = tf.sum(tf.mul(selected, mPairMajor), 3); // [pairs, N, 3]
      const perKeypoint = tf.sum(tf.reshape(perPair, [path.count, path.slots, n, 3]), 1);
      const keypoints = tf.transpose(perKeypoint, [1, 0, 2]) as tf.Tensor3D;
      return { keypoints, joints, rotations };
    });
  }

  /** Frees the model's tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tree.dispose();
    this.meshShapeDirections.dispose();
    this.meshPoseDirections.dispose();
    this.template.dispose();
    this.skinning.dispose();
    this.pointToHomogeneous.dispose();
    this.jointTemplate.dispose();
    this.jointShapeDirections.dispose();
    for (const path of this.keypointPaths.values()) {
      for (const matrix of [path.regressor, path.shapeDirections, path.poseDirections, path.selectJoints]) matrix.dispose();
      path.base.dispose();
    }
  }

  private articulate(pose: tf.Tensor2D, shape: tf.Tensor2D): Articulation {
    const n = pose.shape[0];
    const rows = SMPL_JOINT_COUNT * n;
    const jointMajor = (sampleMajor: tf.Tensor, width: number) =>
      tf.reshape(tf.transpose(tf.reshape(sampleMajor, [n, SMPL_JOINT_COUNT, width]), [1, 0, 2]), [rows, width]) as tf.Tensor2D;
    const rotationsJointMajor = rodrigues(jointMajor(pose, 3));
    const posed = this.tree.pose(rotationsJointMajor, jointMajor(this.restJoints(shape), 3));
    const rotations: tf.Tensor3D = tf.transpose(tf.reshape(rotationsJointMajor, [SMPL_JOINT_COUNT, n, 9]), [1, 0, 2]);
    return {
      rotations,
      poseFeature: rotationsMinusIdentity(rotations),
      joints: tf.transpose(tf.reshape(posed.joints, [SMPL_JOINT_COUNT, n, 3]), [1, 0, 2]),
      transforms: posed.transforms,
    };
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

/**
 * A [rows, width] row-major array (SMPL's [V·3, D] blend directions) as [outRows, rows] with input
 * column d in output row offset + d: directions become rows, so β · S and feature · P are plain products.
 */
function transposeRows(values: Float32Array, rows: number, width: number, offset: number, outRows: number): Float32Array {
  const out = new Float32Array(outRows * rows);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < width; d++) out[(offset + d) * rows + r] = values[r * width + d]!;
  }
  return out;
}
