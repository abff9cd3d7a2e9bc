/**
 * Compares decoded people with ground truth: which true person each detected keypoint belongs to,
 * whether any person was split or merged, and the worst keypoint error.
 */
import assert from 'node:assert/strict';
import type { Person2D } from '../../src/domain.js';
import type { LimbSpec } from '../../src/pose2d/descriptor.js';
import type { TruePerson } from './synthetic-maps.js';

/**
 * The keypoints of a true person the decoder can be expected to return: those inside the frame by a
 * margin, in the largest group connected through limbs whose ends are both present.
 */
export function expectedKeypoints(person: TruePerson, limbs: readonly LimbSpec[], frameWidth: number, frameHeight: number, marginPx: number): Set<number> {
  const visible = person.map((p) => p !== null && p[0] >= marginPx && p[1] >= marginPx && p[0] <= frameWidth - 1 - marginPx && p[1] <= frameHeight - 1 - marginPx);
  const component = new Int32Array(person.length).fill(-1);
  let best = new Set<number>();
  for (let start = 0; start < person.length; start++) {
    if (!visible[start] || component[start] !== -1) continue;
    const members = new Set<number>([start]);
    const queue = [start];
    component[start] = start;
    while (queue.length > 0) {
      const part = queue.pop()!;
      for (const limb of limbs) {
        const [a, b] = limb.parts;
        const other = a === part ? b : b === part ? a : -1;
        if (other < 0 || !visible[other] || component[other] !== -1) continue;
        component[other] = start;
        members.add(other);
        queue.push(other);
      }
    }
    if (members.size > best.size) best = members;
  }
  return best;
}

/**
 * Asserts: one detection per true person (never split, never merged, nothing extra), every expected
 * keypoint found within tolerancePx, and no keypoint outside the frame. Returns the worst error in px.
 */
export function assertMatchesTruth(
  detected: readonly Person2D[],
  truth: readonly TruePerson[],
  limbs: readonly LimbSpec[],
  frame: { width: number; height: number; marginPx: number },
  tolerancePx: number,
): number {
  const expected = truth.map((person) => expectedKeypoints(person, limbs, frame.width, frame.height, frame.marginPx));
  const owners = detected.map((person, d) => {
    const owning = new Set<number>();
    const k = person.keypoints.length / 3;
    for (let part = 0; part < k; part++) {
      const x = person.keypoints[part * 3]!;
      const y = person.keypoints[part * 3 + 1]!;
      if (person.keypoints[part * 3 + 2]! <= 0) continue;
      assert.ok(x >= 0 && y >= 0 && x <= frame.width - 1 && y <= frame.height - 1, `detection ${d} keypoint ${part} (${x}, ${y}) is outside the frame`);
      let nearest = -1;
      let nearestDistance = Infinity;
      truth.forEach((person, t) => {
        const p = person[part];
        if (!p) return;
        const distance = Math.hypot(p[0] - x, p[1] - y);
        if (distance < nearestDistance) {
          nearestDistance = distance;
          nearest = t;
        }
      });
      assert.ok(nearest >= 0, `detection ${d} keypoint ${part} matches no true keypoint`);
      owning.add(nearest);
    }
    assert.equal(owning.size, 1, `detection ${d} merges true people ${[...owning].join(', ')}`);
    return [...owning][0]!;
  });
  let worst = 0;
  truth.forEach((person, t) => {
    if (expected[t]!.size < 3) return;
    const mine = owners.flatMap((owner, d) => (owner === t ? [d] : []));
    assert.equal(mine.length, 1, `true person ${t} appears in ${mine.length} detections (split or lost)`);
    const found = detected[mine[0]!]!;
    for (const part of expected[t]!) {
      const c = found.keypoints[part * 3 + 2]!;
      assert.ok(c > 0, `true person ${t} keypoint ${part} is missing`);
      const error = Math.hypot(found.keypoints[part * 3]! - person[part]![0], found.keypoints[part * 3 + 1]! - person[part]![1]);
      assert.ok(error <= tolerancePx, `true person ${t} keypoint ${part} is ${error.toFixed(2)} px off`);
      worst = Math.max(worst, error);
    }
  });
  assert.equal(detected.length, truth.filter((_, t) => expected[t]!.size >= 3).length, 'one detection per visible true person');
  return worst;
}

/**
 * Two labellings of the same frames (one person each, the first decoded): how many keypoints both found
 * and how many of those lie within `tolerancePx` of each other.
 */
export function leadPersonAgreement(a: readonly { people: readonly Person2D[] }[], b: readonly { people: readonly Person2D[] }[], tolerancePx: number): { shared: number; close: number } {
  let shared = 0;
  let close = 0;
  a.forEach((frame, i) => {
    const [p, q] = [frame.people[0], b[i]!.people[0]];
    if (!p || !q) return;
    for (let k = 0; k < p.keypoints.length / 3; k++) {
      if (p.keypoints[k * 3 + 2]! <= 0 || q.keypoints[k * 3 + 2]! <= 0) continue;
      shared++;
      if (Math.hypot(p.keypoints[k * 3]! - q.keypoints[k * 3]!, p.keypoints[k * 3 + 1]! - q.keypoints[k * 3 + 1]!) <= tolerancePx) close++;
    }
  });
  return { shared, close };
}
