import * as tf from '../../tf/tf.js';
import { weightedMean } from './weighted-mean.js';

/**
 * e_const: 0.5·MSE between β of consecutive frames of one sequence (HD compute_loss_e_smooth on
 * betas). betas [B, T, 10]; valid [B, T] masks padded frames (a pair counts when both are real).
 */
export function constantShapeLoss(betas: tf.Tensor3D, valid: tf.Tensor2D): tf.Scalar {
  const [b, t, d] = betas.shape;
  const previous = tf.slice(betas, [0, 0, 0], [b, t - 1, d]);
  const next = tf.slice(betas, [0, 1, 0], [b, t - 1, d]);
  const pairValid = tf.mul(tf.slice(valid, [0, 0], [b, t - 1]), tf.slice(valid, [0, 1], [b, t - 1]));
  return tf.mul(0.5, weightedMean(tf.squaredDifference(previous, next), tf.expandDims(pairValid, 2))) as tf.Scalar;
}

/** e_shape: mean β² over every prediction (HMMR's L2 shape prior in place of a shape discriminator). */
export function shapePriorLoss(betas: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(betas));
}

/** e_hallucinate: MSE between the movie strip and the hallucinated one, gradient to both sides. */
export function hallucinationLoss(movieStrip: tf.Tensor2D, hallucinated: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(movieStrip, hallucinated));
}
