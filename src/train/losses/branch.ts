import { LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import * as tf from '../../tf/tf.js';
import { KEYPOINT_COUNT } from '../data/sequence.js';
import { projectWeakPerspective, solveWeakPerspectiveCameras } from './camera.js';
import { keypointLoss } from './keypoints.js';
import { jointsLoss, smplLoss } from './supervised-3d.js';

/** Ground truth of a batch as tensors, all [B, T, ...]. */
export interface GroundTruthTensors {
  /** [B, T, 25, 3]: x, y, visibility. */
  keypoints: tf.Tensor4D;
  /** [B, T, 14, 3]. */
  joints3d: tf.Tensor4D;
  hasJoints: tf.Tensor2D;
  /** [B, T, 216]: rotation matrices of the ground-truth pose. */
  rotations: tf.Tensor3D;
  /** [B, T, 10]. */
  shape: tf.Tensor3D;
  hasSmpl: tf.Tensor2D;
}

/** One prediction branch (present, past or future; real or hallucinated), all [B, T, ...]. */
export interface BranchPrediction {
  /** [B, T, 25, 3] canonical keypoints of the posed body, model frame. */
  keypoints3d: tf.Tensor4D;
  /** [B, T, 216]. */
  rotations: tf.Tensor3D;
  /** [B, T, 10]. */
  shape: tf.Tensor3D;
  /** [B, T, 3] predicted camera, or 'closed-form' to solve it against the ground truth (Δt branches). */
  camera: tf.Tensor3D | 'closed-form';
  /**
   * Frame offset of what this branch predicts: a row at frame t predicts frame t + offset
   * (−Δt for the past, +Δt for the future). Rows whose target falls outside the window are dropped:
   * past compares pred[Δ:T] with gt[0:T−Δ], future pred[0:T−Δ] with gt[Δ:T] (HD compute_losses_deltas).
   */
  offset: number;
}

export interface BranchLosses {
  kp: tf.Scalar;
  joints: tf.Scalar;
  smpl: tf.Scalar;
}

/** The kp, joints and smpl terms of one branch. */
export function branchLosses(pred: BranchPrediction, gt: GroundTruthTensors): BranchLosses {
  const [b, t] = gt.hasJoints.shape;
  const shift = Math.abs(pred.offset);
  const length = t - shift;
  const predStart = pred.offset < 0 ? shift : 0;
  const gtStart = pred.offset > 0 ? shift : 0;
  const rows = b * length;
  const window = <T extends tf.Tensor>(x: T, start: number): tf.Tensor => {
    const begin = x.shape.map((_, axis) => (axis === 1 ? start : 0));
    const size = x.shape.map((dim, axis) => (axis === 1 ? length : dim));
    return tf.slice(x, begin, size);
  };
  const predPoints = tf.reshape(window(pred.keypoints3d, predStart), [rows, KEYPOINT_COUNT, 3]) as tf.Tensor3D;
  const gtPoints = tf.reshape(window(gt.keypoints, gtStart), [rows, KEYPOINT_COUNT, 3]) as tf.Tensor3D;

  let cameras: tf.Tensor2D;
  if (pred.camera === 'closed-form') {
    // The camera is a constant for the loss (stop-gradient in the reference): solved on plain arrays.
    const xy = tf.slice(predPoints, [0, 0, 0], [rows, KEYPOINT_COUNT, 2]);
    cameras = tf.tensor2d(solveWeakPerspectiveCameras(xy.dataSync() as Float32Array, gtPoints.dataSync() as Float32Array, KEYPOINT_COUNT), [rows, 3]);
  } else {
    cameras = tf.reshape(window(pred.camera, predStart), [rows, 3]) as tf.Tensor2D;
  }
  const kp = keypointLoss(gtPoints, projectWeakPerspective(predPoints, cameras));

  const predJoints = tf.slice(predPoints, [0, 0, 0], [rows, LSP_JOINT_COUNT, 3]);
  const gtJoints = tf.reshape(window(gt.joints3d, gtStart), [rows, LSP_JOINT_COUNT, 3]) as tf.Tensor3D;
  const hasJoints = tf.reshape(window(gt.hasJoints, gtStart), [rows]) as tf.Tensor1D;
  const joints = jointsLoss(gtJoints, predJoints, hasJoints);

  const flat2d = (x: tf.Tensor3D, start: number) => tf.reshape(window(x, start), [rows, x.shape[2]]) as tf.Tensor2D;
  const hasSmpl = tf.reshape(window(gt.hasSmpl, gtStart), [rows]) as tf.Tensor1D;
  const smpl = smplLoss(flat2d(gt.rotations, gtStart), flat2d(pred.rotations, predStart), flat2d(gt.shape, gtStart), flat2d(pred.shape, predStart), hasSmpl);
  return { kp, joints, smpl };
}
