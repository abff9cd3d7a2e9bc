import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nearestNeighbourOracleRow, type OracleSequence } from '../../src/eval/dynamics-oracle.js';
import { paMpjpePerFrame } from '../../src/metrics/procrustes.js';
import { seededRandom } from '../helpers/seeded-random.js';

const JOINTS = 14;
const DELTA = 2;

function randomSequence(frames: number, seed: number): OracleSequence {
  const random = seededRandom(seed);
  return { frameCount: frames, joints3d: Float64Array.from({ length: frames * JOINTS * 3 }, () => random() - 0.5) };
}

/** Frames [from, from + count) of a sequence, each turned 90° about y, scaled 1.3 and shifted: invisible to PA-MPJPE. */
function movedCopy(source: OracleSequence, from: number, count: number): OracleSequence {
  const out = new Float64Array(count * JOINTS * 3);
  for (let i = 0; i < count * JOINTS; i++) {
    const [x, y, z] = [0, 1, 2].map((a) => source.joints3d[(from * JOINTS + i) * 3 + a]!) as [number, number, number];
    out.set([1.3 * z + 0.2, 1.3 * y - 0.1, -1.3 * x + 3], i * 3);
  }
  return { frameCount: count, joints3d: out };
}

test('the oracle finds the training frame that matches the present, and replays its neighbours Δt away', () => {
  const a = randomSequence(10, 1);
  const b = randomSequence(10, 2);
  // Test frames 0…6 are B's frames 2…8 (moved): every counted t (2, 3, 4) matches B[t + 2] exactly,
  // and its past and future are B[t], B[t + 4], also exact.
  const row = nearestNeighbourOracleRow([a, b], [movedCopy(b, 2, 7)], DELTA, JOINTS);
  assert.equal(row.key, 'oracle');
  for (const column of ['past', 'current', 'future'] as const) {
    assert.ok(row.cells[column].allFrames! < 1e-6, `${column}: ${row.cells[column].allFrames} mm`);
  }
});

test('the oracle replays the matched frame\'s own past and future, not the present', () => {
  const b = randomSequence(10, 2);
  const test = movedCopy(b, 2, 7);
  const row = nearestNeighbourOracleRow([b], [test], DELTA, JOINTS);
  // Had it reused the matched present as past, the error would be PA(B[t+2], B[t]) averaged over t = 2…4.
  const presentAsPast = [2, 3, 4].map((t) => paMpjpePerFrame(b.joints3d.subarray((t + 2) * 42, (t + 3) * 42), b.joints3d.subarray(t * 42, (t + 1) * 42), JOINTS)[0]!);
  assert.ok(Math.min(...presentAsPast) > 0.05, 'random frames are far apart');
  assert.ok(row.cells.past.allFrames! < 1e-6);
});

test('training frames without Δt neighbours on both sides are never chosen', () => {
  const b = randomSequence(10, 2);
  // The only test frame counted (t = 2 of 5) is B[0] exactly, which has no past in B; the oracle must pick
  // the best frame among B[2…7] instead, so the present error is that frame's distance, not 0.
  const test = { frameCount: 5, joints3d: new Float64Array(5 * JOINTS * 3) };
  test.joints3d.set(b.joints3d.subarray(0, JOINTS * 3), 2 * JOINTS * 3);
  const row = nearestNeighbourOracleRow([b], [test], DELTA, JOINTS);
  const bestAllowed = Math.min(...[2, 3, 4, 5, 6, 7].map((s) => paMpjpePerFrame(b.joints3d.subarray(s * 42, (s + 1) * 42), b.joints3d.subarray(0, 42), JOINTS)[0]!));
  assert.ok(Math.abs(row.cells.current.allFrames! - bestAllowed * 1000) < 1e-6, `${row.cells.current.allFrames} vs ${bestAllowed * 1000}`);
});

test('a training set too short for Δt is refused', () => {
  assert.throws(() => nearestNeighbourOracleRow([randomSequence(4, 1)], [randomSequence(10, 2)], DELTA, JOINTS), /neighbours 2 frames/);
});
