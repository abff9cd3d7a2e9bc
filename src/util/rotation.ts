/**
 * Unit quaternions for exporting and smoothing joint rotations, stored (x, y, z, w) like glTF and
 * three.js. Rotation vectors (axis · angle) are SMPL's pose format and the tangent space the
 * smoothers work in: a ⊖ b = log(b⁻¹ a) and b ⊕ v = b · exp(v), so a filter sees small vectors
 * around each frame instead of wrapping Euler angles. Double precision throughout.
 */

export type Quaternion = [x: number, y: number, z: number, w: number];
export type Vector3 = [x: number, y: number, z: number];

export const IDENTITY: Quaternion = [0, 0, 0, 1];

/** Axis-angle vector → unit quaternion (exact at angle 0). */
export function quaternionFromRotationVector(v: ArrayLike<number>, offset = 0): Quaternion {
  const [x, y, z] = [v[offset]!, v[offset + 1]!, v[offset + 2]!];
  const angle = Math.hypot(x, y, z);
  if (angle < 1e-12) return [x / 2, y / 2, z / 2, 1];
  const s = Math.sin(angle / 2) / angle;
  return normalize([x * s, y * s, z * s, Math.cos(angle / 2)]);
}

/** Unit quaternion → axis-angle vector with angle in [0, π] (the shorter of q and −q). */
export function rotationVectorOfQuaternion(q: Quaternion): Vector3 {
  const sign = q[3] < 0 ? -1 : 1;
  const [x, y, z, w] = [q[0] * sign, q[1] * sign, q[2] * sign, q[3] * sign];
  const sinHalf = Math.hypot(x, y, z);
  if (sinHalf < 1e-12) return [2 * x, 2 * y, 2 * z];
  const angle = 2 * Math.atan2(sinHalf, w);
  return [(x / sinHalf) * angle, (y / sinHalf) * angle, (z / sinHalf) * angle];
}

export function multiply(a: Quaternion, b: Quaternion): Quaternion {
  return [
    a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
    a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
    a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
    a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
  ];
}

export function conjugate(q: Quaternion): Quaternion {
  return [-q[0], -q[1], -q[2], q[3]];
}

export function normalize(q: Quaternion): Quaternion {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

export function dot(a: Quaternion, b: Quaternion): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}

/** q rotated by the rotation v (axis · angle) expressed in q's own frame: q · exp(v). */
export function applyRotationVector(q: Quaternion, v: ArrayLike<number>): Quaternion {
  return normalize(multiply(q, quaternionFromRotationVector(v)));
}

/** The rotation taking b to a, in b's frame: log(b⁻¹ a). */
export function rotationBetween(a: Quaternion, b: Quaternion): Vector3 {
  return rotationVectorOfQuaternion(multiply(conjugate(b), a));
}

/** Rotates a vector by a unit quaternion. */
export function rotate(q: Quaternion, v: Vector3): Vector3 {
  const [x, y, z, w] = q;
  // t = 2 (q_xyz × v); v' = v + w t + q_xyz × t
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** Row-major 3×3 matrix of a unit quaternion. */
export function matrixOfQuaternion(q: Quaternion): number[] {
  const [x, y, z, w] = q;
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
}

/**
 * Euler angles (z, x, y) in radians with R = Rz(z) · Rx(x) · Ry(y): BVH's `Zrotation Xrotation
 * Yrotation` channel order. Of the two angle triples giving R, and of their 2π wraps, the one
 * closest to `previous` is returned, so a sequence has no ±360° jumps for an importer to
 * interpolate across. At x = ±90° (gimbal lock) the split between z and y follows `previous`.
 */
export function eulerZXYOfQuaternion(q: Quaternion, previous?: readonly number[]): [z: number, x: number, y: number] {
  const m = matrixOfQuaternion(q);
  // R = Rz Rx Ry gives m[7] = sin x, m[1] = −sin z cos x, m[4] = cos z cos x, m[6] = −cos x sin y, m[8] = cos x cos y.
  const sinX = Math.max(-1, Math.min(1, m[7]!));
  const x = Math.asin(sinX);
  let candidates: [number, number, number][];
  if (Math.abs(sinX) > 1 - 1e-9) {
    // Only z ± y is determined (z + y when x = +90°, z − y when −90°): keep y from the previous frame.
    const y = previous?.[2] ?? 0;
    const sum = Math.atan2(m[3]!, m[0]!);
    candidates = [[sinX > 0 ? sum - y : sum + y, x, y]];
  } else {
    const z = Math.atan2(-m[1]!, m[4]!);
    const y = Math.atan2(-m[6]!, m[8]!);
    candidates = [[z, x, y], [z + Math.PI, Math.PI - x, y + Math.PI]];
  }
  if (!previous) return wrapAll(candidates[0]!, [0, 0, 0]);
  let best = wrapAll(candidates[0]!, previous);
  for (const candidate of candidates.slice(1)) {
    const wrapped = wrapAll(candidate, previous);
    if (distance(wrapped, previous) < distance(best, previous)) best = wrapped;
  }
  return best;
}

function wrapAll(angles: [number, number, number], near: readonly number[]): [number, number, number] {
  const wrap = (angle: number, reference: number) => angle + 2 * Math.PI * Math.round((reference - angle) / (2 * Math.PI));
  return [wrap(angles[0], near[0]!), wrap(angles[1], near[1]!), wrap(angles[2], near[2]!)];
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.abs(a[0]! - b[0]!) + Math.abs(a[1]! - b[1]!) + Math.abs(a[2]! - b[2]!);
}
