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
  /**
   * Training fast path, differentiable: the same keypoints as keypoints(forward(...).vertices, set)
   * (up to float rounding) without posing the mesh, plus what the losses need besides keypoints.
   */
  posedKeypoints(pose: tf.Tensor2D, shape: tf.Tensor2D, set: string): PosedKeypoints;
}

export interface PosedKeypoints {
  /** [N, K, 3] keypoints of the requested set, metres, model frame. */
  keypoints: tf.Tensor3D;
  /** [N, 24, 3] posed skeleton joints. */
  joints: tf.Tensor3D;
  /** [N, 24, 9] per-joint rotation matrices (row-major) from Rodrigues: e_smpl and the pose discriminator use them. */
  rotations: tf.Tensor3D;
}
