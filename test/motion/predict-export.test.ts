import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { validateBytes } from 'gltf-validator';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { exportMotion, type ExportMotionOptions } from '../../src/motion/export-motion.js';
import { openDatabase } from '../../src/store/database.js';
import { listPredictionRuns, readTubePredictions } from '../../src/store/predictions.js';
import { predictTubes } from '../../src/predict/run-predict.js';
import { trainFromDatabase } from '../../src/train/run-train.js';
import { readNpz } from '../../src/util/npz.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { useStandinBody } from '../train/standin-body.js';
import { bvhJointPositions, modelJoints, worstDistance } from './reference-poses.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const dir = tempDir('hmmr-motion-');
const db = join(dir, 'm.db');
const checkpoint = join(dir, 'run');
const FRAMES = 30;

before(async () => {
  const synth = await runCli(['synth', '--db', db, '--out', join(dir, 'synth'), '--sequences', '3', '--frames', String(FRAMES), '--seed', '4', '--fps', '30', '--backend', 'wasm']);
  assert.equal(synth.code, 0, synth.stderr);
  const handle = openDatabase(db);
  try {
    await trainFromDatabase({ db: handle, dbPath: db, outDir: checkpoint, config: 'tiny', steps: 2, resume: false, backend: 'wasm', seed: 1, split: 'train', threads: 1 });
  } finally {
    handle.close();
  }
});

