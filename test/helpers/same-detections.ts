import assert from 'node:assert/strict';
import type { StoredPoseFrame } from '../../src/store/detections.js';

/**
 * The same frames once each, the same people, keypoints equal up to the float noise of differently
 * composed network batches (a resumed or concurrent run batches frames unlike an uninterrupted one).
 */
export function assertSameDetections(actual: readonly StoredPoseFrame[], expected: readonly StoredPoseFrame[], context = ''): void {
  assert.deepEqual(actual.map((f) => f.frameIndex), expected.map((f) => f.frameIndex), `${context}same frames, each once`);
  actual.forEach((frame, i) => {
    const other = expected[i]!;
    assert.equal(frame.people.length, other.people.length, `${context}frame ${frame.frameIndex}: people`);
    frame.people.forEach((person, p) => {
      const keypoints = other.people[p]!.keypoints;
      person.keypoints.forEach((value, k) => assert.ok(Math.abs(value - keypoints[k]!) < 1e-2, `${context}frame ${frame.frameIndex} person ${p} value ${k}`));
    });
  });
}
