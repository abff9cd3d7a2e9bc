import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemblePeople } from '../../src/pose2d/assemble.js';
import { findLimbConnections, type Connections } from '../../src/pose2d/connections.js';
import type { LimbSpec } from '../../src/pose2d/descriptor.js';
import { limbScore, pafSampleCount, type PafField } from '../../src/pose2d/paf-score.js';
import type { PeakList } from '../../src/pose2d/peaks.js';

const PAF_OPTIONS = { sampleThreshold: 0.05, minAboveFraction: 0.95, stride: 8 };

function uniformField(width: number, height: number, vx: number, vy: number): PafField {
  return { x: new Float32Array(width * height).fill(vx), y: new Float32Array(width * height).fill(vy), width, height };
}

/** Peaks given as [part, x, y, score] rows, grouped by part as PeakList requires. */
function peakList(parts: number, rows: [number, number, number, number][]): PeakList {
  const sorted = [...rows].sort((a, b) => a[0] - b[0]);
  const partStart = new Int32Array(parts + 1);
  for (let part = 0, i = 0; part <= parts; part++) {
    while (i < sorted.length && sorted[i]![0] < part) i++;
    partStart[part] = i;
  }
  return {
    count: sorted.length,
    partStart,
    x: Float32Array.from(sorted, (r) => r[1]),
    y: Float32Array.from(sorted, (r) => r[2]),
    score: Float32Array.from(sorted, (r) => r[3]),
  };
}

function connections(rows: [limb: number, a: number, b: number, paf: number][]): Connections {
  return {
    count: rows.length,
    limb: Int32Array.from(rows, (r) => r[0]),
    peakA: Int32Array.from(rows, (r) => r[1]),
    peakB: Int32Array.from(rows, (r) => r[2]),
    pafScore: Float32Array.from(rows, (r) => r[3]),
  };
}

const limb = (a: number, b: number, useForGrouping = true): LimbSpec => ({ parts: [a, b], paf: [0, 1], useForGrouping });
const ASSEMBLY = { minParts: 3, minMeanScore: 0.4 };

test('PAF sample count follows OpenPose: clamp(round(sqrt(5·max|d|)), 5, 25) in input pixels', () => {
  assert.equal(pafSampleCount(0, 0), 5);
  assert.equal(pafSampleCount(80, -10), 20);
  assert.equal(pafSampleCount(-3, 45), 15);
  assert.equal(pafSampleCount(1000, 0), 25);
});

test('limb score: aligned field scores its projection, reversed or partial fields score 0', () => {
  const along = uniformField(20, 10, 1, 0);
  assert.ok(Math.abs(limbScore(along, 2, 5, 12, 5, PAF_OPTIONS) - 1) < 1e-6);
  assert.ok(Math.abs(limbScore(along, 2, 2, 12, 7, PAF_OPTIONS) - 10 / Math.hypot(10, 5)) < 1e-6);
  assert.equal(limbScore(along, 12, 5, 2, 5, PAF_OPTIONS), 0, 'field pointing B→A');
  assert.equal(limbScore(along, 5, 5, 5, 5, PAF_OPTIONS), 0, 'coincident candidates');
  // The field covers only the first 80% of the line: OpenPose needs more than 95% of samples above 0.05.
  const partial = uniformField(20, 10, 0, 0);
  for (let row = 0; row < 10; row++) for (let col = 0; col <= 10; col++) partial.x[row * 20 + col] = 1;
  assert.equal(limbScore(partial, 2, 5, 14, 5, PAF_OPTIONS), 0);
  assert.ok(limbScore(partial, 2, 5, 9, 5, PAF_OPTIONS) > 0.99);
});

test('per-limb matching is one-to-one, strongest first', () => {
  // Field (1, 0) everywhere: straight pairs score 1, crossed pairs cos(26.6°) ≈ 0.89.
  const peaks = peakList(2, [[0, 2, 2, 0.9], [0, 2, 7, 0.9], [1, 12, 2, 0.9], [1, 12, 7, 0.9]]);
  const pafs = new Float32Array(2 * 20 * 10);
  pafs.fill(1, 0, 200);
  const found = findLimbConnections(peaks, [limb(0, 1)], pafs, 20, 10, PAF_OPTIONS);
  assert.equal(found.count, 2);
  const pairs = Array.from({ length: found.count }, (_, i) => [found.peakA[i], found.peakB[i]]).sort();
  assert.deepEqual(pairs, [[0, 2], [1, 3]]);
});

