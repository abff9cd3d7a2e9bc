import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { COCO18_NAMES, HMMR25_NAMES, KEYPOINT_SETS } from '../../src/body/joint-sets.js';
import { LbsBodyModel } from '../../src/body/lbs.js';
import { loadBodyModelFile } from '../../src/body/load.js';
import { evaluatePredictions } from '../../src/eval/evaluate.js';
import { readGroundTruthEvalSet } from '../../src/eval/ground-truth-set.js';
import { runSynth } from '../../src/synth/run-synth.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { initBackend } from '../../src/tf/backend.js';
import { KeypointFeatureExtractor } from '../../src/train/features/keypoint-features.js';
import { loadSequences } from '../../src/train/data/store-sequences.js';
import type { TrainingSequence } from '../../src/train/data/sequence.js';
import { assembleBatch } from '../../src/train/data/windows.js';
import { jointsOfTheta } from '../../src/train/predict.js';
import { THETA_SIZE } from '../../src/train/theta.js';
import * as tf from '../../src/tf/tf.js';
import { tempDir } from '../helpers/temp-dir.js';

/*
 * The conventions every stage must share (issue 10's MPJPE/PA-MPJPE gap): synthetic ground truth,
 * the body model, the crop camera, prediction's joints and the flip augmentation. Expected values
 * here are built from names and plain arithmetic, not from the code under test.
 */

const dir = tempDir('hmmr-gt-path-');
let db: Db;
let body: LbsBodyModel;
let sequences: TrainingSequence[];
const SYNTH = { sequences: 7, frames: 30, fps: 25, seed: 3, testFraction: 0.3, detectorFormat: { name: 'coco18', keypoints: COCO18_NAMES } };

before(async () => {
  await initBackend('cpu');
  body = new LbsBodyModel(loadBodyModelFile());
  db = openDatabase(join(dir, 'synth.db'));
  await runSynth(db, body, join(dir, 'synth'), SYNTH);
  sequences = await loadSequences(db, join(dir, 'synth.db'), { tier: 'mocap3d' }, { extractor: new KeypointFeatureExtractor(0.1) });
});
after(() => {
  db.close();
  body.dispose();
});

/** Θ rows from a sequence's ground truth: camera 0 (unused for 3D), pose and shape. */
function groundTruthTheta(sequence: TrainingSequence): Float32Array {
  const gt = sequence.groundTruth!;
  const theta = new Float32Array(sequence.frameCount * THETA_SIZE);
  for (let f = 0; f < sequence.frameCount; f++) {
    theta.set(gt.pose!.subarray(f * 72, (f + 1) * 72), f * THETA_SIZE + 3);
    theta.set(gt.shape!.subarray(f * 10, (f + 1) * 10), f * THETA_SIZE + 75);
  }
  return theta;
}

/** Rotation about the vertical axis that the root's axis-angle applies after Rx(π) (0: facing the camera). */
function rootYaw(pose: ArrayLike<number>): number {
  const [x, y, z] = [pose[0]!, pose[1]!, pose[2]!];
  const angle = Math.hypot(x, y, z);
  const [kx, ky, kz] = [x / angle, y / angle, z / angle];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  // R = Rx(π)·Ry(yaw) has first row (cos yaw, 0, sin yaw).
  const r00 = c + kx * kx * (1 - c);
  const r02 = kx * kz * (1 - c) + ky * s;
  return Math.atan2(r02, r00);
}

test('ground truth pushed through the prediction path (Θ → body → LSP joints → hmmr eval) scores MPJPE ≈ 0', () => {
  const gt = readGroundTruthEvalSet(db, '', 'test');
  assert.ok(gt.sequences.length >= 2);
  const pred = {
    path: 'gt-through-body',
    fps: gt.fps,
    jointSet: 'lsp14' as const,
    sequences: gt.sequences.map((stored) => {
      const sequence = sequences.find((s) => s.name === stored.name)!;
      return { name: stored.name, frameCount: stored.frameCount, joints3d: Float64Array.from(jointsOfTheta(body, groundTruthTheta(sequence))) };
    }),
  };
  const rows = new Map(evaluatePredictions(pred, gt).rows.map((row) => [row.key, row]));
  for (const key of ['mpjpe', 'pa_mpjpe', 'accel_error_mm_per_frame2'] as const) {
    const value = rows.get(key)!.perSequence!;
    assert.ok(value < 0.01, `${key} = ${value}`);
  }
  assert.ok(rows.get('mpjpe')!.counted === gt.sequences.reduce((sum, s) => sum + s.frameCount, 0), 'every frame counted');
});

