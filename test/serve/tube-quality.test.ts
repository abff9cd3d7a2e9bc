import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TubeFrame } from '../../src/domain.js';
import { measureTubeQuality } from '../../src/serve/tube-quality.js';

/** Three keypoints per frame as [x, y, confidence]; a 30×40 box (diagonal 50 px). */
function frame(frameIndex: number, points: [number, number, number][]): TubeFrame {
  return {
    frameIndex,
    keypoints: new Float32Array(points.flat()),
    box: { x: 0, y: 0, width: 30, height: 40 },
    crop: { centerX: 15, centerY: 20, scale: 3 },
  };
}

test('quality: visible keypoints per frame, and jitter as the mean second difference in % of the box diagonal', () => {
  const frames = [
    frame(0, [[0, 0, 0.9], [5, 0, 0.8], [1, 1, 0.5]]),
    frame(1, [[10, 0, 0.9], [5, 5, 0.8], [1, 1, 0]]), // keypoint 2 not seen: it takes no part in jitter
    frame(2, [[20, 0, 0.9], [5, 0, 0.8], [9, 9, 0.5]]),
  ];
  const quality = measureTubeQuality(frames, 0.7, 1);
  // Keypoint 0 moves at constant speed: 0. Keypoint 1 goes down 5 and back: |0 − 2·5 + 0| = 10 px = 20 % of 50.
  assert.deepEqual(quality, { frames: 3, meanScore: 0.7, visibleKeypoints: 8 / 3, filledFrames: 1, jitterPct: 10 });
});

test('quality: a tube too short for a second difference has no jitter; an empty one has no keypoints', () => {
  assert.equal(measureTubeQuality([frame(0, [[1, 1, 1]]), frame(1, [[2, 2, 1]])], null, 0).jitterPct, null);
  assert.deepEqual(measureTubeQuality([], null, 0), { frames: 0, meanScore: null, visibleKeypoints: 0, filledFrames: 0, jitterPct: null });
});
