import { LSP_LEFT_HIP, LSP_RIGHT_HIP } from '../../body/joint-sets.js';
import * as tf from '../../tf/tf.js';
import { weightedMean } from './weighted-mean.js';

/** Joints [N, J, 3] (LSP order) minus their hip midpoint. */
export function alignByPelvis(joints: tf.Tensor3D): tf.Tensor3D {
  const n = joints.shape[0];
  const right = tf.slice(joints, [0, LSP_RIGHT_HIP, 0], [n, 1, 3]);
  const left = tf.slice(joints, [0, LSP_LEFT_HIP, 0], [n, 1, 3]);
  return tf.sub(joints, tf.mul(tf.add(left, right), 0.5)) as tf.Tensor3D;
}

/**
 * 0.5 · mean squared error over the rows whose weight is 1 (HD compute_loss_mse): rows [N, D],
 * weights [N]. Rows without ground truth contribute nothing, and all-zero weights give 0.
 */
export function maskedHalfMse(gt: tf.Tensor2D, pred: tf.Tensor2D, rowWeights: tf.Tensor1D): tf.Scalar {
  return tf.mul(0.5, weightedMean(tf.squaredDifference(gt, pred), tf.expandDims(rowWeights, 1))) as tf.Scalar;
}

/** e_joints: 0.5·MSE on the 14 LSP joints after hip-midpoint alignment; gt/pred [N, 14, 3]. */
export function jointsLoss(gt: tf.Tensor3D, pred: tf.Tensor3D, hasJoints: tf.Tensor1D): tf.Scalar {
  const n = gt.shape[0];
  const flat = (joints: tf.Tensor3D) => tf.reshape(alignByPelvis(joints), [n, -1]) as tf.Tensor2D;
  return maskedHalfMse(flat(gt), flat(pred), hasJoints);
}

/**
 * e_smpl: 0.5·MSE on the 24 rotation matrices (216 numbers) + 0.5·MSE on β, for rows with SMPL
 * ground truth. Rotations [N, 216], shapes [N, 10].
 */
export function smplLoss(gtRotations: tf.Tensor2D, predRotations: tf.Tensor2D, gtShape: tf.Tensor2D, predShape: tf.Tensor2D, hasSmpl: tf.Tensor1D): tf.Scalar {
  return tf.add(maskedHalfMse(gtRotations, predRotations, hasSmpl), maskedHalfMse(gtShape, predShape, hasSmpl)) as tf.Scalar;
}
