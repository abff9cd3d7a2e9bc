/**
 * Θ, the per-frame output of f_3D (HD omega.py): [camera s, tx, ty | 72 axis-angle pose, root first
 * | 10 shape β] = 85 numbers. Projection is weak-perspective, x̂ = s·(X_xy + t) (spec B1).
 */
export const CAMERA_SIZE = 3;
export const POSE_SIZE = 72;
export const SHAPE_SIZE = 10;
export const THETA_SIZE = CAMERA_SIZE + POSE_SIZE + SHAPE_SIZE;
export const POSE_OFFSET = CAMERA_SIZE;
export const SHAPE_OFFSET = CAMERA_SIZE + POSE_SIZE;
export const SMPL_JOINTS = 24;

/**
 * Where the regressor starts (HD load_mean_omega): camera [0.9, 0, 0]; the mean pose with its root
 * set to [π, 0, 0], which turns SMPL's y-up body upright in image coordinates (y down); β = 0.
 * We have no MoCap mean pose to ship, so the body pose starts at zero (the rest pose); the start
 * is a trainable parameter, as in the reference, and learns its own mean.
 */
export function initialTheta(): Float32Array {
  const theta = new Float32Array(THETA_SIZE);
  theta[0] = 0.9;
  theta[POSE_OFFSET] = Math.PI;
  return theta;
}
