import type * as tf from '@tensorflow/tfjs-core';

/**
 * An SMPL-layout body model: 24 joints on SMPL's kinematic tree, 72 pose parameters (axis-angle,
 * root first) and 10 shape parameters, posed by linear blend skinning. Both the user-supplied SMPL
 * file and hmmr's procedurally generated stand-in implement this, through the same code path.
 */
export interface BodyModel {
  readonly name: string;
  readonly vertexCount: number;
  /** Always 24 (SMPL's kinematic tree). */
  readonly jointCount: number;
  /** Keypoint sets this model has a regressor for, e.g. 'hmmr25', 'lsp14', 'coco18', 'body25'. */
  readonly keypointSets: readonly string[];
  /**
   * Differentiable forward pass. pose [N, 72], shape [N, 10] →
   * vertices [N, V, 3] and skeleton joints [N, 24, 3], in metres, model frame.
   */
  forward(pose: tf.Tensor2D, shape: tf.Tensor2D): { vertices: tf.Tensor3D; joints: tf.Tensor3D };
  /** Keypoints of a named set from posed vertices [N, V, 3] → [N, K, 3]. */
  keypoints(vertices: tf.Tensor3D, set: string): tf.Tensor3D;
}
