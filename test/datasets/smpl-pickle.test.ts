import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TINY_SMPL } from '../../scripts/dataset-fixtures/known-values.js';
import { py, writePickle } from '../../scripts/dataset-fixtures/py-pickle-writer.js';
import { loadBodyModelFile } from '../../src/body/load.js';
import { BadInputFileError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';

test('an SMPL .pkl with chumpy arrays and a sparse J_regressor loads directly as a body model', () => {
  const model = loadBodyModelFile(fixture('smpl/basicModel_tiny_lbs_10_207_0_v1.0.0.pkl'));
  const V = TINY_SMPL.vertices;
  assert.equal(model.name, 'basicModel_tiny_lbs_10_207_0_v1.0.0');
  assert.equal(model.vertexCount, V);
  assert.equal(model.vTemplate[3 * 3 + 1], TINY_SMPL.vTemplate(3, 1));
  assert.equal(model.shapeDirs[(5 * 3 + 2) * 10 + 9], Math.fround(TINY_SMPL.shapedir(5, 2, 9)));
  assert.equal(model.poseDirs[(1 * 3 + 0) * 207 + 100], Math.fround(TINY_SMPL.posedir(1, 0, 100)));
  for (let j = 0; j < 24; j++) for (let v = 0; v < V; v++) assert.equal(model.jointRegressor[j * V + v], TINY_SMPL.regressor(j, v));
  assert.deepEqual(Array.from(model.faces), TINY_SMPL.faces.flat());
  assert.deepEqual(Array.from(model.parents), TINY_SMPL.parents);
});

test('an SMPL .pkl whose key holds something else names the key', () => {
  const path = join(tempDir(), 'SMPL_broken.pkl');
  writePickleFile(path);
  assert.throws(() => loadBodyModelFile(path), (error: unknown) => error instanceof BadInputFileError && error.path === path && /key 'weights': expected an array, found chumpy\.reordering\.Select/.test(error.reason));
});

function writePickleFile(path: string): void {
  writeFileSync(path, writePickle(py.dict({ v_template: py.f64([1, 3], [0, 0, 0]), weights: py.instance('chumpy.reordering', 'Select', py.dict({})) }), 2));
}
