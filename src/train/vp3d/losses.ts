import { LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import * as tf from '../../tf/tf.js';

/** LSP-14 bones as joint pairs (limbs, hips, shoulders to neck, neck to head top, torso sides). */
export const LSP_BONES: readonly (readonly [number, number])[] = [
  [0, 1], [1, 2], [5, 4], [4, 3], [2, 3],
  [6, 7], [7, 8], [11, 10], [10, 9], [8, 12], [9, 12], [12, 13],
  [2, 8], [3, 9],
];

/** Keeps the norm's gradient finite where a difference is exactly zero. */
const NORM_EPSILON = 1e-12;

function norms(difference: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.add(tf.sum(tf.square(difference), -1), NORM_EPSILON));
}

/** Σ weight·value / Σ weight, 0 when no weight. */
function weightedMean(values: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.div(tf.sum(tf.mul(values, weights)), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
}

/** MPJPE (the reference's loss): mean joint distance over the frames with `mask` [B, T]. */
export function jointsLoss(predicted: tf.Tensor4D, target: tf.Tensor4D, mask: tf.Tensor2D): tf.Scalar {
  return weightedMean(tf.mean(norms(tf.sub(predicted, target)), -1), mask);
}

/** |Δs| + ‖Δ(u, v)‖ over the frames with a camera target. */
export function trajectoryLoss(predicted: tf.Tensor3D, target: tf.Tensor3D, mask: tf.Tensor2D): tf.Scalar {
  const [batch, frames] = predicted.shape;
  const scaleError = tf.abs(tf.sub(tf.slice(predicted, [0, 0, 0], [batch, frames, 1]), tf.slice(target, [0, 0, 0], [batch, frames, 1])));
  const rootError = norms(tf.sub(tf.slice(predicted, [0, 0, 1], [batch, frames, 2]), tf.slice(target, [0, 0, 1], [batch, frames, 2])));
  return weightedMean(tf.add(tf.squeeze(scaleError, [2]), rootError), mask);
}

/** Joints [B, T, 14, 3] seen through the trajectory [B, T, 3] → [B, T, 14, 2]: s·X_xy + (u, v). */
export function backProject(joints: tf.Tensor4D, trajectory: tf.Tensor3D): tf.Tensor4D {
  const [batch, frames] = trajectory.shape;
  const xy = tf.slice(joints, [0, 0, 0, 0], [batch, frames, LSP_JOINT_COUNT, 2]);
  const scale = tf.reshape(tf.slice(trajectory, [0, 0, 0], [batch, frames, 1]), [batch, frames, 1, 1]);
  const root = tf.reshape(tf.slice(trajectory, [0, 0, 1], [batch, frames, 2]), [batch, frames, 1, 2]);
  return tf.add(tf.mul(xy, scale), root);
}

/** 2D MPJPE of the back-projection against the visible keypoints (`visible` [B, T, 14]). */
export function reprojectionLoss(projected: tf.Tensor4D, keypoints: tf.Tensor4D, visible: tf.Tensor3D): tf.Scalar {
  return weightedMean(norms(tf.sub(projected, keypoints)), visible);
}

/** [14, bones]: +1 at a bone's first joint, −1 at its second (the wasm backend cannot differentiate tf.gather). */
const BONE_DIFFERENCES: number[] = (() => {
  const matrix = new Array<number>(LSP_JOINT_COUNT * LSP_BONES.length).fill(0);
  LSP_BONES.forEach(([a, b], bone) => {
    matrix[a * LSP_BONES.length + bone] = 1;
    matrix[b * LSP_BONES.length + bone] = -1;
  });
  return matrix;
})();

/** [B, T, 14, 3] → [B, T, bones]. */
export function boneLengths(joints: tf.Tensor4D): tf.Tensor3D {
  const [batch, frames] = joints.shape;
  const byAxis = tf.reshape(tf.transpose(joints, [0, 1, 3, 2]), [batch * frames * 3, LSP_JOINT_COUNT]);
  const bones = tf.matMul(byAxis, tf.tensor2d(BONE_DIFFERENCES, [LSP_JOINT_COUNT, LSP_BONES.length]));
  const vectors = tf.transpose(tf.reshape(bones, [batch, frames, 3, LSP_BONES.length]), [0, 1, 3, 2]);
  return norms(vectors) as tf.Tensor3D;
}

/**
 * The reference's bone-length term: the mean length of each bone over the 3D batch's predictions
 * and over the 2D-only batch's, their absolute differences averaged over bones. The 3D tubes'
 * skeletons are what the 2D-only predictions are held to (the back-projection alone would let a
 * body shrink toward the camera or stretch along depth).
 */
export function boneLengthLoss(labelled: tf.Tensor4D, unlabelled: tf.Tensor4D): tf.Scalar {
  const meanLengths = (joints: tf.Tensor4D) => tf.mean(boneLengths(joints), [0, 1]);
  return tf.mean(tf.abs(tf.sub(meanLengths(labelled), meanLengths(unlabelled))));
}
