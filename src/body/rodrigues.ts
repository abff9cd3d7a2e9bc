/**
 * Axis-angle → rotation matrices, as HMR/HMMR's batch_rodrigues computes them (spec B1):
 * angle = ‖θ + 1e-8‖, axis r = θ / angle, R = cos·I + (1 − cos)·r rᵀ + sin·[r]×.
 * The 1e-8 keeps the gradient finite at θ = 0, where HMMR's rest pose and many predictions sit.
 * Matrices are row-major 9-vectors throughout src/body.
 */
import * as tf from '../tf/tf.js';
import { ConstantMatrix } from './constant-ops.js';
import { SMPL_JOINT_COUNT } from './joint-sets.js';

const IDENTITY_3X3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/**
 * r [M, 3] · SKEW [3, 9] = [r]× row-major, i.e. [[0, −z, y], [z, 0, −x], [−y, x, 0]]. A product
 * instead of assembling nine columns: concat of narrow columns is slow on wasm (constant-ops.ts).
 */
const SKEW_FROM_AXIS = [
  [0, 0, 0, 0, 0, -1, 0, 1, 0], // x: +x at (2,1), −x at (1,2)
  [0, 0, 1, 0, 0, 0, -1, 0, 0], // y: +y at (0,2), −y at (2,0)
  [0, -1, 0, 1, 0, 0, 0, 0, 0], // z: +z at (1,0), −z at (0,1)
].flat();

/** One skew matrix per backend, made on first use (tensors belong to the backend that made them). */
const skewByBackend = new Map<string, ConstantMatrix>();

function skewMatrix(): ConstantMatrix {
  const backend = tf.getBackend();
  let skew = skewByBackend.get(backend);
  if (!skew) skewByBackend.set(backend, (skew = new ConstantMatrix(SKEW_FROM_AXIS, 3, 9)));
  return skew;
}

/** Axis-angle [M, 3] → rotation matrices [M, 9] (row-major). */
export function rodrigues(axisAngle: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const count = axisAngle.shape[0];
    const angle = tf.sqrt(tf.sum(tf.square(tf.add(axisAngle, 1e-8)), 1, true)); // [M, 1]
    const axis: tf.Tensor2D = tf.div(axisAngle, angle); // [M, 3]
    const outer = tf.reshape(tf.mul(tf.reshape(axis, [count, 3, 1]), tf.reshape(axis, [count, 1, 3])), [count, 9]);
    const cos = tf.cos(angle);
    return tf.addN([
      tf.mul(cos, tf.tensor2d(IDENTITY_3X3, [1, 9])),
      tf.mul(tf.sub(1, cos), outer),
      tf.mul(tf.sin(angle), skewMatrix().rightMultiply(axis)),
    ]) as tf.Tensor2D;
  });
}

/** SMPL pose [N, 72] (axis-angle per joint, root first) → rotations [N, 24, 9]. */
export function poseRotations(pose: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const count = pose.shape[0];
    return tf.reshape(rodrigues(tf.reshape(pose, [count * SMPL_JOINT_COUNT, 3])), [count, SMPL_JOINT_COUNT, 9]);
  });
}

/**
 * Pose blend shape input for all 24 joints: R_j − I flattened → [N, 216]. SMPL's posedirs use
 * joints 1..23 (207 values); callers give the root's 9 rows zero weight rather than slicing it off
 * (a strided slice costs more than the 4 % of extra multiply-adds).
 */
export function rotationsMinusIdentity(rotations: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const count = rotations.shape[0];
    return tf.reshape(tf.sub(rotations, tf.tensor3d(IDENTITY_3X3, [1, 1, 9])), [count, SMPL_JOINT_COUNT * 9]);
  });
}
