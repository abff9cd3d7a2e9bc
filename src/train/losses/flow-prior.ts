import type { PoseFlow } from '../../prior/pose-flow.js';
import * as tf from '../../tf/tf.js';

/**
 * e_flow: mean −log p(θ) of predicted poses [M, 72] under the normalizing-flow prior (nats per
 * pose; the root is not judged). The flow's weights are constants here: only the encoder's
 * parameters are differentiated, so the gradient reaches the poses and through them the regressor.
 */
export function flowPriorLoss(flow: PoseFlow, poses: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(flow.poseLogProb(poses))) as tf.Scalar;
}