test('the synthetic views cover every facing direction, including backs to the camera', () => {
  const yaws = sequences.map((sequence) => (rootYaw(sequence.groundTruth!.pose!.subarray(0, 3)) * 180) / Math.PI);
  assert.ok(yaws.some((yaw) => Math.abs(yaw) > 120), `yaws ${yaws.map((y) => y.toFixed(0)).join(', ')}`);
  assert.ok(yaws.some((yaw) => Math.abs(yaw) < 60), `yaws ${yaws.map((y) => y.toFixed(0)).join(', ')}`);
});

test('a flipped window is the mirror image: 3D, 2D and the root turn the other way, left and right swapped by name', () => {
  const LSP = KEYPOINT_SETS.lsp14!;
  const mirrorName = (name: string) => (name.startsWith('left_') ? 'right_' + name.slice(5) : name.startsWith('right_') ? 'left_' + name.slice(6) : name);
  for (const sequence of sequences) {
    const t = sequence.frameCount;
    const plain = assembleBatch([{ sequence, start: 0, flip: false }], t, 0.1);
    const flipped = assembleBatch([{ sequence, start: 0, flip: true }], t, 0.1);
    for (let f = 0; f < t; f += 7) {
      LSP.forEach((name, k) => {
        const from = (f * 14 + LSP.indexOf(mirrorName(name))) * 3;
        const to = (f * 14 + k) * 3;
        assert.deepEqual(Array.from(flipped.joints3d.subarray(to, to + 3)), [-plain.joints3d[from]!, plain.joints3d[from + 1]!, plain.joints3d[from + 2]!], `${sequence.name} frame ${f} ${name}`);
      });
      HMMR25_NAMES.forEach((name, k) => {
        const from = (f * 25 + HMMR25_NAMES.indexOf(mirrorName(name) as never)) * 3;
        const to = (f * 25 + k) * 3;
        const [x, y, v] = [plain.keypoints[from]!, plain.keypoints[from + 1]!, plain.keypoints[from + 2]!];
        assert.deepEqual(Array.from(flipped.keypoints.subarray(to, to + 3)), [v ? -x : 0, y, v], `${sequence.name} frame ${f} ${name} 2D`);
      });
      const yaw = rootYaw(plain.pose.subarray(f * 72, f * 72 + 3));
      const mirroredYaw = rootYaw(flipped.pose.subarray(f * 72, f * 72 + 3));
      const wrapped = Math.atan2(Math.sin(mirroredYaw + yaw), Math.cos(mirroredYaw + yaw));
      assert.ok(Math.abs(wrapped) < 1e-4, `${sequence.name} frame ${f}: yaw ${yaw} flips to ${mirroredYaw}, not its negative`);
    }
    // The flipped pose posed through the body model lands on the flipped joints (at every yaw).
    const posed = tf.tidy(() => body.posedKeypoints(tf.tensor2d(flipped.pose, [t, 72]), tf.tensor2d(flipped.shape, [t, 10]), 'lsp14').keypoints.dataSync());
    let worst = 0;
    for (let i = 0; i < posed.length; i++) worst = Math.max(worst, Math.abs(posed[i]! - flipped.joints3d[i]!));
    assert.ok(worst < 1e-5, `${sequence.name}: flipped pose through the body is ${worst} m off the flipped joints`);
  }
});

test('2D keypoints are the 3D joints seen through the crop camera, y down, in the normalised crop', () => {
  const gt = readGroundTruthEvalSet(db, '', 'train');
  for (const stored of gt.sequences) {
    const sequence = sequences.find((s) => s.name === stored.name)!;
    // Crop pixels → normalised crop: 2·px/224 − 1; compare the shoulders and hips (coco18 has them).
    for (const name of ['left_shoulder', 'right_shoulder', 'left_hip', 'right_hip'] as const) {
      const k = KEYPOINT_SETS.lsp14!.indexOf(name);
      const slot = HMMR25_NAMES.indexOf(name);
      let sum = 0;
      let count = 0;
      for (let f = 0; f < sequence.frameCount; f++) {
        const c = sequence.keypoints[(f * 25 + slot) * 3 + 2]!;
        if (!(c > 0)) continue;
        const x = (2 * stored.joints2d![(f * 14 + k) * 2]!) / 224 - 1;
        const y = (2 * stored.joints2d![(f * 14 + k) * 2 + 1]!) / 224 - 1;
        sum += Math.hypot(x - sequence.keypoints[(f * 25 + slot) * 3]!, y - sequence.keypoints[(f * 25 + slot) * 3 + 1]!);
        count++;
      }
      // Detector jitter is ~2.5 cm ≈ 0.02 normalised units; a left/right or y-sign slip would be ~0.3+.
      assert.ok(count > 0 && sum / count < 0.06, `${stored.name} ${name}: mean 2D gap ${(sum / count).toFixed(3)}`);
    }
  }
});
