import * as tf from '../../tf/tf.js';

/**
 * Σ w·x / Σ w over the elements with a nonzero weight, and 0 when every weight is 0: what TF1's
 * `tf.losses.*(weights=...)` reduce to with their default SUM_BY_NONZERO_WEIGHTS, which the
 * reference's losses use. `weights` broadcasts against `values`; the count includes broadcasting
 * (a weight per point counts twice for x and y), as TF1 counts it.
 */
export function weightedMean(values: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  const broadcastWeights = tf.mul(weights, tf.onesLike(values));
  const total = tf.sum(tf.mul(values, broadcastWeights));
  return tf.div(total, tf.maximum(tf.sum(broadcastWeights), 1e-8)) as tf.Scalar;
}
