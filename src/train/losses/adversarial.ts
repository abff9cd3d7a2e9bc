import * as tf from '../../tf/tf.js';

/*
 * LSGAN losses on the discriminator's 24 logits per pose (HD ops.py): sum over the logits, mean
 * over poses.
 */

/** e_pose: the encoder wants fakes judged real, mean Σ (D(fake) − 1)². */
export function encoderAdversarialLoss(fakeLogits: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.sum(tf.square(tf.sub(fakeLogits, 1)), 1));
}

/** d_pose: mean Σ (D(real) − 1)² + mean Σ D(fake)². */
export function discriminatorLoss(realLogits: tf.Tensor2D, fakeLogits: tf.Tensor2D): tf.Scalar {
  return tf.add(tf.mean(tf.sum(tf.square(tf.sub(realLogits, 1)), 1)), tf.mean(tf.sum(tf.square(fakeLogits), 1))) as tf.Scalar;
}
