/**
 * Axis-angle → rotation matrices, as HMR/HMMR's batch_rodrigues computes them (spec B1):
 * angle = ‖θ + 1e-8‖, axis r = θ / angle, R = cos·I + (1 − cos)·r rᵀ + sin·[r]×.
 * The 1e-8 keeps the gradient finite at θ = 0 (where the reference, and so HMMR's pose prior, puts
 * the rest pose). Matrices are row-major 9-vectors throughout src/body.
 */
import * as tf from '../train/tf.js';
import { SMPL_JOINT_COUNT } from './joint-sets.js';

const IDENTITY_3X3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** Axis-angle [M, 3] → rotation matrices [M, 9] (row-major). */
export function rodrigues(axisAngle: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const count = axisAngle.shape[0];
    const angle = tf.sqrt(tf.sum(tf.square(tf.add(axisAngle, 1e-8)), 1, true)); // [M, 1]
    const axis = tf.div(axisAngle, angle); // [M, 3]
    const outer = tf.reshape(tf.mul(tf.reshape(axis, [count, 3, 1]), tf.reshape(axis, [count, 1, 3])), [count, 9]);
    const [x, y, z] = tf.split(axis, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const zero = tf.zerosLike(x);
    // [r]× row-major: [[0, −z, y], [z, 0, −x], [−y, x, 0]]
    const skew = tf.concat([zero, tf.neg(z), y, z, zero, tf.neg(x), tf.neg(y), x, zero], 1);
    const cos = tf.cos(angle);
    return tf.addN([
      tf.mul(cos, tf.tensor2d(IDENTITY_3X3, [1, 9])),
      tf.mul(tf.sub(1, cos), outer),
      tf.mul(tf.sin(angle), skew),
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

/** Pose blend shape input: R₁..R₂₃ − I, flattened → [N, 207] (the root's rotation is excluded). */
export function poseBlendFeature(rotations: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const count = rotations.shape[0];
    const nonRoot = tf.slice(rotations, [0, 1, 0], [count, SMPL_JOINT_COUNT - 1, 9]);
    return tf.reshape(tf.sub(nonRoot, tf.tensor3d(IDENTITY_3X3, [1, 1, 9])), [count, (SMPL_JOINT_COUNT - 1) * 9]);
  });
}