test('predict → store (interrupted after one tube, then resumed by the CLI) → export-motion bvh, glb and npz', async () => {
  // An interrupted `hmmr predict`: the first tube is committed, the run stays incomplete.
  const handle = openDatabase(db);
  const controller = new AbortController();
  const first = await predictTubes({ db: handle, dbPath: db, checkpoint, backend: 'wasm', store: true, signal: controller.signal, onTube: () => controller.abort() });
  assert.deepEqual([first.tubes.length, first.stored!.complete, first.stored!.resumed], [1, false, false]);
  let [run] = listPredictionRuns(handle);
  assert.deepEqual([run!.status, run!.tubeCount, run!.frameCount, run!.step], ['running', 1, FRAMES, 2]);
  const storedFirst = readTubePredictions(handle, run!.id)[0]!;
  assert.deepEqual(storedFirst.theta, first.tubes[0]!.theta, 'Θ is stored bit for bit');
  assert.deepEqual(storedFirst.pastPose, first.tubes[0]!.pastPose);
  handle.close();

  // The same command again continues the run: two tubes predicted, one skipped, a file of all three.
  const resumed = await runCli(['predict', '--db', db, '--checkpoint', checkpoint, '--backend', 'wasm', '--out', join(dir, 'pred.json'), '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout) as { predictionRun: number; resumed: boolean; complete: boolean; tubes: number; skippedTubes: number };
  assert.deepEqual(summary, { ...summary, predictionRun: run!.id, resumed: true, complete: true, tubes: 2, skippedTubes: 1 });
  const file = JSON.parse(readFileSync(join(dir, 'pred.json'), 'utf8')) as { tubes: { tubeId: number; frames: { theta: number[] }[] }[] };
  assert.equal(file.tubes.length, 3);
  const inFile = file.tubes.find((tube) => tube.tubeId === storedFirst.tubeId)!;
  assert.ok(Math.abs(inFile.frames[3]!.theta[10]! - storedFirst.theta[3 * 85 + 10]!) < 1e-6, 'the file holds the stored predictions');

  const check = openDatabase(db);
  [run] = listPredictionRuns(check);
  assert.deepEqual([run!.status, run!.tubeCount, run!.frameCount], ['done', 3, 3 * FRAMES]);
  const stored = readTubePredictions(check, run!.id);
  check.close();

  for (const format of ['bvh', 'glb', 'npz']) {
    const out = join(dir, format);
    const result = await runCli(['export-motion', '--db', db, '--format', format, '--out', out, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(out).sort(), stored.map((tube) => `${tube.tubeId}-${tube.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.${format}`).sort());
  }
  const tube = stored[1]!;
  const stem = `${tube.tubeId}-${tube.name.replace(/[^A-Za-z0-9._-]+/g, '_')}`;

  // npz: VIBE's keys, holding exactly what was stored.
  const npz = readNpz(join(dir, 'npz', `${stem}.npz`));
  assert.deepEqual(npz.get('pose')!.shape, [FRAMES, 72]);
  assert.deepEqual(Array.from(npz.get('frame_ids')!.data as Int32Array), Array.from(tube.frameIndices));
  assert.deepEqual(npz.get('betas')!.data, Float32Array.from({ length: FRAMES * 10 }, (_, i) => tube.theta[Math.floor(i / 10) * 85 + 75 + (i % 10)]!));
  assert.deepEqual(npz.get('pred_cam')!.data, Float32Array.from({ length: FRAMES * 3 }, (_, i) => tube.theta[Math.floor(i / 3) * 85 + (i % 3)]!));
  assert.equal(npz.has('orig_cam'), false, 'synthetic tubes have no video, so no frame to place the camera in');
  // Stored poses are rotation vectors; the npz may give the same rotation with an angle ≤ π.
  const reposed = modelJoints(body, Float32Array.from({ length: FRAMES * 85 }, (_, i) => (i % 85 >= 3 && i % 85 < 75 ? npz.get('pose')!.data[Math.floor(i / 85) * 72 + (i % 85) - 3] : tube.theta[i]) as number), new Float32Array(10));
  const original = modelJoints(body, tube.theta, new Float32Array(10));
  assert.ok(worstDistance(reposed, original) < 1e-5, 'npz poses give the stored poses');

  // BVH: three.js's parser gives the body model's joints for the stored poses (no video: root at rest).
  const bvh = bvhJointPositions(readFileSync(join(dir, 'bvh', `${stem}.bvh`), 'utf8'));
  assert.ok(Math.abs(bvh.frameTime - 1 / 30) < 1e-7, `the tube's 30 fps, got a frame time of ${bvh.frameTime}`);
  const betas = Array.from({ length: 10 }, (_, b) => tube.theta.reduce((sum, _v, i) => sum + (i % 85 === 75 + b ? tube.theta[i]! / FRAMES : 0), 0));
  const expected = modelJoints(body, tube.theta, betas);
  // No video, so no camera translation: the export frame is (x, −y, −z) about the root's rest
  // position J₀, which stays put (J₀ = the model's joints at zero pose).
  const restJoints = modelJoints(body, Float32Array.from({ length: 85 }, (_, i) => (i >= 75 ? betas[i - 75]! : 0)), betas);
  const inExport = expected.map((value, i) => (i % 3 === 0 ? value : 2 * restJoints[i % 3]! - value));
  const worst = worstDistance(bvh.positions, inExport);
  assert.ok(worst < 1e-3, `BVH joints ${(worst * 1000).toFixed(3)} mm from the body model's`);

  const report = await validateBytes(new Uint8Array(readFileSync(join(dir, 'glb', `${stem}.glb`))), { uri: `${stem}.glb` });
  assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages));

  // Smoothing changes the motion; bad selections fail with one line naming the database.
  const exportBvh = (options: Partial<ExportMotionOptions>) => {
    const handle = openDatabase(db);
    try {
      return exportMotion({ db: handle, dbPath: db, format: 'bvh', outDir: join(dir, 'smooth'), smoothing: { method: 'none' }, ...options });
    } finally {
      handle.close();
    }
  };
  exportBvh({ tubeIds: [tube.tubeId], smoothing: { method: 'savgol', window: 7, order: 2 } });
  assert.notEqual(readFileSync(join(dir, 'smooth', `${stem}.bvh`), 'utf8'), readFileSync(join(dir, 'bvh', `${stem}.bvh`), 'utf8'));
  assert.throws(() => exportBvh({ tubeIds: [4242] }), /prediction run \d+ has no predictions for tube 4242/);
  const noRun = await runCli(['export-motion', '--db', db, '--format', 'bvh', '--out', join(dir, 'x'), '--run', '999']);
  assert.equal(noRun.code, 1);
  assert.equal(noRun.stderr.trim(), `hmmr: ${db}: no prediction run 999`);
  const evenWindow = await runCli(['export-motion', '--db', db, '--format', 'bvh', '--out', join(dir, 'x'), '--smooth', 'savgol', '--window', '6']);
  assert.equal(evenWindow.code, 1);
  assert.match(evenWindow.stderr, /--window must be an odd number/);
});
