import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { H36M, H36M17_FROM_32, LSP_FROM_H36M17, SPIN } from '../../scripts/dataset-fixtures/known-values.js';
import { openDatabase } from '../../src/store/database.js';
import { readTubeTake } from '../../src/store/ground-truth.js';
import { listTubes, readTubeFrames } from '../../src/store/tubes.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';
import { storedTubeNames } from './stored.js';

interface EvalJson {
  fps: number;
  sequences: { name: string; joints3d: number[][][]; visible?: number[][] }[];
}

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 5e-7 + 1e-12, `${what}: ${actual} vs ${expected}`);

test('VideoPose3D npz → camera-frame LSP-14 per camera, S9 in test, values exact after export', async () => {
  const dir = tempDir();
  const db = join(dir, 'hmmr.db');
  const imported = await runCli(['--db', db, 'import', 'h36m', fixture('h36m')]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /train: 1 sequences, 4 mocap3d tubes, 20 frames/);
  const gtPath = join(dir, 'gt.json');
  const exported = await runCli(['--db', db, 'export', '--format', 'eval-gt', '--split', 'test', '--prefix', 'h36m/', '--out', gtPath]);
  assert.equal(exported.code, 0, exported.stderr);
  const gt = JSON.parse(readFileSync(gtPath, 'utf8')) as EvalJson;
  assert.equal(gt.fps, 50);
  assert.deepEqual(gt.sequences.map((s) => s.name), H36M.cameraIds.map((id) => `h36m/S9/Walking 1/${id}`));
  gt.sequences.forEach((sequence, k) => {
    const { orientation, translation } = H36M.camera(k);
    for (let f = 0; f < H36M.frames; f++) {
      for (let j = 0; j < 14; j++) {
        const mocap = H36M17_FROM_32[LSP_FROM_H36M17[j]!]!;
        const relative = [0, 1, 2].map((a) => H36M.jointWorld(1, f, mocap, a) - translation[a]! / 1000);
        // The fixture's cameras are the identity (w = 1) or a half turn about z (z = 1): (x, y, z) → (−x, −y, z).
        const expected = orientation[0] === 1 ? relative : [-relative[0]!, -relative[1]!, relative[2]!];
        expected.forEach((value, a) => close(sequence.joints3d[f]![j]![a]!, value, `camera ${k} frame ${f} joint ${j} axis ${a}`));
      }
    }
  });
  const store = openDatabase(db, { readonly: true });
  try {
    const tube = listTubes(store).find((t) => t.name === `h36m/S1/Directions/${H36M.cameraIds[2]}`)!;
    assert.equal(tube.split, 'train');
    const frames = readTubeFrames(store, tube.id);
    // LSP slot 6 (right wrist) is H36M-17 joint 16.
    assert.deepEqual(Array.from(frames[3]!.keypoints.subarray(18, 21)), [H36M.keypoint2d(0, 2, 3, 16, 0), H36M.keypoint2d(0, 2, 3, 16, 1), 1]);
    // The 4 cameras of one action are one take (validation holds them out together); other actions are others.
    const takes = new Map(listTubes(store).map((t) => [t.name, readTubeTake(store, t.id)]));
    assert.deepEqual(H36M.cameraIds.map((id) => takes.get(`h36m/S1/Directions/${id}`)), H36M.cameraIds.map(() => 'h36m/S1/Directions'));
    assert.equal(takes.get(`h36m/S9/Walking 1/${H36M.cameraIds[0]}`), 'h36m/S9/Walking 1');
  } finally {
    store.close();
  }
});

test('VideoPose3D without camera extrinsics is a clear error naming the missing file, and nothing is stored', async () => {
  const root = tempDir();
  for (const name of ['data_3d_h36m.npz', 'data_2d_h36m_gt.npz']) copyFileSync(fixture('h36m', name), join(root, name));
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', 'h36m', root]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /cameras\.json: cannot read \(ENOENT\): VideoPose3D's 3D positions are world coordinates/);
  assert.deepEqual(storedTubeNames(db), []);
});

test('SPIN-style npz → exact LSP-14 from S, sequences grouped by image name, 2D from part', async () => {
  const dir = tempDir();
  const db = join(dir, 'hmmr.db');
  const imported = await runCli(['--db', db, 'import', 'h36m', fixture('h36m-spin', 'h36m_valid_protocol1.npz')]);
  assert.equal(imported.code, 0, imported.stderr);
  const gtPath = join(dir, 'gt.json');
  assert.equal((await runCli(['--db', db, 'export', '--format', 'eval-gt', '--split', 'test', '--out', gtPath])).code, 0);
  const gt = JSON.parse(readFileSync(gtPath, 'utf8')) as EvalJson;
  assert.deepEqual(gt.sequences.map((s) => s.name), ['h36m-spin/h36m_valid_protocol1/S9_Directions_1.54138969/person0', 'h36m-spin/h36m_valid_protocol1/S11_Walking.60457274/person0']);
  assert.equal(gt.fps, 10);
  gt.sequences.forEach((sequence, s) => {
    for (let f = 0; f < 3; f++) for (let j = 0; j < 14; j++) for (let a = 0; a < 3; a++) close(sequence.joints3d[f]![j]![a]!, SPIN.S(s * 3 + f, j, a), `row ${s * 3 + f} joint ${j}`);
  });
  const store = openDatabase(db, { readonly: true });
  try {
    const [tube] = listTubes(store);
    const frames = readTubeFrames(store, tube!.id);
    assert.deepEqual(frames.map((frame) => frame.frameIndex), [0, 5, 10]);
    assert.deepEqual(listTubes(store).map((t) => readTubeTake(store, t.id)), ['h36m-spin/h36m_valid_protocol1/S9_Directions_1', 'h36m-spin/h36m_valid_protocol1/S11_Walking'], 'the take drops the camera');
    assert.deepEqual(Array.from(frames[1]!.keypoints.subarray(13 * 3, 14 * 3)), [SPIN.part(1, 13, 0), SPIN.part(1, 13, 1), 0]);
  } finally {
    store.close();
  }
});
