import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { HmmrError } from '../../src/errors.js';
import { evaluatePredictions } from '../../src/eval/evaluate.js';
import { readGroundTruthEvalSet } from '../../src/eval/ground-truth-set.js';
import { openDatabase } from '../../src/store/database.js';
import { replaceSyntheticTubes, type GroundTruthTubeToStore } from '../../src/store/ground-truth.js';
import { presetConfig } from '../../src/train/config.js';
import { createHmmrModel, disposeHmmrModel } from '../../src/train/nn/hmmr-network.js';
import { planWindows, predictSequence } from '../../src/train/predict.js';
import { predictImage } from '../../src/predict/predict-image.js';
import { writePredictionFile } from '../../src/predict/prediction-file.js';
import { predictEvalSet } from '../../src/eval/predict-eval-set.js';
import { predictTubes } from '../../src/predict/run-predict.js';
import { trainFromDatabase } from '../../src/train/run-train.js';
import * as tf from '../../src/tf/tf.js';
import { readNpz } from '../../src/util/npz.js';
import { projectPath } from '../../src/util/project-root.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticSequences } from './synthetic-sequences.js';
import { useStandinBody } from './standin-body.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

test('test-time windows: T = 20 moving 8 frames with a 6-frame margin covers any length', () => {
  assert.deepEqual(planWindows(23, 20, 13), { margin: 6, stride: 8, windowCount: 3 });
  assert.deepEqual(planWindows(3, 20, 13), { margin: 6, stride: 8, windowCount: 1 });
  assert.deepEqual(planWindows(40, 20, 1), { margin: 0, stride: 20, windowCount: 2 });
  assert.throws(() => planWindows(10, 12, 13), /too short/);
});

test('sliding-window prediction gives every frame what the network gives that frame alone (single-frame model)', () => {
  const config = presetConfig('tiny')!;
  Object.assign(config.model, { temporal: false, deltaHeads: false, hallucinator: false });
  const model = createHmmrModel(config.model, 75, 2);
  const [sequence] = syntheticSequences(body, { count: 1, frames: 27, seed: 4 });
  const windowed = predictSequence(model.network, body, sequence!.features.original, new Float32Array(75), 20);
  const direct = tf.tidy(() => model.network.forward(tf.tensor3d(sequence!.features.original, [1, 27, 75])).current.theta.dataSync());
  disposeHmmrModel(model);
  assert.equal(windowed.theta.length, 27 * 85);
  const worst = windowed.theta.reduce((max, v, i) => Math.max(max, Math.abs(v - direct[i]!)), 0);
  assert.ok(worst < 1e-5, `differs by ${worst}`);
  assert.equal(windowed.joints3d.length, 27 * 14 * 3);
  assert.equal(windowed.pastPose, undefined);
});

test('temporal prediction keeps Δt poses for every frame of a sequence of any length', () => {
  const model = createHmmrModel(presetConfig('tiny')!.model, 75, 2);
  const [sequence] = syntheticSequences(body, { count: 1, frames: 13, seed: 4 });
  const prediction = predictSequence(model.network, body, sequence!.features.original, new Float32Array(75), 20);
  disposeHmmrModel(model);
  assert.equal(prediction.pastPose!.length, 13 * 72);
  assert.ok([...prediction.theta, ...prediction.joints3d, ...prediction.futurePose!].every(Number.isFinite));
});

/** Synthetic mocap3d tubes in the canonical format; a crop of centre 0 and scale 112 maps pixels to normalised coordinates unchanged. */
function storeTubes(dbPath: string): void {
  const sequences = syntheticSequences(body, { count: 3, frames: 24, seed: 6 });
  const tubes: GroundTruthTubeToStore[] = sequences.map((sequence, s) => ({
    name: `test-synth/${s}`,
    trackId: s,
    keypointFormat: 'hmmr25',
    tier: 'mocap3d',
    split: s === 2 ? 'test' : 'train',
    fps: 25,
    jointSet: 'lsp14',
    frames: Array.from({ length: 24 }, (_, f) => ({
      frameIndex: f,
      keypoints: sequence.keypoints.slice(f * 75, (f + 1) * 75),
      box: { x: -1, y: -1, width: 2, height: 2 },
      crop: { centerX: 0, centerY: 0, scale: 112 },
    })),
    groundTruth: Array.from({ length: 24 }, (_, f) => ({
      frameIndex: f,
      joints3d: sequence.groundTruth!.joints3d.slice(f * 42, (f + 1) * 42),
      pose: sequence.groundTruth!.pose!.slice(f * 72, (f + 1) * 72),
      shape: sequence.groundTruth!.shape!.slice(f * 10, (f + 1) * 10),
      camera: Float32Array.of(0.9, 0, 0),
    })),
  }));
  const db = openDatabase(dbPath);
  replaceSyntheticTubes(db, 'test-synth/', tubes);
  db.close();
}

