import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { H36M, PENN, SPIN, TDPW, TINY_SMPL } from '../../scripts/dataset-fixtures/known-values.js';
import { readDatasetNpz } from '../../src/datasets/read/dataset-npz.js';
import { readMat5 } from '../../src/datasets/read/mat5.js';
import { BadInputFileError } from '../../src/errors.js';
import { isPyDict, parsePickle, sparseToDense } from '../../src/util/pickle.js';
import { readFileSync } from 'node:fs';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';

test('a Python 2 pickle of numpy arrays (3DPW layout) reads back with its dtypes, shapes and values', () => {
  const value = parsePickle(readFileSync(fixture('3dpw/sequenceFiles/test', `${TDPW.sequence}.pkl`)), '3dpw.pkl');
  assert.ok(isPyDict(value));
  assert.equal(value.get('sequence'), TDPW.sequence);
  assert.deepEqual(value.get('genders'), TDPW.genders);
  const joints = (value.get('jointPositions') as { dtype: string; shape: number[]; data: Float64Array }[])[1]!;
  assert.equal(joints.dtype, 'float64');
  assert.deepEqual(joints.shape, [TDPW.frames, 72]);
  assert.equal(joints.data[2 * 72 + 5 * 3 + 1], TDPW.jointWorld(1, 2, 5, 1));
  const valid = (value.get('campose_valid') as { dtype: string; data: Uint8Array }[])[0]!;
  assert.equal(valid.dtype, 'bool');
  assert.deepEqual(Array.from(valid.data), TDPW.camposeValid[0]);
  const ids = value.get('img_frame_ids') as { dtype: string; data: BigInt64Array };
  assert.equal(ids.dtype, 'int64');
  assert.deepEqual(Array.from(ids.data, Number), TDPW.imgFrameIds);
});

test('an SMPL pickle: chumpy Ch arrays unwrap to their x, the csc J_regressor densifies', () => {
  const value = parsePickle(readFileSync(fixture('smpl/basicModel_tiny_lbs_10_207_0_v1.0.0.pkl')), 'smpl.pkl');
  assert.ok(isPyDict(value));
  const template = value.get('v_template') as { shape: number[]; data: Float64Array };
  assert.deepEqual(template.shape, [TINY_SMPL.vertices, 3]);
  assert.equal(template.data[4 * 3 + 2], TINY_SMPL.vTemplate(4, 2));
  const regressor = value.get('J_regressor');
  assert.ok(typeof regressor === 'object' && regressor !== null && 'kind' in regressor && regressor.kind === 'sparse');
  const dense = sparseToDense(regressor);
  for (let j = 0; j < 24; j++) for (let v = 0; v < TINY_SMPL.vertices; v++) assert.equal(dense[j * TINY_SMPL.vertices + v], TINY_SMPL.regressor(j, v));
});

test('an npz holding a pickled dict (VideoPose3D) reads as nested dicts of arrays', () => {
  const fields = readDatasetNpz(fixture('h36m/data_3d_h36m.npz'));
  const subjects = fields.value('positions_3d');
  assert.ok(isPyDict(subjects));
  const walking = (subjects.get('S9') as unknown as Map<string, { shape: number[]; data: Float32Array }>).get('Walking 1')!;
  assert.deepEqual(walking.shape, [H36M.frames, 32, 3]);
  assert.equal(walking.data[(3 * 32 + 15) * 3 + 2], H36M.jointWorld(1, 3, 15, 2));
});

test('an npz with a unicode string array (SPIN imgname)', () => {
  const fields = readDatasetNpz(fixture('h36m-spin/h36m_valid_protocol1.npz'));
  const names = fields.value('imgname') as { items: string[] };
  assert.deepEqual(names.items, SPIN.imgnames);
});

test('MAT v5: plain and zlib-compressed variables, numeric matrices row-major, char arrays as strings', () => {
  PENN.clips.forEach((clip, c) => {
    const mat = readMat5(fixture('pennaction/labels', `${clip.id}.mat`));
    assert.equal(mat.string('action'), clip.action);
    assert.equal(mat.number('train'), clip.train);
    const x = mat.floats('x', [PENN.frames, 13]).values;
    assert.equal(x[2 * 13 + 7], PENN.x(c, 2, 7));
    assert.deepEqual(Array.from(mat.floats('bbox', [PENN.frames, 4]).values.subarray(4, 8)), PENN.bbox(c, 1));
  });
});

test('malformed pickle, npz and MAT files are BadInputFileErrors naming the file', () => {
  const dir = tempDir();
  const good = readFileSync(fixture('3dpw/sequenceFiles/test', `${TDPW.sequence}.pkl`));
  const truncated = join(dir, 'truncated.pkl');
  writeFileSync(truncated, good.subarray(0, 5000));
  assert.throws(() => parsePickle(readFileSync(truncated), truncated), (error: unknown) => error instanceof BadInputFileError && error.path === truncated && /pickle/.test(error.reason));
  const notNpz = join(dir, 'data_3d_h36m.npz');
  writeFileSync(notNpz, 'not a zip');
  assert.throws(() => readDatasetNpz(notNpz), (error: unknown) => error instanceof BadInputFileError && error.path === notNpz);
  const badMat = join(dir, 'bad.mat');
  writeFileSync(badMat, readFileSync(fixture('pennaction/labels/0002.mat')).subarray(0, 200));
  assert.throws(() => readMat5(badMat), (error: unknown) => error instanceof BadInputFileError && error.path === badMat && /truncated/.test(error.reason));
});
