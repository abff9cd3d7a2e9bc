import * as tf from '../../tf/tf.js';

/** Weak-perspective projection x̂ = s·(X_xy + t): points [N, K, ≥2], cameras [N, 3] → [N, K, 2]. */
export function projectWeakPerspective(points: tf.Tensor3D, cameras: tf.Tensor2D): tf.Tensor3D {
  const [n, k] = points.shape;
  const xy = tf.slice(points, [0, 0, 0], [n, k, 2]);
  const scale = tf.reshape(tf.slice(cameras, [0, 0], [n, 1]), [n, 1, 1]);
  const translation = tf.reshape(tf.slice(cameras, [0, 1], [n, 2]), [n, 1, 2]);
  return tf.mul(scale, tf.add(xy, translation)) as tf.Tensor3D;
}

export interface ScaleBounds {
  min: number;
  max: number;
}

/** The reference's bounds: a lower bound so flipped or degenerate poses cannot collapse s. */
export const DELTA_CAMERA_SCALE_BOUNDS: ScaleBounds = { min: 0.7, max: 10 };

/**
 * The closed-form weak-perspective camera for the Δt predictions (HD procrustes2d_vis): for each
 * row, on visible points only, centre prediction X and ground truth Y on their visible means,
 * s = tr((XᵀX + 1e-6·I)⁻¹ XᵀY) / 2 clipped to the bounds, t = μ_Y / s − μ_X.
 * Plain arrays in and out: the camera is a constant for the loss (the reference stops its gradient).
 * pred [N·K·2] (x, y), gt [N·K·3] (x, y, visibility); returns [N·3] = (s, tx, ty).
 * A row with no visible point gets (1, 0, 0); its loss is zero anyway.
 */
export function solveWeakPerspectiveCameras(pred: Float32Array, gt: Float32Array, keypointCount: number, bounds: ScaleBounds = DELTA_CAMERA_SCALE_BOUNDS): Float32Array {
  const n = pred.length / (2 * keypointCount);
  const cameras = new Float32Array(3 * n);
  for (let row = 0; row < n; row++) {
    let count = 0;
    let mxP = 0, myP = 0, mxG = 0, myG = 0;
    for (let k = 0; k < keypointCount; k++) {
      const g = (row * keypointCount + k) * 3;
      if (!(gt[g + 2]! > 0)) continue;
      const p = (row * keypointCount + k) * 2;
      count++;
      mxP += pred[p]!;
      myP += pred[p + 1]!;
      mxG += gt[g]!;
      myG += gt[g + 1]!;
    }
    if (count === 0) {
      cameras.set([1, 0, 0], 3 * row);
      continue;
    }
    mxP /= count; myP /= count; mxG /= count; myG /= count;
    // A = XᵀX + εI and B = XᵀY, both 2×2, over centred visible points.
    let a00 = 1e-6, a01 = 0, a11 = 1e-6, b00 = 0, b01 = 0, b10 = 0, b11 = 0;
    for (let k = 0; k < keypointCount; k++) {
      const g = (row * keypointCount + k) * 3;
      if (!(gt[g + 2]! > 0)) continue;
      const p = (row * keypointCount + k) * 2;
      const px = pred[p]! - mxP, py = pred[p + 1]! - myP;
      const gx = gt[g]! - mxG, gy = gt[g + 1]! - myG;
      a00 += px * px; a01 += px * py; a11 += py * py;
      b00 += px * gx; b01 += px * gy; b10 += py * gx; b11 += py * gy;
    }
    // tr(A⁻¹B) with A⁻¹ = [[a11, −a01], [−a01, a00]] / det.
    const det = a00 * a11 - a01 * a01;
    const trace = (a11 * b00 - a01 * b10 - a01 * b01 + a00 * b11) / det;
    const scale = Math.min(bounds.max, Math.max(bounds.min, trace / 2));
    cameras[3 * row] = scale;
    cameras[3 * row + 1] = mxG / scale - mxP;
    cameras[3 * row + 2] = myG / scale - myP;
  }
  return cameras;
}
