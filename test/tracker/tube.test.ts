import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import type { Person2D } from '../../src/domain.js';
import { boxFromVisibleKeypoints } from '../../src/tracker/keypoint-box.js';
import type { Track } from '../../src/tracker/tracker.js';
import { buildTubes, defaultTubeOptions, DEFAULT_TUBE_BOX_OPTIONS, smoothTubeBoxes } from '../../src/tracker/tube.js';
import { defaultTubeCleaningOptions, selectTubeRanges } from '../../src/tracker/tube-cleaning.js';

const format = loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat;
const cleaning = defaultTubeCleaningOptions(format.keypoints.length);

test('cleaning thresholds keep the reference proportions per format', () => {
  assert.deepEqual([defaultTubeCleaningOptions(25).startAboveVisible, defaultTubeCleaningOptions(25).cutAtOrBelowVisible], [6, 4]);
  assert.deepEqual([cleaning.startAboveVisible, cleaning.cutAtOrBelowVisible], [5, 3]);
});

test('selectTubeRanges starts above the start count, cuts at the cut count, and drops short stretches', () => {
  const counts = [
    ...Array<number>(10).fill(2), // nobody usable
    ...Array<number>(60).fill(12), // a good stretch
    ...Array<number>(8).fill(0), // a gap too long for the count filter to bridge
    ...Array<number>(30).fill(12), // too short
    ...Array<number>(5).fill(4), // 4 > cut (3), but below start: only continues a tube, never starts one
  ];
  const faceOnly = counts.map(() => false);
  assert.deepEqual(selectTubeRanges(counts, faceOnly, cleaning), [{ start: 10, end: 70 }]);
  // Two-frame dropouts vanish in the k=5 median of the counts: the tube is not cut there.
  const flicker = [...Array<number>(30).fill(12), 0, 0, ...Array<number>(30).fill(12)];
  assert.deepEqual(selectTubeRanges(flicker, flicker.map(() => false), cleaning), [{ start: 0, end: 62 }]);
});

test('long stretches are split into equal parts instead of being dropped or truncated', () => {
  const counts = Array<number>(1100).fill(10);
  const ranges = selectTubeRanges(counts, counts.map(() => false), cleaning);
  assert.deepEqual(ranges.map((r) => r.end - r.start), [366, 367, 367]);
  assert.equal(ranges[0]!.start, 0);
  assert.equal(ranges[2]!.end, 1100);
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.start, ranges[i - 1]!.end);
});

test('stretches that mostly show only a face and shoulders are dropped', () => {
  const counts = Array<number>(50).fill(8);
  const faceOnly = counts.map((_, i) => i < 20); // 40%
  assert.deepEqual(selectTubeRanges(counts, faceOnly, cleaning), []);
  assert.equal(selectTubeRanges(counts, counts.map((_, i) => i < 19), cleaning).length, 1);
});

/** A full-body person at (x, y) whose keypoint box is 100 × 200 px. */
function person(x: number, y: number): Person2D {
  const keypoints = new Float32Array(3 * format.keypoints.length);
  for (let k = 0; k < format.keypoints.length; k++) {
    keypoints[3 * k] = x + (k % 2) * 100;
    keypoints[3 * k + 1] = y + (k / (format.keypoints.length - 1)) * 200;
    keypoints[3 * k + 2] = 0.8;
  }
  return { keypoints, score: 0.8, partCount: format.keypoints.length };
}

test('buildTubes: gap frames have no detection and no keypoints, boxes are smoothed, crop puts the diagonal at 150 px', () => {
  const track: Track = { trackId: 7, frames: [] };
  for (let f = 100; f < 160; f++) {
    const hidden = f === 120 || f === 121; // short enough for the count's median filter to bridge
    track.frames.push(hidden ? { frameIndex: f } : { frameIndex: f, hit: { frameIndex: f, personIndex: 0, person: person(2 * f, 50), box: { x: 0, y: 0, width: 0, height: 0 } } });
  }
  const [tube, ...more] = buildTubes(track, format, defaultTubeOptions(format), (hit) => hit.frameIndex * 10);
  assert.equal(more.length, 0);
  assert.equal(tube!.trackId, 7);
  assert.equal(tube!.keypointFormat, format.name);
  assert.equal(tube!.frames.length, 60);
  const gap = tube!.frames[21]!;
  assert.equal(gap.frameIndex, 121);
  assert.equal(gap.detectionId, undefined);
  assert.ok(gap.keypoints.every((v) => v === 0));
  assert.equal(tube!.frames[30]!.detectionId, 1300);
  // The person moves 2 px per frame at constant size: the smoothed centre follows, the gap is interpolated.
  const diagonal = Math.hypot(100, 200);
  for (const frame of tube!.frames.slice(15, 45)) {
    assert.ok(Math.abs(frame.crop.centerX - (2 * frame.frameIndex + 50)) < 1e-6, `centre x at ${frame.frameIndex}`);
    assert.ok(Math.abs(frame.crop.centerY - 150) < 1e-6);
    assert.ok(Math.abs(frame.crop.scale - 150 / diagonal) < 1e-9);
    assert.ok(Math.abs(frame.box.width - 100) < 1e-6 && Math.abs(frame.box.height - 200) < 1e-6);
  }
});

test('smoothTubeBoxes ignores a one-frame box outlier and frames with tiny diagonals', () => {
  const boxes = Array.from({ length: 30 }, () => ({ x: 10, y: 20, width: 30, height: 40 }));
  boxes[12] = { x: 500, y: 20, width: 300, height: 400 };
  boxes[20] = { x: 90, y: 90, width: 0.1, height: 0.1 };
  const raw: (typeof boxes[number] | undefined)[] = [...boxes];
  raw[5] = undefined;
  const smoothed = smoothTubeBoxes(raw, DEFAULT_TUBE_BOX_OPTIONS);
  for (const { box, crop } of smoothed) {
    assert.ok(Math.abs(crop.centerX - 25) < 1e-9 && Math.abs(crop.centerY - 40) < 1e-9);
    assert.ok(Math.abs(crop.scale - 150 / 50) < 1e-9);
    for (const [key, value] of Object.entries({ x: 10, y: 20, width: 30, height: 40 })) {
      assert.ok(Math.abs(box[key as keyof typeof box] - value) < 1e-9, key);
    }
  }
  assert.deepEqual(boxFromVisibleKeypoints(Float32Array.from([1, 2, 0, 5, 6, 0.5, 3, 9, 0.2])), { x: 3, y: 6, width: 2, height: 3 });
});

test('box size and crop scale are smoothed together: every crop puts the smoothed box diagonal at the target', () => {
  // A person whose detected box size jitters by ±30 % from frame to frame, with two gaps.
  const boxes = Array.from({ length: 40 }, (_, i) => {
    if (i === 7 || i === 20 || i === 21) return undefined;
    const jitter = [1, 1.3, 0.7, 1.1, 0.8][i % 5]!;
    return { x: 100 + i, y: 50, width: 80 * jitter, height: 200 * (2 - jitter) };
  });
  for (const { box, crop } of smoothTubeBoxes(boxes, DEFAULT_TUBE_BOX_OPTIONS)) {
    const diagonal = Math.hypot(box.width, box.height);
    assert.ok(Math.abs(crop.scale * diagonal - DEFAULT_TUBE_BOX_OPTIONS.targetDiagonalPx) < 1e-9, `scale ${crop.scale} for a ${diagonal.toFixed(2)} px diagonal`);
  }
});
