import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreDecoding, type NetworkFrame } from '../../bench/pose2d-quality.js';
import type { Person2D } from '../../src/domain.js';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';

const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
const NAMES = descriptor.keypointFormat.keypoints;
const part = (name: string) => NAMES.indexOf(name);

// A 160 × 80 picture shown to the network at half size (80 × 40 input, stride 8: 10 × 5 cells). Cell c
// covers input pixels [8c, 8c + 8), i.e. original pixels [16c, 16c + 16): its centre is original pixel
// 16c + 7.5 in pixel-centre coordinates.
const cellCentre = (cell: number) => 16 * cell + 7.5;
const geometry = { contentWidth: 80, contentHeight: 40, originalWidth: 160, originalHeight: 80 };

/** One frame whose heatmaps have one confident peak per listed keypoint, at the given cell. */
function frameWithPeaks(peaks: [name: string, col: number, row: number][]): NetworkFrame {
  const width = 10;
  const height = 5;
  const heatmaps = new Float32Array(descriptor.heatmaps.channels * width * height);
  for (const [name, col, row] of peaks) heatmaps[part(name) * width * height + row * width + col] = 0.7;
  return { index: 0, geometry, maps: { width, height, heatmaps, pafs: new Float32Array(descriptor.pafs.channels * width * height) } };
}

/** A decoded person with keypoints at cell centres. */
function personAt(points: [name: string, col: number, row: number][]): Person2D {
  const keypoints = new Float32Array(NAMES.length * 3);
  for (const [name, col, row] of points) keypoints.set([cellCentre(col), cellCentre(row), 0.6], part(name) * 3);
  return { keypoints, score: 0.5, partCount: points.length };
}

test('quality score: each missed confident peak is told apart as other side, dropped fragment or unassembled', () => {
  const frame = frameWithPeaks([
    ['neck', 4, 1],
    ['right_wrist', 1, 1],
    ['left_elbow', 8, 3],
    ['left_knee', 6, 4],
    ['nose', 4, 0],
  ]);
  // Kept: the neck exactly, the nose 2 cells off (the radius is inclusive). The right wrist is there as
  // a left wrist (other side); the left elbow is not (a right elbow 3 cells off is no match either).
  const person = personAt([
    ['neck', 4, 1],
    ['nose', 4, 2],
    ['left_wrist', 1, 1],
    ['right_elbow', 5, 3],
  ]);
  // Without the person filter a two-keypoint arm holds the left elbow; nothing holds the left knee.
  const fragment = personAt([
    ['left_elbow', 8, 3],
    ['left_wrist', 9, 4],
  ]);
  const score = scoreDecoding([frame], descriptor, () => [person], 1, () => [person, fragment]);
  assert.equal(score.peaks, 5);
  assert.equal(score.recall, 2 / 5);
  assert.deepEqual(score.misses, { otherSide: 1, droppedFragment: 1, unassembled: 1 });
});

test('quality score: a peak one cell beyond the radius is missed, and without a filter-free decoding a miss is unassembled', () => {
  const frame = frameWithPeaks([['left_ankle', 2, 2]]);
  const off = personAt([['left_ankle', 5, 2]]);
  const score = scoreDecoding([frame], descriptor, () => [off], 1);
  assert.equal(score.recall, 0);
  assert.equal(score.medianCells, 3);
  assert.deepEqual(score.misses, { otherSide: 0, droppedFragment: 0, unassembled: 1 });
});