test('train from the database, predict its tubes to .json and .npz, and score them as hmmr eval does', async () => {
  const dir = tempDir();
  const dbPath = join(dir, 'hmmr.db');
  storeTubes(dbPath);
  const db = openDatabase(dbPath);
  try {
    const trained = await trainFromDatabase({ db, dbPath, outDir: join(dir, 'run'), config: 'tiny', steps: 2, resume: false, backend: 'wasm', seed: 1, split: 'train', threads: 1 });
    assert.deepEqual([trained.endStep, trained.sequenceCount, trained.adversarial], [2, 2, true]);

    const run = await predictTubes({ db, dbPath, checkpoint: join(dir, 'run'), backend: 'wasm' });
    assert.deepEqual(run.tubes.map((tube) => [tube.name, tube.frameCount]), [['test-synth/0', 24], ['test-synth/1', 24], ['test-synth/2', 24]]);
    writePredictionFile(join(dir, 'pred.json'), run);
    writePredictionFile(join(dir, 'pred.npz'), run);
    const json = JSON.parse(readFileSync(join(dir, 'pred.json'), 'utf8')) as { step: number; tubes: { frames: { theta: number[]; joints3d: number[][]; pastPose: number[] }[] }[] };
    assert.equal(json.step, 2);
    assert.ok(!('flipAverage' in json) && !('refineOrientation' in json), 'no test-time option recorded when none was on');
    const flipped = await predictTubes({ db, dbPath, checkpoint: join(dir, 'run'), backend: 'wasm', flipAverage: true });
    writePredictionFile(join(dir, 'pred-flipped.json'), flipped);
    assert.equal((JSON.parse(readFileSync(join(dir, 'pred-flipped.json'), 'utf8')) as { flipAverage?: boolean }).flipAverage, true);
    writePredictionFile(join(dir, 'pred-flipped.npz'), flipped);
    assert.deepEqual(Array.from(readNpz(join(dir, 'pred-flipped.npz')).get('flip_average')!.data as Int32Array), [1]);
    assert.ok(!readNpz(join(dir, 'pred.npz')).has('flip_average'), 'no flag array when the option was off');
    assert.deepEqual([json.tubes[0]!.frames[0]!.theta.length, json.tubes[0]!.frames[0]!.joints3d.length, json.tubes[0]!.frames[0]!.pastPose.length], [85, 14, 72]);
    const npz = readNpz(join(dir, 'pred.npz'));
    assert.deepEqual(npz.get(`tube_${run.tubes[0]!.tubeId}/joints3d`)!.shape, [24, 14, 3]);

    const predicted = await predictEvalSet(db, dbPath, join(dir, 'run'), 'test', { backend: 'wasm' });
    const report = evaluatePredictions(predicted, readGroundTruthEvalSet(db, dbPath, 'test'));
    assert.deepEqual([report.sequenceCount, report.frameCount, report.frames3dCounted], [1, 24, 24]);

    // The paper's Figure 1 path: one still photo (a frame of the shipped clip) → each person's present
    // pose and its ±5-frame past and future through the hallucinator.
    const photo = join(dir, 'player.png');
    execFileSync(ffmpegPath(), ['-loglevel', 'error', '-y', '-ss', '8', '-i', projectPath('media', 'S02_tabletennis.mp4'), '-frames:v', '1', photo]);
    const image = await predictImage({ image: photo, checkpoint: join(dir, 'run'), backend: 'wasm' });
    assert.ok(image.people.length >= 1, 'the table-tennis player is found');
    const person = image.people[0]!.prediction;
    assert.deepEqual([person.theta.length, person.pastPose!.length, person.futurePose!.length], [85, 72, 72]);
    assert.ok(Array.from(person.theta).every(Number.isFinite));

    const garbage = join(dir, 'not-a-photo.jpg');
    writeFileSync(garbage, 'this is text, not a JPEG');
    await assert.rejects(predictImage({ image: garbage, checkpoint: join(dir, 'run'), backend: 'wasm' }), (error: unknown) =>
      error instanceof HmmrError && error.message.startsWith(garbage));
  } finally {
    db.close();
  }
});
