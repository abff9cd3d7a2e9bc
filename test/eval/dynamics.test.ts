import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeDynamicsReport, formatDynamicsReport, type DynamicsSequence } from '../../src/eval/dynamics.js';

const J = 14;

/** A skeleton whose joints swing with time: joint j at (j/10, 0.3·sin(ω f + j), 0.1·cos(ω f + j)) metres. */
function moving(frames: number, omega: number): Float64Array {
  const joints = new Float64Array(frames * J * 3);
  for (let f = 0; f < frames; f++) {
    for (let j = 0; j < J; j++) {
      joints[(f * J + j) * 3] = j / 10;
      joints[(f * J + j) * 3 + 1] = 0.3 * Math.sin(omega * f + j);
      joints[(f * J + j) * 3 + 2] = 0.1 * Math.cos(omega * f + j) + (j % 3) * 0.05;
    }
  }
  return joints;
}

/** Frames shifted by `shift` (clamped at the ends): what a perfect predictor of t + shift outputs at t. */
function shifted(joints: Float64Array, frames: number, shift: number): Float64Array {
  const out = new Float64Array(joints.length);
  for (let f = 0; f < frames; f++) {
    const source = Math.min(frames - 1, Math.max(0, f + shift));
    out.set(joints.subarray(source * J * 3, (source + 1) * J * 3), f * J * 3);
  }
  return out;
}

/** Uniform scale 2, a 90° turn about y and a translation: Procrustes undoes all of it. */
function similarity(joints: Float64Array): Float64Array {
  const out = new Float64Array(joints.length);
  for (let i = 0; i < joints.length; i += 3) {
    out[i] = 2 * joints[i + 2]! + 1;
    out[i + 1] = 2 * joints[i + 1]! - 3;
    out[i + 2] = -2 * joints[i]! + 0.5;
  }
  return out;
}

test('a perfect hallucinator scores 0 on past, current and future; the constant baseline pays for the motion', () => {
  const frames = 30;
  const gt = moving(frames, 0.2);
  const sequence: DynamicsSequence = {
    name: 'swing',
    frameCount: frames,
    gtJoints3d: gt,
    past: similarity(shifted(gt, frames, -5)),
    current: gt,
    future: shifted(gt, frames, 5),
  };
  const report = computeDynamicsReport([sequence], 5, J);
  assert.equal(report.framesCounted, frames - 10);
  const [constant, hallucinated] = report.rows;
  assert.equal(constant!.key, 'constant');
  for (const column of ['past', 'current', 'future'] as const) {
    assert.ok(hallucinated!.cells[column].perSequence! < 1e-6, column);
  }
  assert.ok(constant!.cells.current.perSequence! < 1e-6, 'the present is the same prediction in both rows');
  assert.ok(constant!.cells.past.perSequence! > 10, `past ${constant!.cells.past.perSequence} mm`);
  assert.ok(constant!.cells.future.perSequence! > 10, `future ${constant!.cells.future.perSequence} mm`);
  assert.match(formatDynamicsReport(report), /past \(t−5\).*current \(t\).*future \(t\+5\)/);
});

test('a body that does not move makes the constant baseline exact', () => {
  const frames = 12;
  const still = shifted(moving(frames, 0.2), frames, -100); // every frame = frame 0
  const report = computeDynamicsReport([{ name: 'still', frameCount: frames, gtJoints3d: still, past: moving(frames, 0.7), current: still, future: still }], 5, J);
  const [constant, hallucinated] = report.rows;
  for (const column of ['past', 'current', 'future'] as const) assert.ok(constant!.cells[column].allFrames! < 1e-6, column);
  assert.ok(hallucinated!.cells.past.allFrames! > 1, 'a wrong past is charged');
  assert.equal(report.framesCounted, 2);
});

test('frames count only when t − Δt, t and t + Δt all exist and pass the filter; both aggregations weigh as defined', () => {
  const long = 22;
  const short = 13;
  const gtLong = moving(long, 0.3);
  const gtShort = moving(short, 0.3);
  const visible = new Uint8Array(long * J).fill(1);
  // Frame 20 has only 6 visible points (the filter needs > 6): t = 15 loses its future and drops out.
  visible.fill(0, 20 * J, 20 * J + 8);
  const sequences: DynamicsSequence[] = [
    { name: 'long', frameCount: long, gtJoints3d: gtLong, visible, past: gtLong, current: gtLong, future: gtLong },
    { name: 'short', frameCount: short, gtJoints3d: gtShort, past: gtShort, current: gtShort, future: gtShort },
    { name: 'too short', frameCount: 10, gtJoints3d: moving(10, 0.3), past: moving(10, 0.3), current: moving(10, 0.3), future: moving(10, 0.3) },
  ];
  const report = computeDynamicsReport(sequences, 5, J);
  assert.equal(report.framesCounted, long - 10 - 1 + (short - 10));
  assert.equal(report.sequenceCount, 3);
  const past = report.rows[1]!.cells.past;
  assert.ok(past.perSequence! > 0 && past.allFrames! > 0);
  assert.notEqual(past.perSequence!.toFixed(6), past.allFrames!.toFixed(6), 'sequences of 11 and 3 counted frames weigh differently');
  assert.throws(() => computeDynamicsReport(sequences, 0, J), /Δt/);
});

test('no sequence long enough gives n/a, not a number', () => {
  const report = computeDynamicsReport([{ name: 'a', frameCount: 4, gtJoints3d: moving(4, 0.1), past: moving(4, 0.1), current: moving(4, 0.1), future: moving(4, 0.1) }], 5, J);
  assert.equal(report.framesCounted, 0);
  assert.equal(report.rows[0]!.cells.past.perSequence, null);
  assert.match(formatDynamicsReport(report), /n\/a/);
});
