import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemblePeople } from '../../src/pose2d/assemble.js';
import { findLimbConnections, type Connections } from '../../src/pose2d/connections.js';
import type { LimbSpec } from '../../src/pose2d/descriptor.js';
import { limbScore, pafSampleCount, type PafField } from '../../src/pose2d/paf-score.js';
import type { PeakList } from '../../src/pose2d/peaks.js';

const PAF_OPTIONS = { samples: 0, sampleThreshold: 0.05, minAboveFraction: 0.95, stride: 8, lengthPriorCells: 0, peakScoreWeight: 0 };

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

test('pass rule: a one-sample gap in a long limb fails OpenPose (adaptive samples, > 95 %) but not 10 samples at > 80 %', () => {
  // Limb from x = 2 to x = 12 cells (80 input px). Columns 7 and 8 carry no field.
  const gap = uniformField(20, 10, 1, 0);
  for (let row = 0; row < 10; row++) gap.x[row * 20 + 7] = gap.x[row * 20 + 8] = 0;
  // OpenPose: 20 samples at 2.25, 2.75, ...: those at 7.25 and 7.75 read 0, so 18/20 = 90 % pass.
  assert.equal(limbScore(gap, 2, 5, 12, 5, PAF_OPTIONS), 0);
  // 10 samples at 2.5, 3.5, ...: only 7.5 reads 0; 9/10 pass > 80 %; the mean of the passing ones is (8·1 + 0.5 + 0.5)/9.
  const tfpose = { ...PAF_OPTIONS, samples: 10, minAboveFraction: 0.8 };
  assert.ok(Math.abs(limbScore(gap, 2, 5, 12, 5, tfpose) - 9 / 9 + 1 / 9) < 1e-6, String(limbScore(gap, 2, 5, 12, 5, tfpose)));
});

test('length prior: a limb longer than the prior loses min(0, prior/length − 1) of its score', () => {
  const along = uniformField(40, 10, 1, 0);
  const prior = { ...PAF_OPTIONS, lengthPriorCells: 10 };
  assert.ok(Math.abs(limbScore(along, 2, 5, 10, 5, prior) - 1) < 1e-6, 'shorter than the prior: unchanged');
  assert.ok(Math.abs(limbScore(along, 2, 5, 18, 5, prior) - (1 + (10 / 16 - 1))) < 1e-6, 'length 16: 1 − 0.375');
  assert.ok(Math.abs(limbScore(along, 2, 5, 32, 5, prior) - 1 / 3) < 1e-6, 'three times the prior: a third left');
  const weak = uniformField(40, 10, 0.6, 0);
  assert.equal(limbScore(weak, 2, 5, 32, 5, prior), 0, 'a weaker field at three times the prior: nothing left');
});

test('matching rank: a weight on the keypoint scores lets a confident end beat a faint one the field favours', () => {
  // Part 0 at x = 2; part 1 candidates: a faint one (0.15) at x = 5 and a confident one (0.7) at x = 12.
  // The field is strong near part 0 and weaker further out, so by PAF alone the faint candidate wins.
  const peaks = peakList(2, [[0, 2, 5, 0.6], [1, 5, 5, 0.15], [1, 12, 5, 0.7]]);
  const pafs = new Float32Array(2 * 20 * 10);
  for (let row = 0; row < 10; row++) for (let col = 0; col < 20; col++) pafs[row * 20 + col] = col <= 6 ? 0.9 : 0.6;
  const byField = findLimbConnections(peaks, [limb(0, 1)], pafs, 20, 10, PAF_OPTIONS);
  assert.deepEqual([byField.count, byField.peakB[0]], [1, 1]);
  const weighted = findLimbConnections(peaks, [limb(0, 1)], pafs, 20, 10, { ...PAF_OPTIONS, peakScoreWeight: 1 });
  assert.deepEqual([weighted.count, weighted.peakB[0]], [1, 2]);
});

test('assembly order: limb-table fills a keypoint from the first limb of the table, strongest-first from the strongest limb', () => {
  // Parts 0, 1 and two part-2 candidates; limbs 0-1, 1-2, 0-2 (a redundant pair, like ear–shoulder).
  const peaks = peakList(3, [[0, 0, 0, 0.9], [1, 1, 0, 0.9], [2, 2, 0, 0.9], [2, 2, 5, 0.9]]);
  const limbs = [limb(0, 1), limb(1, 2), limb(0, 2)];
  // In limb order, as findLimbConnections emits them: 0→1 (0.5), 1→first part-2 (0.4), 0→second part-2 (0.9).
  const rows = connections([[0, 0, 1, 0.5], [1, 1, 2, 0.4], [2, 0, 3, 0.9]]);
  const [table] = assemblePeople(peaks, rows, limbs, 3, [], { ...ASSEMBLY, assemblyOrder: 'limb-table' });
  assert.deepEqual(Array.from(table!.peaks), [0, 1, 2]);
  const [strongest] = assemblePeople(peaks, rows, limbs, 3, [], ASSEMBLY);
  assert.deepEqual(Array.from(strongest!.peaks), [0, 1, 3]);
});
