import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SMPL_3DPW, TDPW } from '../../scripts/dataset-fixtures/known-values.js';
import { findSmplFiles } from '../../src/body/smpl-files.js';
import { readGroundTruthEvalSet } from '../../src/eval/ground-truth-set.js';
import { meshErrorRow, planMeshError } from '../../src/eval/mesh-error.js';
import { openDatabase } from '../../src/store/database.js';
import { initBackend } from '../../src/tf/backend.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';
import { posedVertex, shapedVertex } from './smpl-3dpw-by-hand.js';

const MALE = 'basicModel_m_lbs_10_207_0_v1.0.0.pkl';

async function importedWithMeshes(smpl: boolean): Promise<string> {
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', '3dpw', fixture('3dpw'), ...(smpl ? ['--smpl', fixture('smpl-3dpw'), '--backend', 'cpu'] : [])]);
  assert.equal(result.code, 0, result.stderr);
  return db;
}

/** Θ = [camera 3 | pose 72 | shape 10] per frame. */
function thetaOf(frames: { pose: number[]; shape: number[] }[]): Float32Array {
  const theta = new Float32Array(frames.length * 85);
  frames.forEach(({ pose, shape }, f) => theta.set([0.9, 0, 0, ...pose, ...shape], f * 85));
  return theta;
}

test('PVE: the stored pose/shape through the gendered SMPL against the prediction through the checkpoint\'s body model, by hand', async () => {
  await initBackend('cpu');
  const dbPath = await importedWithMeshes(true);
  const db = openDatabase(dbPath, { readonly: true });
  try {
    const gt = readGroundTruthEvalSet(db, dbPath, 'test', '3dpw/');
    // A "checkpoint" that predicts with the male fixture SMPL.
    const plan = planMeshError(db, gt, findSmplFiles([fixture('smpl-3dpw')]), { dir: 'checkpoint', bodyModel: fixture('smpl-3dpw', MALE) });
    const frames = Array.from({ length: TDPW.frames }, (_, f) => f);
    // The camera-frame root of the fixture: 0 on even frames, 90° about y on odd ones (world root 0).
    const cameraRoot = (f: number) => (f % 2 === 0 ? [0, 0, 0] : [0, Math.PI / 2, 0]);
    const thetas = new Map([
      // Actor 0 (male): predicted in the rest pose with β = 0.
      [gt.sequences[0]!.name, thetaOf(frames.map(() => ({ pose: new Array(72).fill(0), shape: new Array(10).fill(0) })))],
      // Actor 1 (female): exactly its ground-truth pose and shape, but through the male model.
      [gt.sequences[1]!.name, thetaOf(frames.map((f) => ({ pose: [...cameraRoot(f), ...Array.from({ length: 69 }, (_, k) => TDPW.pose(1, f, k + 3))], shape: Array.from({ length: 10 }, (_, k) => TDPW.betas(1, k)) })))],
    ]);
    const row = meshErrorRow(db, dbPath, gt, thetas, plan);

    // Actor 0 by hand: rest male template against the male body posed with the camera-frame root.
    const V = SMPL_3DPW.vertices;
    const actor0 = [0, 1, 3].map((f) => {
      const root = TDPW.cameraRotation(f);
      let sum = 0;
      for (let v = 0; v < V; v++) {
        const predicted = shapedVertex('m', new Array(10).fill(0), v);
        const truth = posedVertex('m', 0, f, v, root);
        sum += Math.hypot(...predicted.map((value, a) => value - truth[a]!));
      }
      return (sum / V) * 1000;
    });
    // Actor 1: the female model is the male one moved 0.25 m, so every vertex is 250 mm off.
    const actor1 = SMPL_3DPW.femaleOffset * 1000;
    const perSequence = (actor0.reduce((a, b) => a + b) / 3 + actor1) / 2;
    const allFrames = (actor0.reduce((a, b) => a + b) + 4 * actor1) / 7;
    assert.equal(row.key, 'pve');
    assert.equal(row.counted, 7, 'frame 2 of actor 0 has campose_valid 0');
    assert.ok(Math.abs(row.perSequence! - perSequence) < 1e-3, `${row.perSequence} vs ${perSequence}`);
    assert.ok(Math.abs(row.allFrames! - allFrames) < 1e-3, `${row.allFrames} vs ${allFrames}`);
    assert.ok(actor0.every((value) => value > 10), 'the rest pose is far from the posed body, so the check has teeth');
  } finally {
    db.close();
  }
});

test('eval --smpl refuses PVE for a checkpoint whose body model is not the SMPL mesh, and for ground truth without meshes', async () => {
  const withMeshes = await importedWithMeshes(true);
  const standin = await runCli(['--db', withMeshes, 'eval', '--split', 'test', '--prefix', '3dpw/', '--smpl', fixture('smpl-3dpw')]);
  assert.equal(standin.code, 1);
  assert.match(standin.stderr, /^hmmr: PVE refused: .*hmmr-embedded.* predicts with body model 'hmmr-standin' \(\d+ vertices\), not the ground truth's SMPL mesh \(basicModel_m_lbs_10_207_0_v1\.0\.0, 20 vertices\); vertices of different meshes do not correspond/m);
  assert.doesNotMatch(standin.stdout, /PVE/);

  const withoutMeshes = await importedWithMeshes(false);
  const none = await runCli(['--db', withoutMeshes, 'eval', '--split', 'test', '--prefix', '3dpw/', '--smpl', fixture('smpl-3dpw')]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /--smpl: none of the 2 sequences has a ground-truth mesh \(import 3DPW with --smpl to record one\)/);
});
