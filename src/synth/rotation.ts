/**
 * 3×3 rotations (row-major Float64Array) and axis-angle vectors, for composing synthetic SMPL
 * poses in plain numbers (the differentiable Rodrigues in src/body works on tensors).
 */
export type Matrix3 = Float64Array;
export type Vector3 = readonly [number, number, number];

export function axisAngleToMatrix([x, y, z]: Vector3): Matrix3 {
  const angle = Math.hypot(x, y, z);
  if (angle < 1e-12) return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const [kx, ky, kz] = [x / angle, y / angle, z / angle];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return Float64Array.of(
    c + kx * kx * t, kx * ky * t - kz * s, kx * kz * t + ky * s,
    ky * kx * t + kz * s, c + ky * ky * t, ky * kz * t - kx * s,
    kz * kx * t - ky * s, kz * ky * t + kx * s, c + kz * kz * t,
  );
}

/**
 * The axis-angle vector of a rotation, stable at every angle including π (a body facing the camera
 * has a root rotation of about π about x): via the quaternion (Shepperd's method) rather than the
 * arccos of the trace, which loses the axis near 0 and π.
 */
export function matrixToAxisAngle(m: Matrix3): [number, number, number] {
  const trace = m[0]! + m[4]! + m[8]!;
  let w: number, x: number, y: number, z: number;
  if (trace > 0) {
    const s = 2 * Math.sqrt(trace + 1);
    w = s / 4;
    x = (m[7]! - m[5]!) / s;
    y = (m[2]! - m[6]!) / s;
    z = (m[3]! - m[1]!) / s;
  } else if (m[0]! > m[4]! && m[0]! > m[8]!) {
    const s = 2 * Math.sqrt(1 + m[0]! - m[4]! - m[8]!);
    w = (m[7]! - m[5]!) / s;
    x = s / 4;
    y = (m[1]! + m[3]!) / s;
    z = (m[2]! + m[6]!) / s;
  } else if (m[4]! > m[8]!) {
    const s = 2 * Math.sqrt(1 + m[4]! - m[0]! - m[8]!);
    w = (m[2]! - m[6]!) / s;
    x = (m[1]! + m[3]!) / s;
    y = s / 4;
    z = (m[5]! + m[7]!) / s;
  } else {
    const s = 2 * Math.sqrt(1 + m[8]! - m[0]! - m[4]!);
    w = (m[3]! - m[1]!) / s;
    x = (m[2]! + m[6]!) / s;
    y = (m[5]! + m[7]!) / s;
    z = s / 4;
  }
  if (w < 0) [w, x, y, z] = [-w, -x, -y, -z];
  const sinHalf = Math.hypot(x, y, z);
  if (sinHalf < 1e-12) return [0, 0, 0];
  const angle = 2 * Math.atan2(sinHalf, w);
  return [(x / sinHalf) * angle, (y / sinHalf) * angle, (z / sinHalf) * angle];
}

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  }
  return out;
}

export function rotationX(angle: number): Matrix3 {
  return axisAngleToMatrix([angle, 0, 0]);
}

export function rotationY(angle: number): Matrix3 {
  return axisAngleToMatrix([0, angle, 0]);
}

/**
 * Joint angles as three elementary rotations applied z first, then x, then y: R = Ry·Rx·Rz. For a
 * limb that is first lowered (z, e.g. arms out of the T-pose), then swung (x, forward/back), then
 * twisted (y), each angle keeps its anatomical meaning whatever the others are.
 */
export function zxyToAxisAngle(x: number, y: number, z: number): [number, number, number] {
  return matrixToAxisAngle(multiply(rotationY(y), multiply(rotationX(x), axisAngleToMatrix([0, 0, z]))));
}

export function transformPoint(m: Matrix3, [x, y, z]: Vector3): [number, number, number] {
  return [m[0]! * x + m[1]! * y + m[2]! * z, m[3]! * x + m[4]! * y + m[5]! * z, m[6]! * x + m[7]! * y + m[8]! * z];
}