test('assembly merges two fragments a limb joins when they share no keypoint type', () => {
  // Parts 0-1-2-3 in a chain; limbs 0-1 and 2-3 are found first, then 1-2 joins them.
  const peaks = peakList(4, [[0, 0, 0, 0.9], [1, 1, 0, 0.9], [2, 2, 0, 0.9], [3, 3, 0, 0.9]]);
  const limbs = [limb(0, 1), limb(1, 2), limb(2, 3)];
  const people = assemblePeople(peaks, connections([[0, 0, 1, 0.9], [2, 2, 3, 0.8], [1, 1, 2, 0.5]]), limbs, 4, [], ASSEMBLY);
  assert.equal(people.length, 1);
  assert.deepEqual(Array.from(people[0]!.peaks), [0, 1, 2, 3]);
  assert.equal(people[0]!.partCount, 4);
  assert.ok(Math.abs(people[0]!.totalScore - (4 * 0.9 + 0.9 + 0.8 + 0.5)) < 1e-5);
});

test('assembly never merges two people that both hold the same keypoint type', () => {
  // Two complete 3-part people; a wrong limb joins person 1's part 0 to person 2's part 1.
  const peaks = peakList(3, [[0, 0, 0, 0.9], [0, 10, 0, 0.9], [1, 1, 0, 0.9], [1, 11, 0, 0.9], [2, 2, 0, 0.9], [2, 12, 0, 0.9]]);
  const limbs = [limb(0, 1), limb(1, 2)];
  const wrongLast = connections([[0, 0, 2, 0.9], [0, 1, 3, 0.9], [1, 2, 4, 0.9], [1, 3, 5, 0.9], [0, 0, 3, 0.3]]);
  const people = assemblePeople(peaks, wrongLast, limbs, 3, [], ASSEMBLY);
  assert.equal(people.length, 2);
  assert.deepEqual(people.map((p) => Array.from(p.peaks)).sort(), [[0, 2, 4], [1, 3, 5]]);
});

test('a keypoint already taken by a stronger limb is not replaced; the loser stays free', () => {
  // Two candidates of part 1 both claim part 0's single peak: the stronger wins, the weaker forms nothing.
  const peaks = peakList(3, [[0, 0, 0, 0.9], [1, 1, 0, 0.9], [1, 1, 5, 0.9], [2, 2, 0, 0.9]]);
  const limbs = [limb(0, 1), limb(1, 2)];
  const people = assemblePeople(peaks, connections([[0, 0, 1, 0.9], [0, 0, 2, 0.6], [1, 1, 3, 0.9]]), limbs, 3, [], ASSEMBLY);
  assert.equal(people.length, 1);
  assert.deepEqual(Array.from(people[0]!.peaks), [0, 1, 3]);
});

test('fill-only limbs complete a person but never create or merge one', () => {
  // Limb 2-3 is redundant (like ear–shoulder). Alone it must not create a person.
  const peaks = peakList(4, [[0, 0, 0, 0.9], [1, 1, 0, 0.9], [2, 2, 0, 0.9], [3, 3, 0, 0.9]]);
  const limbs = [limb(0, 1), limb(1, 2), limb(2, 3, false)];
  const alone = assemblePeople(peaks, connections([[2, 2, 3, 0.9]]), limbs, 4, [], { minParts: 1, minMeanScore: 0 });
  assert.equal(alone.length, 0);
  const filled = assemblePeople(peaks, connections([[0, 0, 1, 0.9], [1, 1, 2, 0.9], [2, 2, 3, 0.9]]), limbs, 4, [], ASSEMBLY);
  assert.deepEqual(Array.from(filled[0]!.peaks), [0, 1, 2, 3]);
});

test("OpenPose's person filter: part count (without uncounted parts) and mean score", () => {
  const peaks = peakList(4, [[0, 0, 0, 0.9], [1, 1, 0, 0.9], [2, 2, 0, 0.9], [3, 3, 0, 0.1]]);
  const limbs = [limb(0, 1), limb(1, 2), limb(2, 3)];
  const chain = connections([[0, 0, 1, 0.9], [1, 1, 2, 0.9], [2, 2, 3, 0.9]]);
  assert.equal(assemblePeople(peaks, chain, limbs, 4, [], ASSEMBLY).length, 1);
  // Parts 2 and 3 are "feet": only 2 counted parts remain, below min 3.
  assert.equal(assemblePeople(peaks, chain, limbs, 4, [2, 3], ASSEMBLY).length, 0);
  // Mean score (0.9·3 + 0.1 + 0.9·3) / 4 = 1.375: a 1.4 minimum rejects it.
  assert.equal(assemblePeople(peaks, chain, limbs, 4, [], { minParts: 3, minMeanScore: 1.4 }).length, 0);
});
