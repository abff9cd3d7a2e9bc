/**
 * A new user's first prediction: the shipped checkpoint (models/hmmr-embedded, trained only on
 * synthetic data) on the shipped table-tennis clip's tube. The 3D must follow the person: projected
 * through its own camera it lands on the tube's 2D keypoints, and it moves as they move.
 * Expected values are the detector's keypoints in the store, never the model's own output. The same
 * with the test-time pose fit (--refine-pose) must follow the detections more closely.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COCO18_NAMES, KEYPOINT_SETS } from '../../src/body/joint-sets.js';
import { openDatabase } from '../../src/store/database.js';
import { listTubes, readTubeFrames } from '../../src/store/tubes.js';
import { projectPath } from '../../src/util/project-root.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

interface PredictionJson {
  checkpoint: string;
  tubes: { tubeId: number; frames: { frameIndex: number; theta: number[]; joints3d: number[][] }[] }[];
}

const LSP = KEYPOINT_SETS.lsp14!;
/** LSP-14 joints the COCO-18 detector also has (no head top). */
const SHARED_JOINTS = LSP.filter((name) => (COCO18_NAMES as readonly string[]).includes(name));
const CONFIDENT = 0.3;
/** Wrists, elbows, knees, ankles: the joints that move in a table-tennis rally. */
const LIMB_JOINTS = ['right_wrist', 'right_elbow', 'left_wrist', 'left_elbow', 'right_knee', 'right_ankle', 'left_knee', 'left_ankle'];
const MAX_MEDIAN_ERROR = 0.12;
const MIN_CORRELATION = 0.4;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** How well one prediction of the tube follows its detections: median reprojection error (per box height) and the limbs' mean correlation. */
function followMeasures(predicted: PredictionJson['tubes'][number], frames: ReturnType<typeof readTubeFrames>): { medianError: number; meanCorrelation: number; correlations: number[]; joints: number } {
  // Reprojection: x = centre + (112·s / crop scale)·(X + t), the weak-perspective camera of the
  // crop the network saw (spec: crops are 224 px, the camera maps metres to [-1, 1]).
  const coco = COCO18_NAMES as readonly string[];
  const errors: number[] = [];
  // Per limb joint, over frames: its offset from the hip centre, detected (image, per box height)
  // and predicted (3D, metres); the 3D follows the person when the two move together.
  const tracks = new Map(LIMB_JOINTS.map((name) => [name, { detected: [[], []] as number[][], predicted: [[], []] as number[][] }]));
  for (const [f, frame] of frames.entries()) {
    const { theta, joints3d } = predicted.frames[f]!;
    assert.equal(predicted.frames[f]!.frameIndex, frame.frameIndex);
    const pixelsPerMetre = (112 * theta[0]!) / frame.crop.scale;
    const project = (joint: number[]) => [frame.crop.centerX + pixelsPerMetre * (joint[0]! + theta[1]!), frame.crop.centerY + pixelsPerMetre * (joint[1]! + theta[2]!)];
    const height = frame.box.height;
    const detected = (name: string) => {
      const k = coco.indexOf(name);
      return frame.keypoints[k * 3 + 2]! >= CONFIDENT ? [frame.keypoints[k * 3]!, frame.keypoints[k * 3 + 1]!] : undefined;
    };
    const joint = (name: string) => joints3d[LSP.indexOf(name)]!;
    for (const name of SHARED_JOINTS) {
      const point = detected(name);
      if (!point) continue;
      const [px, py] = project(joint(name));
      errors.push(Math.hypot(px! - point[0]!, py! - point[1]!) / height);
    }
    const [rightHip, leftHip] = [detected('right_hip'), detected('left_hip')];
    if (!rightHip || !leftHip) continue;
    for (const name of LIMB_JOINTS) {
      const point = detected(name);
      if (!point) continue;
      const track = tracks.get(name)!;
      for (const axis of [0, 1]) {
        track.detected[axis]!.push((point[axis]! - (rightHip[axis]! + leftHip[axis]!) / 2) / height);
        track.predicted[axis]!.push(joint(name)[axis]! - (joint('right_hip')[axis]! + joint('left_hip')[axis]!) / 2);
      }
    }
  }
  const correlations = [...tracks.values()].flatMap((track) => [0, 1].map((axis) => correlation(track.detected[axis]!, track.predicted[axis]!)));
  return { medianError: median(errors), meanCorrelation: correlations.reduce((sum, r) => sum + r, 0) / correlations.length, correlations, joints: errors.length };
}

