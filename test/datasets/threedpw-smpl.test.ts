import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SMPL_3DPW, TDPW } from '../../scripts/dataset-fixtures/known-values.js';
import { encodeNpy, makeNpyArray } from '../../src/util/npz.js';
import { readTubeGroundTruth, readTubeMeshGender } from '../../src/store/ground-truth.js';
import { listTubes } from '../../src/store/tubes.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';
import { IDENTITY, apply, posedVertex } from './smpl-3dpw-by-hand.js';
import { storedTubeNames, withStore } from './stored.js';

const MALE = 'basicModel_m_lbs_10_207_0_v1.0.0.pkl';
const FEMALE = 'basicModel_f_lbs_10_207_0_v1.0.0.pkl';
const NEUTRAL = 'basicModel_neutral_lbs_10_207_0_v1.0.0.pkl';
const REGRESSOR = fixture('smpl-3dpw', 'J_regressor_h36m.npy');

/**
 * LSP joint j of actor n at frame f by hand: the regressor picks one vertex; the fixture's world
 * root pose is 0, so the world body is the posed one plus trans; then the camera's R·X + t.
 */
function expectedJoint(n: number, f: number, j: number, gender: 'm' | 'f' = TDPW.genders[n] as 'm' | 'f'): number[] {
  const v = SMPL_3DPW.h36mVertex(SMPL_3DPW.lspFromH36m[j]!);
  const world = posedVertex(gender, n, f, v, IDENTITY).map((value, a) => value + TDPW.trans(n, f, a));
  const t = TDPW.cameraTranslation(f);
  return apply(TDPW.cameraRotation(f), world).map((value, a) => value + t[a]!);
}

function assertJoints(db: string, expected: (n: number, f: number, j: number) => number[]): void {
  withStore(db, (store) => {
    listTubes(store, { split: 'test' }).forEach((tube, n) => {
      const truth = readTubeGroundTruth(store, tube.id);
      assert.equal(truth.length, TDPW.frames);
      truth.forEach((frame, f) => {
        assert.equal(frame.jointSet, 'lsp14-h36m');
        for (let j = 0; j < 14; j++) {
          expected(n, f, j).forEach((value, a) => assert.ok(Math.abs(frame.joints3d[j * 3 + a]! - value) < 2e-6, `actor ${n} frame ${f} joint ${j} axis ${a}: ${frame.joints3d[j * 3 + a]} vs ${value}`));
        }
      });
    });
  });
}

function smplFolder(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, source] of Object.entries(files)) copyFileSync(fixture('smpl-3dpw', source), join(dir, name));
  return dir;
}

