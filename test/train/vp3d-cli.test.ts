import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { readCheckpointInfo } from '../../src/train/checkpoint.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-vp3d-cli-');
const db = join(dir, 't.db');

before(async () => {
  const synth = await runCli(['synth', '--db', db, '--out', join(dir, 'synth'), '--sequences', '4', '--frames', '40', '--seed', '3', '--test-fraction', '0.25', '--backend', 'wasm']);
  assert.equal(synth.code, 0, synth.stderr);
});

test('hmmr train --config vp3d-…: the checkpoint records the lifter; resume, predict and eval --checkpoint dispatch on it', async () => {
  const config = join(dir, 'small-vp3d.json');
  writeFileSync(config, JSON.stringify({ extends: 'vp3d-27', vp3d: { channels: 16, chunkFrames: 8 }, data: { batchSize: 2, microBatch: 2 } }));
  const out = join(dir, 'run');
  const trained = await runCli(['train', '--db', db, '--out', out, '--config', config, '--steps', '3', '--backend', 'wasm', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const summary = JSON.parse(trained.stdout) as { endStep: number; config: { name: string } };
  assert.equal(summary.endStep, 3);
  const info = readCheckpointInfo(out);
  assert.deepEqual(info.config.vp3d?.filterWidths, [3, 3, 3]);
  assert.equal(info.config.vp3d?.channels, 16);

  const resumed = await runCli(['train', '--db', db, '--out', out, '--resume', '--steps', '5', '--backend', 'wasm', '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual((({ startStep, endStep }) => [startStep, endStep])(JSON.parse(resumed.stdout) as { startStep: number; endStep: number }), [3, 5]);

  const predFile = join(dir, 'pred.json');
  const predicted = await runCli(['predict', '--db', db, '--checkpoint', out, '--out', predFile, '--backend', 'wasm']);
  assert.equal(predicted.code, 0, predicted.stderr);
  const pred = JSON.parse(readFileSync(predFile, 'utf8')) as { tubes: { frames: { theta: (number | null)[]; joints3d: number[][] }[] }[] };
  assert.equal(pred.tubes.length, 4);
  const frame = pred.tubes[0]!.frames[5]!;
  assert.equal(frame.joints3d.length, 14);
  // Pelvis-relative joints: the hips (LSP 2, 3) are symmetric about the origin.
  for (let axis = 0; axis < 3; axis++) assert.ok(Math.abs(frame.joints3d[2]![axis]! + frame.joints3d[3]![axis]!) < 1e-4);
  assert.ok(frame.theta.slice(0, 3).every((value) => typeof value === 'number' && Number.isFinite(value)), 'the camera comes from the trajectory model');
  assert.ok(frame.theta.slice(3).every((value) => value === null), 'no SMPL pose or shape');

  const evaluated = await runCli(['eval', '--db', db, '--checkpoint', out, '--split', 'test', '--backend', 'wasm', '--json']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout) as { step: number; report: { rows: { key: string; perSequence: number | null }[] }; dynamics: { skipped?: string } };
  assert.equal(report.step, 5);
  const mpjpe = report.report.rows.find((row) => row.key === 'mpjpe')!.perSequence!;
  assert.ok(mpjpe > 0 && mpjpe < 5000, `MPJPE ${mpjpe}`);
  assert.match(report.dynamics.skipped ?? '', /VideoPose3D lifter: it has no hallucinator/);
  const refined = await runCli(['eval', '--db', db, '--checkpoint', out, '--split', 'test', '--backend', 'wasm', '--refine-orientation']);
  assert.equal(refined.code, 1);
  assert.match(refined.stderr, /is a VideoPose3D lifter: it predicts joints, not a body rotation to refine/);
  const fitted = await runCli(['eval', '--db', db, '--checkpoint', out, '--split', 'test', '--backend', 'wasm', '--refine-pose']);
  assert.equal(fitted.code, 1);
  assert.match(fitted.stderr, /is a VideoPose3D lifter: it predicts joints, not a body pose to fit \(--refine-pose needs an HMMR checkpoint\)/);
  const flipped = await runCli(['eval', '--db', db, '--checkpoint', out, '--split', 'test', '--backend', 'wasm', '--flip-average']);
  assert.equal(flipped.code, 1);
  assert.match(flipped.stderr, /is a VideoPose3D lifter: --flip-average averages HMMR's body rotations/);

  const image = await runCli(['predict', '--db', db, '--checkpoint', out, '--image', join(dir, 'none.jpg'), '--out', join(dir, 'x.json'), '--backend', 'wasm']);
  assert.notEqual(image.code, 0);
});

test('a vp3d config file with a bad lifter key fails naming the file and the key', async () => {
  const config = join(dir, 'bad-vp3d.json');
  writeFileSync(config, JSON.stringify({ extends: 'vp3d-81', vp3d: { filterWidths: [3, 2] } }));
  const result = await runCli(['train', '--db', db, '--out', join(dir, 'bad-run'), '--config', config, '--steps', '1']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`hmmr: ${config}: 'vp3d.filterWidths' must hold odd positive integers`));
  writeFileSync(config, JSON.stringify({ extends: 'vp3d-27', schedule: { validateEvery: 10 } }));
  const validating = await runCli(['train', '--db', db, '--out', join(dir, 'bad-run'), '--config', config, '--steps', '1']);
  assert.equal(validating.code, 1);
  assert.match(validating.stderr, /'schedule.validateEvery' must be 0 for a vp3d config/);
});
