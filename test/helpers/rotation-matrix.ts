/**
 * Row-major rotation matrix of an axis-angle vector (Rodrigues), written out for tests so that expected
 * rotations never come from the code under test (src/util/rotation.ts, src/body/rodrigues.ts).
 */
export function rotationMatrix(v: ArrayLike<number>): number[] {
  const angle = Math.hypot(v[0]!, v[1]!, v[2]!);
  if (angle === 0) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const [x, y, z] = [v[0]! / angle, v[1]! / angle, v[2]! / angle];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const C = 1 - c;
  return [c + x * x * C, x * y * C - z * s, x * z * C + y * s, y * x * C + z * s, c + y * y * C, y * z * C - x * s, z * x * C - y * s, z * y * C + x * s, c + z * z * C];
}
