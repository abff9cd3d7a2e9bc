import { fitScaleTranslation } from '../../body/weak-perspective-fit.js';
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
 * The closed-form weak-perspective camera for the Δt predictions (HD procrustes2d_vis, see
 * fitScaleTranslation), its scale clipped to the bounds. Plain arrays in and out: the camera is a
 * constant for the loss (the reference stops its gradient). pred [N·K·2] (x, y), gt [N·K·3]
 * (x, y, visibility); returns [N·3] = (s, tx, ty). A row with no visible point gets (1, 0, 0); its
 * loss is zero anyway.
 */
export function solveWeakPerspectiveCameras(pred: Float32Array, gt: Float32Array, keypointCount: number, bounds: ScaleBounds = DELTA_CAMERA_SCALE_BOUNDS): Float32Array {
  const n = pred.length / (2 * keypointCount);
  const cameras = new Float32Array(3 * n);
  for (let row = 0; row < n; row++) {
    const first = row * keypointCount;
    const { scale, tx, ty } = fitScaleTranslation(
      {
        count: keypointCount,
        visible: (k) => gt[(first + k) * 3 + 2]! > 0,
        got: (k, axis) => pred[(first + k) * 2 + axis]!,
        want: (k, axis) => gt[(first + k) * 3 + axis]!,
      },
      bounds,
    );
    cameras.set([scale, tx, ty], 3 * row);
  }
  return cameras;
}