test('the shipped checkpoint on the shipped clip: 3D projects onto the tube keypoints and follows their motion, more closely with the pose fit', async () => {
  const dir = tempDir('hmmr-shipped-');
  const db = join(dir, 'hmmr.db');
  const clip = projectPath('media', 'S02_tabletennis.mp4');
  for (const args of [
    ['ingest', clip, '--db', db],
    ['label', '--db', db, '--quality', 'fast', '--fps', '6'],
    ['predict', '--db', db, '--backend', 'wasm', '--out', join(dir, 'pred.json')],
    ['predict', '--db', db, '--backend', 'wasm', '--refine-pose', '--out', join(dir, 'pred-fitted.json')],
  ]) {
    const result = await runCli([...args, '--quiet']);
    assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
  }
  const predictions = JSON.parse(readFileSync(join(dir, 'pred.json'), 'utf8')) as PredictionJson;
  assert.match(predictions.checkpoint, /models[/\\]hmmr-embedded/, 'predict defaults to the shipped checkpoint');
  const fittedPredictions = JSON.parse(readFileSync(join(dir, 'pred-fitted.json'), 'utf8')) as PredictionJson;

  const store = openDatabase(db);
  const tube = listTubes(store).sort((a, b) => b.frameCount - a.frameCount)[0]!;
  const frames = readTubeFrames(store, tube.id);
  store.close();
  assert.ok(frames.length >= 30, `the player's tube spans the clip (${frames.length} frames)`);
  const plain = followMeasures(predictions.tubes.find((t) => t.tubeId === tube.id)!, frames);
  const fitted = followMeasures(fittedPredictions.tubes.find((t) => t.tubeId === tube.id)!, frames);
  for (const [name, measure] of [['shipped checkpoint', plain], ['with --refine-pose', fitted]] as const) {
    console.log(`${name} on ${tube.name}: ${frames.length} frames, median reprojection error ${(100 * measure.medianError).toFixed(1)} % of box height over ${measure.joints} confident joints; limb joints' offsets from the hips, detected vs predicted, mean correlation ${measure.meanCorrelation.toFixed(2)} (${measure.correlations.map((r) => r.toFixed(2)).join(' ')})`);
  }
  assert.ok(plain.medianError < MAX_MEDIAN_ERROR, `median reprojection error ${(100 * plain.medianError).toFixed(1)} % of the box height (limit ${100 * MAX_MEDIAN_ERROR} %)`);
  assert.ok(plain.meanCorrelation > MIN_CORRELATION, `the predicted limbs should move with the detected ones (mean correlation ${plain.meanCorrelation.toFixed(2)}, limit ${MIN_CORRELATION})`);
  // The pose fit (measured 8.6 → 5.3 % and 0.59 → 0.72): its 3D lands nearer the detections and its
  // limbs move more with them, not only its 2D.
  assert.ok(fitted.medianError < 0.8 * plain.medianError, `--refine-pose: reprojection ${(100 * fitted.medianError).toFixed(1)} vs ${(100 * plain.medianError).toFixed(1)} %`);
  assert.ok(fitted.meanCorrelation > plain.meanCorrelation + 0.05, `--refine-pose: limb correlation ${fitted.meanCorrelation.toFixed(2)} vs ${plain.meanCorrelation.toFixed(2)}`);
});
