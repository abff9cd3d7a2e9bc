import * as tf from '../../tf/tf.js';
import { weightedMean } from './weighted-mean.js';

/**
 * e_kp (HD compute_loss_e_kp): L1 between ground-truth and predicted 2D keypoints in normalised
 * crop coordinates, weighted by visibility, averaged over visible coordinates.
 * gt [N, K, 3] = (x, y, visibility ∈ {0, 1}); pred [N, K, 2].
 */
export function keypointLoss(gt: tf.Tensor3D, pred: tf.Tensor3D): tf.Scalar {
  const [n, k] = gt.shape;
  const xy = tf.slice(gt, [0, 0, 0], [n, k, 2]);
  const visibility = tf.slice(gt, [0, 0, 2], [n, k, 1]);
  return weightedMean(tf.abs(tf.sub(xy, pred)), visibility);
}
