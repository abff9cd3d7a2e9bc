import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Euler, Quaternion as ThreeQuaternion } from 'three';
import { applyRotationVector, eulerZXYOfQuaternion, normalize, quaternionFromRotationVector, rotationVectorOfQuaternion, type Quaternion } from '../../src/util/rotation.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** three.js's quaternion of Euler angles in order 'ZXY' (R = Rz·Rx·Ry), the independent reference. */
function threeZXY(z: number, x: number, y: number): Quaternion {
  const q = new ThreeQuaternion().setFromEuler(new Euler(x, y, z, 'ZXY'));
  return [q.x, q.y, q.z, q.w];
}

const sameRotation = (a: Quaternion, b: Quaternion) => Math.abs(Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]) - 1) < 1e-12;

test('Z·X·Y Euler angles rebuild the rotation in three.js, including at and near gimbal lock', () => {
  const random = seededRandom(3);
  const cases: Quaternion[] = Array.from({ length: 200 }, () => normalize([random() - 0.5, random() - 0.5, random() - 0.5, random() - 0.5]));
  cases.push(threeZXY(0.3, Math.PI / 2, -0.2), threeZXY(-1, -Math.PI / 2, 2), threeZXY(0.1, Math.PI / 2 - 1e-7, 0.4), [0, 0, 0, 1], [1, 0, 0, 0]);
  for (const q of cases) {
    const [z, x, y] = eulerZXYOfQuaternion(q);
    const rebuilt = threeZXY(z, x, y);
    assert.ok(Math.abs(Math.abs(rebuilt[0] * q[0] + rebuilt[1] * q[1] + rebuilt[2] * q[2] + rebuilt[3] * q[3]) - 1) < 1e-9, `${q} → ${[z, x, y]}`);
  }
});

test('Euler angles of a continuous rotation never jump: a steady spin of 6 turns about a tilted axis', () => {
  const axis = normalize([0.3, 0.9, -0.2, 0]).slice(0, 3);
  let previous: number[] | undefined;
  for (let t = 0; t <= 600; t++) {
    const q = quaternionFromRotationVector(axis.map((value) => value * t * 0.0628));
    const angles = eulerZXYOfQuaternion(q, previous);
    assert.ok(sameRotation(threeZXY(...angles), q));
    if (previous) assert.ok(Math.max(...angles.map((angle, i) => Math.abs(angle - previous![i]!))) < 0.2, `jump at step ${t}: ${previous} → ${angles}`);
    previous = angles;
  }
});

test('rotation vectors round-trip through quaternions (angles up to π) and compose like three.js', () => {
  const random = seededRandom(8);
  for (let i = 0; i < 100; i++) {
    const v = [random() - 0.5, random() - 0.5, random() - 0.5];
    const scale = (random() * Math.PI * 0.999) / Math.hypot(...v);
    const vector = v.map((value) => value * scale);
    const back = rotationVectorOfQuaternion(quaternionFromRotationVector(vector));
    back.forEach((value, k) => assert.ok(Math.abs(value - vector[k]!) < 1e-12));
    const base = normalize([random(), random(), random(), random()]);
    const composed = applyRotationVector(base, vector);
    const expected = new ThreeQuaternion(...base).multiply(new ThreeQuaternion().setFromAxisAngle({ x: vector[0]! / Math.hypot(...vector), y: vector[1]! / Math.hypot(...vector), z: vector[2]! / Math.hypot(...vector) } as never, Math.hypot(...vector)));
    assert.ok(sameRotation(composed, [expected.x, expected.y, expected.z, expected.w]));
  }
});
