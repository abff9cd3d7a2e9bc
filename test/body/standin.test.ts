import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEYPOINT_SETS, SMPL_JOINT_COUNT, SMPL_JOINT_NAMES } from '../../src/body/joint-sets.js';
import { STANDIN_BODY_MODEL_PATH, loadBodyModelFile } from '../../src/body/load.js';
import { generateStandinBodyModel } from '../../src/body/standin/generate.js';

const committed = loadBodyModelFile(STANDIN_BODY_MODEL_PATH);

test('the committed stand-in is what scripts/generate-body-model.ts produces', () => {
  const fresh = generateStandinBodyModel();
  assert.equal(committed.name, fresh.name);
  for (const key of ['vTemplate', 'shapeDirs', 'poseDirs', 'jointRegressor', 'skinWeights', 'parents', 'faces'] as const) {
    assert.deepEqual(committed[key], fresh[key], `${key} differs: run npx tsx scripts/generate-body-model.ts`);
  }
  assert.deepEqual(committed.keypointRegressors, fresh.keypointRegressors);
});

test('the stand-in has every keypoint set, and every regressor row is an average', () => {
  assert.deepEqual([...committed.keypointRegressors.keys()].sort(), Object.keys(KEYPOINT_SETS).sort());
  const v = committed.vertexCount;
  const rowSums = (weights: Float32Array, rows: number) =>
    Array.from({ length: rows }, (_, r) => weights.subarray(r * v, (r + 1) * v).reduce((sum, w) => sum + w, 0));
  for (const [set, { count, weights }] of committed.keypointRegressors) {
    rowSums(weights, count).forEach((sum, k) => assert.ok(Math.abs(sum - 1) < 1e-5, `${set} keypoint ${k} weights sum to ${sum}`));
  }
  rowSums(committed.jointRegressor, SMPL_JOINT_COUNT).forEach((sum, j) => assert.ok(Math.abs(sum - 1) < 1e-5, `joint ${j}`));
  for (let vertex = 0; vertex < v; vertex++) {
    const sum = committed.skinWeights.subarray(vertex * 24, vertex * 24 + 24).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `vertex ${vertex} skinning weights sum to ${sum}`);
  }
});

test('the stand-in is human-sized and symmetric, and stays small', () => {
  const y = committed.vTemplate.filter((_, i) => i % 3 === 1);
  const height = Math.max(...y) - Math.min(...y);
  assert.ok(height > 1.6 && height < 1.9, `height ${height} m`);
  const joint = (name: string) => {
    const j = SMPL_JOINT_NAMES.indexOf(name as (typeof SMPL_JOINT_NAMES)[number]);
    return [0, 1, 2].map((c) =>
      Array.from({ length: committed.vertexCount }, (_, v) => committed.jointRegressor[j * committed.vertexCount + v]! * committed.vTemplate[v * 3 + c]!).reduce((a, b) => a + b, 0),
    );
  };
  const [left, right] = [joint('left_wrist'), joint('right_wrist')];
  assert.ok(Math.abs(left[0]! + right[0]!) < 1e-6 && Math.abs(left[1]! - right[1]!) < 1e-6, `wrists ${left} ${right}`);
  assert.ok(committed.vertexCount > 1000 && committed.vertexCount < 3000, `${committed.vertexCount} vertices`);
});
