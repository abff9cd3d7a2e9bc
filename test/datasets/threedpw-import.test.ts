import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LSP_FROM_SMPL24, TDPW } from '../../scripts/dataset-fixtures/known-values.js';
import { py } from '../../scripts/dataset-fixtures/py-pickle-writer.js';
import { threeDpwSequence } from '../../scripts/write-dataset-fixtures.js';
import { openDatabase } from '../../src/store/database.js';
import { readTubeGroundTruth } from '../../src/store/ground-truth.js';
import { listTubes, readTubeFrames } from '../../src/store/tubes.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';
import { storedTubeNames } from './stored.js';

/** Camera-frame LSP joint j of actor n at frame f, from the fixture's formulas (R·X + t). */
function expectedJoint(n: number, f: number, j: number): number[] {
  const R = TDPW.cameraRotation(f);
  const t = TDPW.cameraTranslation(f);
  const X = [0, 1, 2].map((a) => TDPW.jointWorld(n, f, LSP_FROM_SMPL24[j]!, a));
  return [0, 1, 2].map((r) => R[r * 3]! * X[0]! + R[r * 3 + 1]! * X[1]! + R[r * 3 + 2]! * X[2]! + t[r]!);
}

function datasetWith(pkl: Buffer, name = TDPW.sequence): string {
  const root = tempDir();
  mkdirSync(join(root, 'sequenceFiles', 'test'), { recursive: true });
  copyFileSync(fixture('3dpw/sequenceFiles/test', `${TDPW.sequence}.pkl`), join(root, 'sequenceFiles', 'test', `${TDPW.sequence}.pkl`));
  writeFileSync(join(root, 'sequenceFiles', 'test', `${name}.pkl`), pkl);
  return root;
}

test('import 3dpw → export eval-gt: camera-frame LSP-14, campose_valid frames invisible, the caveat printed', async () => {
  const dir = tempDir();
  const db = join(dir, 'hmmr.db');
  const imported = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--split', 'test']);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /test: 1 sequences, 2 mocap3d tubes, 8 frames/);
  assert.match(imported.stdout, /approximate joints/);

  const gtPath = join(dir, 'gt.json');
  const exported = await runCli(['--db', db, 'export', '--format', 'eval-gt', '--split', 'test', '--prefix', '3dpw/', '--out', gtPath]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stderr, /approximate joints: 2 of 2 sequences/);
  const gt = JSON.parse(readFileSync(gtPath, 'utf8')) as { fps: number; joints: string; sequences: { name: string; joints3d: number[][][]; visible: number[][] }[] };
  assert.equal(gt.fps, 30);
  assert.equal(gt.joints, 'lsp14');
  assert.deepEqual(gt.sequences.map((s) => s.name), [0, 1].map((n) => `3dpw/test/${TDPW.sequence}/actor${n}`));
  gt.sequences.forEach((sequence, n) => {
    assert.equal(sequence.joints3d.length, TDPW.frames);
    for (let f = 0; f < TDPW.frames; f++) {
      for (let j = 0; j < 14; j++) {
        // The eval file rounds to 1 µm (docs/eval-format.md).
        expectedJoint(n, f, j).forEach((value, a) => assert.ok(Math.abs(sequence.joints3d[f]![j]![a]! - value) <= 5e-7 + 1e-12, `actor ${n} frame ${f} joint ${j} axis ${a}`));
      }
      assert.deepEqual(sequence.visible[f], new Array(14).fill(TDPW.camposeValid[n]![f]));
    }
  });

  const store = openDatabase(db, { readonly: true });
  try {
    const [tube] = listTubes(store, { split: 'test' });
    const truth = readTubeGroundTruth(store, tube!.id);
    // Odd frames' camera turns 90° about y and the root pose is 0, so the camera-frame root is (0, π/2, 0).
    assert.deepEqual(Array.from(truth[1]!.pose!.subarray(0, 3), (v) => Math.round(v * 1e6) / 1e6), [0, Math.round((Math.PI / 2) * 1e6) / 1e6, 0]);
    assert.deepEqual(Array.from(truth[2]!.pose!.subarray(3, 6)), [3, 4, 5].map((k) => TDPW.pose(0, 2, k)));
    assert.deepEqual(Array.from(truth[0]!.shape!), Array.from({ length: 10 }, (_, k) => TDPW.betas(0, k)));
    const frames = readTubeFrames(store, tube!.id);
    const [x, y, c] = TDPW.keypoint2d(0, 1, 4);
    assert.deepEqual(Array.from(frames[1]!.keypoints.subarray(12, 15)), [x, y, c]);
    // campose_valid 0 (actor 0, frame 2): no keypoints; a point with confidence 0 (COCO-18 point 17) is x = y = 0.
    assert.deepEqual(Array.from(frames[2]!.keypoints), new Array(54).fill(0));
    assert.deepEqual(Array.from(frames[1]!.keypoints.subarray(51, 54)), [0, 0, 0]);
  } finally {
    store.close();
  }
});

test('a 3DPW file with a bad key fails alone: named file and key, exit 3, nothing of it stored, the good one imported', async () => {
  const badName = 'broken_fixture_01';
  const bad = threeDpwSequence({ sequence: py.str(badName), jointPositions: py.list([py.f64([TDPW.frames, 70], new Array(TDPW.frames * 70).fill(0)), py.f64([TDPW.frames, 70], new Array(TDPW.frames * 70).fill(0))]) });
  const root = datasetWith(bad, badName);
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', '3dpw', root]);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, new RegExp(`${badName}\\.pkl: key 'jointPositions\\[0\\]': shape \\(4, 70\\), expected \\(4, 72\\)`));
  assert.match(result.stdout, /test: 1 sequences, 2 mocap3d tubes/);
  assert.deepEqual(storedTubeNames(db), [0, 1].map((n) => `3dpw/test/${TDPW.sequence}/actor${n}`));
});

test('re-importing a 3DPW sequence replaces its tubes instead of adding a second copy', async () => {
  const db = join(tempDir(), 'hmmr.db');
  for (let run = 0; run < 2; run++) assert.equal((await runCli(['--db', db, 'import', '3dpw', fixture('3dpw')])).code, 0);
  assert.equal(storedTubeNames(db).length, 2);
});

test('a truncated 3DPW pickle and a missing dataset folder are one-line errors naming the path', async () => {
  const root = datasetWith(readFileSync(fixture('3dpw/sequenceFiles/test', `${TDPW.sequence}.pkl`)).subarray(0, 3000), 'truncated_00');
  const db = join(tempDir(), 'hmmr.db');
  const partial = await runCli(['--db', db, 'import', '3dpw', root]);
  assert.equal(partial.code, 3);
  assert.match(partial.stderr, /truncated_00\.pkl: not a readable pickle/);
  const missing = await runCli(['--db', db, 'import', '3dpw', join(root, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^hmmr: .*nope: cannot read \(ENOENT\)\n$/);
});
