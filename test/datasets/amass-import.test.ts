import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AMASS } from '../../scripts/dataset-fixtures/known-values.js';
import { resampleIndices } from '../../src/datasets/amass.js';
import { openDatabase } from '../../src/store/database.js';
import { readPoseBank } from '../../src/store/pose-bank.js';
import { encodeNpz, makeNpyArray } from '../../src/util/npz.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';

test('resampling picks the nearest recorded frame at each step of the target rate', () => {
  // 12 frames at 120 fps last 11/120 s: 25-fps steps at 0, 0.04, 0.08 s are frames 0, 4.8, 9.6.
  assert.deepEqual(resampleIndices(12, 120, 25), [0, 5, 10]);
  assert.deepEqual(resampleIndices(5, 25, 25), [0, 1, 2, 3, 4]);
  assert.deepEqual(resampleIndices(7, 50, 25), [0, 2, 4, 6]);
});

test('AMASS npz → SMPL body poses (hands zeroed) in the pose bank at 25 fps; a clip without its frame rate fails by key', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'CMU', '01'), { recursive: true });
  writeFileSync(join(root, 'CMU', '01', 'broken_poses.npz'), encodeNpz({ poses: makeNpyArray('float64', [2, 156], new Float64Array(312)) }));
  const db = join(tempDir(), 'hmmr.db');
  const good = await runCli(['--db', db, 'import', 'amass', fixture('amass')]);
  assert.equal(good.code, 0, good.stderr);
  const partial = await runCli(['--db', db, 'import', 'amass', root]);
  assert.equal(partial.code, 3);
  assert.match(partial.stderr, /broken_poses\.npz: key 'mocap_framerate': missing/);
  const store = openDatabase(db, { readonly: true });
  try {
    const [clip, ...others] = readPoseBank(store);
    assert.equal(others.length, 0);
    assert.equal(clip!.source, 'amass/CMU/01/01_01_poses');
    assert.equal(clip!.fps, 25);
    [0, 5, 10].forEach((source, f) => {
      const expected = Array.from({ length: 72 }, (_, k) => (k < 66 ? AMASS.pose(source, k) : 0));
      assert.deepEqual(Array.from(clip!.poses.subarray(f * 72, (f + 1) * 72)), expected);
    });
  } finally {
    store.close();
  }
});
