import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalSequence, EvalSet } from '../../src/eval/eval-set.js';
import { formatEvalReport } from '../../src/eval/format-report.js';
import { computeEvalReport, type EvalReport, type MetricKey } from '../../src/eval/report.js';

const J = 14;

/** A skeleton whose joint j sits at (j/10, sin(t·ω + j), 0) metres, optionally with 2D and visibility. */
function sequence(name: string, frames: number, omega: number, with2d: boolean): EvalSequence {
  const joints3d = new Float64Array(frames * J * 3);
  const joints2d = new Float64Array(frames * J * 2);
  for (let f = 0; f < frames; f++) {
    for (let j = 0; j < J; j++) {
      joints3d[(f * J + j) * 3] = j / 10;
      joints3d[(f * J + j) * 3 + 1] = Math.sin(f * omega + j) * 0.2;
      joints2d[(f * J + j) * 2] = 60 + 8 * j;
      joints2d[(f * J + j) * 2 + 1] = 100 + 40 * Math.sin(f * omega + j);
    }
  }
  const base: EvalSequence = { name, frameCount: frames, joints3d };
  return with2d ? { ...base, joints2d, visible: new Uint8Array(frames * J).fill(1) } : base;
}

const value = (report: EvalReport, key: MetricKey) => report.rows.find((row) => row.key === key)!;

test('a perfect prediction scores 0 error and 100% PCK; its own acceleration is reported in both units', () => {
  const gt: EvalSet = { fps: 25, jointSet: 'lsp14', sequences: [sequence('a', 10, 0.3, true), sequence('b', 6, 0.5, true)] };
  const report = computeEvalReport(gt, gt);
  for (const key of ['mpjpe', 'pa_mpjpe', 'accel_error_mm_per_frame2', 'accel_error_mm_per_s2'] as const) {
    assert.ok(Math.abs(value(report, key).perSequence!) < 1e-9, key);
    assert.ok(Math.abs(value(report, key).allFrames!) < 1e-9, key);
  }
  assert.equal(value(report, 'pck').perSequence, 100);
  const perFrame2 = value(report, 'accel_mm_per_frame2');
  const perS2 = value(report, 'accel_mm_per_s2');
  assert.ok(perFrame2.perSequence! > 1, 'a moving skeleton accelerates');
  assert.ok(Math.abs(perS2.perSequence! - perFrame2.perSequence! * 625) < 1e-6);
  assert.equal(perFrame2.counted, 8 + 4);
  assert.equal(report.frameCount, 16);
  assert.equal(report.frames3dCounted, 16);
});

test('errors are in mm, both aggregations differ as defined, and PCK needs 2D in both files', () => {
  const gt: EvalSet = { fps: 30, jointSet: 'lsp14', sequences: [sequence('long', 9, 0.2, false), sequence('short', 3, 0.2, false)] };
  // Offset one joint (the right wrist) by 14 mm in the long sequence, 28 mm in the short one:
  // MPJPE 1 mm and 2 mm per frame.
  const pred: EvalSet = {
    jointSet: 'lsp14',
    sequences: gt.sequences.map((s, i) => {
      const joints3d = Float64Array.from(s.joints3d);
      for (let f = 0; f < s.frameCount; f++) joints3d[(f * J + 6) * 3 + 2] += (i + 1) * 0.014;
      return { ...s, joints3d };
    }),
  };
  const report = computeEvalReport(pred, gt);
  const mpjpe = value(report, 'mpjpe');
  assert.ok(Math.abs(mpjpe.perSequence! - 1.5) < 1e-9); // (1 + 2) / 2
  assert.ok(Math.abs(mpjpe.allFrames! - (9 * 1 + 3 * 2) / 12) < 1e-9);
  assert.ok(Math.abs(value(report, 'accel_error_mm_per_frame2').perSequence!) < 1e-9, 'constant offset: no acceleration error');
  assert.equal(value(report, 'pck').perSequence, null);
  assert.match(value(report, 'pck').note!, /needs joints2d/);
  const table = formatEvalReport(report);
  assert.match(table, /MPJPE \(pelvis-aligned\)\s+mm\s+1\.5\s+1\.3/);
  assert.match(table, /mm\/frame²/);
  assert.match(table, /mm\/s²/);
  assert.match(table, /per-sequence: mean of per-sequence means/);
});

test('frames failing the visibility filter are left out of the 3D metrics', () => {
  const gtSequence = sequence('a', 5, 0.4, true);
  gtSequence.visible!.fill(0, 2 * J, 2 * J + 10); // frame 2: 4 visible → filtered
  const gt: EvalSet = { fps: 25, jointSet: 'lsp14', sequences: [gtSequence] };
  const pred: EvalSet = { ...gt, sequences: [{ ...gtSequence, joints3d: gtSequence.joints3d.map((v) => v * 1.1) }] };
  const report = computeEvalReport(pred, gt);
  assert.equal(report.frames3dCounted, 4);
  assert.equal(value(report, 'mpjpe').counted, 4);
  assert.equal(value(report, 'accel_error_mm_per_frame2').counted, 0); // every window touches frame 2
  assert.equal(value(report, 'accel_error_mm_per_frame2').perSequence, null);
  assert.equal(value(report, 'accel_mm_per_frame2').counted, 3);
  assert.equal(value(report, 'pck').counted, 4); // frame 2 has 4 < 6 visible
});