test('import 3dpw --smpl --joint-regressor: LSP-14 regressed from each actor\'s gendered mesh in the camera frame, genders stored', async () => {
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--smpl', fixture('smpl-3dpw'), '--joint-regressor', REGRESSOR, '--backend', 'cpu']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /test: 1 sequences, 2 mocap3d tubes, 8 frames/);
  assert.match(result.stdout, /standard protocol: .*J_regressor_h36m .*gendered SMPL mesh/);
  assert.doesNotMatch(result.stdout + result.stderr, /approximate joints/);
  assertJoints(db, expectedJoint);
  withStore(db, (store) => {
    const tubes = listTubes(store, { split: 'test' });
    assert.deepEqual(tubes.map((tube) => readTubeMeshGender(store, tube.id)), ['male', 'female']);
    // Visibility still follows campose_valid (actor 0, frame 2 is invalid).
    assert.deepEqual(Array.from(readTubeGroundTruth(store, tubes[0]!.id)[2]!.visible!), new Array(14).fill(0));
  });

  const gtPath = join(tempDir(), 'gt.json');
  const exported = await runCli(['--db', db, 'export', '--format', 'eval-gt', '--split', 'test', '--prefix', '3dpw/', '--out', gtPath]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.doesNotMatch(exported.stderr, /approximate joints/);
  const gt = JSON.parse(readFileSync(gtPath, 'utf8')) as { sequences: { joints3d: number[][][] }[] };
  expectedJoint(1, 3, 0).forEach((value, a) => assert.ok(Math.abs(gt.sequences[1]!.joints3d[3]![0]![a]! - value) < 2e-6));
});

test('--smpl without --joint-regressor keeps the approximate joints but records the mesh genders', async () => {
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--smpl', fixture('smpl-3dpw', MALE), fixture('smpl-3dpw', FEMALE), '--backend', 'cpu']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /approximate joints: .*give --joint-regressor/);
  withStore(db, (store) => {
    const tubes = listTubes(store, { split: 'test' });
    assert.deepEqual(tubes.map((tube) => readTubeMeshGender(store, tube.id)), ['male', 'female']);
    assert.equal(readTubeGroundTruth(store, tubes[0]!.id)[0]!.jointSet, 'lsp14-approx');
  });
});

test('a missing gendered model falls back to the neutral one, said on stderr and stored as neutral', async () => {
  // The "neutral" file is the male fixture under the neutral name, so actor 0's joints are the male ones.
  const models = smplFolder({ [FEMALE]: FEMALE, [NEUTRAL]: MALE });
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--smpl', models, '--joint-regressor', REGRESSOR, '--backend', 'cpu']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /actor0: no male SMPL model, posed with the neutral one .*not the published protocol/);
  assertJoints(db, expectedJoint);
  withStore(db, (store) => assert.deepEqual(listTubes(store, { split: 'test' }).map((tube) => readTubeMeshGender(store, tube.id)), ['neutral', 'female']));
});

test('the female model really is the one actor 1 is posed with: 0.25 m along x from the male one', () => {
  // Guards the fixture's premise, which the import test relies on to tell the genders apart.
  const male = expectedJoint(1, 0, 4, 'm');
  const female = expectedJoint(1, 0, 4, 'f');
  assert.ok(Math.abs(female[0]! - male[0]! - SMPL_3DPW.femaleOffset) < 1e-12);
});

test('a missing gendered model with no neutral one fails that sequence naming the expected file; nothing of it stored', async () => {
  const models = smplFolder({ [FEMALE]: FEMALE });
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--smpl', models, '--joint-regressor', REGRESSOR, '--backend', 'cpu']);
  assert.equal(result.code, 3, result.stderr);
  assert.ok(result.stderr.includes(`${join(models, MALE)}: missing: 3dpw/test/${TDPW.sequence}/actor0 (genders[0]) is male and there is no male (or neutral) SMPL model`), result.stderr);
  assert.deepEqual(storedTubeNames(db), []);
});

test('a joint regressor of the wrong shape, or for another vertex count, is one line naming it; nothing imported', async () => {
  const dir = tempDir();
  const wrongRows = join(dir, 'J_regressor_16.npy');
  writeFileSync(wrongRows, encodeNpy(makeNpyArray('float64', [16, SMPL_3DPW.vertices], new Float64Array(16 * SMPL_3DPW.vertices))));
  const wrongColumns = join(dir, 'J_regressor_21.npy');
  writeFileSync(wrongColumns, encodeNpy(makeNpyArray('float64', [17, 21], new Float64Array(17 * 21))));
  const db = join(dir, 'hmmr.db');
  const rows = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--smpl', fixture('smpl-3dpw'), '--joint-regressor', wrongRows, '--backend', 'cpu']);
  assert.equal(rows.code, 1);
  assert.equal(rows.stderr, `hmmr: ${wrongRows}: shape (16, 20), expected (17, vertices): Human3.6M's 17 joints from the SMPL mesh (J_regressor_h36m.npy)\n`);
  const columns = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--smpl', fixture('smpl-3dpw'), '--joint-regressor', wrongColumns, '--backend', 'cpu']);
  assert.equal(columns.code, 1);
  assert.match(columns.stderr, new RegExp(`^hmmr: ${wrongColumns}: 21 columns, but the SMPL model .*${MALE} has 20 vertices\\n$`));
  const alone = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), '--joint-regressor', REGRESSOR]);
  assert.notEqual(alone.code, 0);
  assert.match(alone.stderr, /--joint-regressor needs --smpl/);
  // Each failed before opening the database.
  assert.equal(existsSync(db), false);
});
