import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PENN, POSETRACK } from '../../scripts/dataset-fixtures/known-values.js';
import { listTubes, readTubeFrames } from '../../src/store/tubes.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';
import { storedTubeNames, withStore } from './stored.js';

/** hmmr25 slots (docs/body-model.md) this test reads. */
const SLOT = { rightAnkle: 0, rightShoulder: 8, neck: 12, headTop: 13, nose: 14, leftEar: 17 };

async function importInto(kind: string, path: string): Promise<string> {
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', kind, path]);
  assert.equal(result.code, 0, result.stderr);
  return db;
}

const slot = (keypoints: Float32Array, s: number) => Array.from(keypoints.subarray(s * 3, s * 3 + 3));

test('PoseTrack JSON → one human2d tube per track in hmmr25 slots; a frame without the track has no keypoints', async () => {
  const db = await importInto('posetrack', fixture('posetrack'));
  withStore(db, (store) => {
    const tubes = listTubes(store, { tier: 'human2d', split: 'val' });
    assert.deepEqual(tubes.map((tube) => tube.name), POSETRACK.tracks.map((track) => `posetrack/${POSETRACK.video}/track${track}`));
    const track0 = readTubeFrames(store, tubes[0]!.id);
    const point = (k: number) => POSETRACK.keypoint(0, 1, k);
    assert.deepEqual(slot(track0[1]!.keypoints, SLOT.headTop), point(2));
    assert.deepEqual(slot(track0[1]!.keypoints, SLOT.neck), point(1));
    assert.deepEqual(slot(track0[1]!.keypoints, SLOT.nose), point(0));
    assert.deepEqual(slot(track0[1]!.keypoints, SLOT.rightAnkle), point(16));
    assert.deepEqual(slot(track0[1]!.keypoints, SLOT.leftEar), [0, 0, 0], 'an unlabelled point is zero');
    const track3 = readTubeFrames(store, tubes[1]!.id);
    assert.deepEqual(track3.map((frame) => frame.frameIndex), [0, 1, 2, 3]);
    assert.ok(track3[2]!.keypoints.every((v) => v === 0));
    assert.ok(track3[2]!.crop.scale > 0, 'the gap frame borrows its neighbours\' crop');
  });
});

test('Penn Action .mat (plain and compressed) → human2d tubes, split from `train`', async () => {
  const db = await importInto('pennaction', fixture('pennaction'));
  withStore(db, (store) => {
    const tubes = listTubes(store, { tier: 'human2d' });
    assert.deepEqual(tubes.map((tube) => [tube.name, tube.split]), PENN.clips.map((clip) => [`pennaction/${clip.id}/person0`, clip.train === 1 ? 'train' : 'test']));
    tubes.forEach((tube, c) => {
      const frames = readTubeFrames(store, tube.id);
      for (let f = 0; f < PENN.frames; f++) {
        const expected = (k: number) => (PENN.visibility(c, f, k) ? [PENN.x(c, f, k), PENN.y(c, f, k), 1] : [0, 0, 0]);
        assert.deepEqual(slot(frames[f]!.keypoints, SLOT.headTop), expected(0));
        assert.deepEqual(slot(frames[f]!.keypoints, SLOT.rightShoulder), expected(2));
      }
    });
  });
});

test('a PoseTrack file with a bad annotation: named key, exit 3, the good file imported', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'val'));
  copyFileSync(fixture('posetrack/annotations/val', `${POSETRACK.video}.json`), join(root, 'val', 'good.json'));
  writeFileSync(join(root, 'val', 'bad.json'), JSON.stringify({ images: [{ id: 1 }], annotations: [{ image_id: 1, track_id: 0, keypoints: [1, 2, 3] }] }));
  const db = join(tempDir(), 'hmmr.db');
  const result = await runCli(['--db', db, 'import', 'posetrack', root]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /bad\.json: key 'annotations\[0\]\.keypoints': expected 51 numbers/);
  assert.deepEqual(storedTubeNames(db), ['posetrack/good/track0', 'posetrack/good/track3']);
});
