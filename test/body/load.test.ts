import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadBodyModelFile, writeBodyModelJson, writeBodyModelNpz } from '../../src/body/load.js';
import { bodyModelToRaw } from '../../src/body/model-data.js';
import { BadInputFileError } from '../../src/errors.js';
import { makeNpyArray, writeNpz, type NpyArray } from '../../src/util/npz.js';
import { tinyModel } from './tiny-model.js';

const dir = mkdtempSync(join(tmpdir(), 'hmmr-body-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny model's file arrays, with edits, written as .npz. */
function writeEdited(name: string, edit: (arrays: Map<string, NpyArray>) => void): string {
  const arrays = new Map<string, NpyArray>();
  for (const [key, { shape, values }] of bodyModelToRaw(tinyModel())) {
    arrays.set(key, values instanceof Float32Array ? makeNpyArray('float32', shape, values) : makeNpyArray('int32', shape, values));
  }
  edit(arrays);
  const path = join(dir, name);
  writeNpz(path, arrays);
  return path;
}

function assertBadFile(path: string, pattern: RegExp): void {
  assert.throws(
    () => loadBodyModelFile(path),
    (error: unknown) => error instanceof BadInputFileError && error.path === path && pattern.test(error.reason),
  );
}

for (const format of ['npz', 'json'] as const) {
  test(`${format} round trip keeps every array`, () => {
    const model = tinyModel();
    const path = join(dir, `tiny.${format}`);
    if (format === 'npz') writeBodyModelNpz(path, model);
    else writeBodyModelJson(path, model);
    const back = loadBodyModelFile(path);
    assert.equal(back.name, 'tiny');
    for (const key of ['vTemplate', 'shapeDirs', 'poseDirs', 'jointRegressor', 'skinWeights', 'parents', 'faces'] as const) {
      assert.deepEqual(Array.from(back[key]), Array.from(model[key]), key);
    }
    assert.deepEqual([...back.keypointRegressors.keys()], ['wrists']);
    assert.deepEqual(Array.from(back.keypointRegressors.get('wrists')!.weights), Array.from(model.keypointRegressors.get('wrists')!.weights));
  });
}

test('SMPL conventions load: extra shape directions are cut to 10, the root parent may be 2^32 - 1, int64 indices', () => {
  const path = writeEdited('smpl-like.npz', (arrays) => {
    const v = tinyModel().vertexCount;
    const shapedirs = new Float32Array(v * 3 * 300);
    shapedirs[(2 * 3 + 1) * 300 + 0] = 0.5; // vertex 2, y, direction 0: kept
    shapedirs[(2 * 3 + 1) * 300 + 299] = 9; // direction 299: dropped
    arrays.set('shapedirs', makeNpyArray('float32', [v, 3, 300], shapedirs));
    const kintree = arrays.get('kintree_table')!.data as Int32Array;
    arrays.set('kintree_table', makeNpyArray('int64', [2, 24], BigInt64Array.from(kintree, (value, i) => (i === 0 ? 4294967295n : BigInt(value)))));
    arrays.set('f', makeNpyArray('uint32', [1, 3], Uint32Array.from([0, 1, 2])));
  });
  const model = loadBodyModelFile(path);
  assert.equal(model.shapeDirs.length, model.vertexCount * 3 * 10);
  assert.equal(model.shapeDirs[(2 * 3 + 1) * 10], 0.5);
  assert.equal(model.parents[0], -1);
});

test('an lsp14 regressor is derived from hmmr25 when a file only has the 25', () => {
  const path = writeEdited('hmmr25-only.npz', (arrays) => {
    const weights = new Float32Array(25 * 24);
    for (let k = 0; k < 25; k++) weights[k * 24 + (k % 24)] = 1;
    arrays.set('J_regressor_hmmr25', makeNpyArray('float32', [25, 24], weights));
  });
  const model = loadBodyModelFile(path);
  assert.deepEqual(model.keypointRegressors.get('lsp14')!.weights, model.keypointRegressors.get('hmmr25')!.weights.slice(0, 14 * 24));
});

test('bad model files name the file and the problem', () => {
  assertBadFile(writeEdited('no-weights.npz', (a) => a.delete('weights')), /missing weights/);
  assertBadFile(
    writeEdited('short-posedirs.npz', (a) => a.set('posedirs', makeNpyArray('float32', [24, 3, 200], new Float32Array(24 * 600)))),
    /posedirs has shape \[24, 3, 200\], expected \[24, 3, 207\]/,
  );
  assertBadFile(
    writeEdited('few-betas.npz', (a) => a.set('shapedirs', makeNpyArray('float32', [24, 3, 5], new Float32Array(24 * 15)))),
    /shapedirs has 5 shape directions, at least 10 needed/,
  );
  assertBadFile(
    writeEdited('smplh.npz', (a) => a.set('kintree_table', makeNpyArray('int32', [2, 52], new Int32Array(104)))),
    /52 joints; hmmr needs SMPL's 24/,
  );
  assertBadFile(
    writeEdited('other-tree.npz', (a) => {
      const table = Int32Array.from(a.get('kintree_table')!.data as Int32Array);
      table[5] = 1;
      a.set('kintree_table', makeNpyArray('int32', [2, 24], table));
    }),
    /joint 5 has parent 1, SMPL's is 2/,
  );
  assertBadFile(writeEdited('bad-face.npz', (a) => a.set('f', makeNpyArray('int32', [1, 3], Int32Array.from([0, 1, 24])))), /f refers to vertex 24/);
  assertBadFile(
    writeEdited('nan.npz', (a) => {
      const v = Float32Array.from(a.get('v_template')!.data as Float32Array);
      v[4] = NaN;
      a.set('v_template', makeNpyArray('float32', [24, 3], v));
    }),
    /v_template holds a non-finite value at flat index 4/,
  );
  assertBadFile(
    writeEdited('bad-set.npz', (a) => a.set('J_regressor_coco18', makeNpyArray('float32', [17, 24], new Float32Array(17 * 24)))),
    /J_regressor_coco18 has 17 rows; the 'coco18' set has 18 keypoints/,
  );

  const pkl = join(dir, 'SMPL_NEUTRAL.pkl');
  writeFileSync(pkl, 'not really');
  assertBadFile(pkl, /not a readable pickle/);
  const ragged = join(dir, 'ragged.json');
  writeFileSync(ragged, JSON.stringify({ v_template: [[0, 0, 0], [1, 1]] }));
  assertBadFile(ragged, /v_template\[1\] is ragged/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"v_template": [');
  assertBadFile(broken, /invalid JSON/);
  assertBadFile(join(dir, 'missing.npz'), /cannot read \(ENOENT\)/);
});
