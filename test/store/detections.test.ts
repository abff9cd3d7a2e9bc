import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatabaseError } from '../../src/errors.js';
import type { Db } from '../../src/store/database.js';
import {
  commitDetectionChunk,
  countDetectionFrames,
  failLabelRun,
  finishLabelRun,
  getLabelRun,
  labelParamsKey,
  listLabelRuns,
  readDetections,
  startLabelRun,
  type DetectionFrame,
} from '../../src/store/detections.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import { tempDir } from '../helpers/temp-dir.js';
import { databaseWithVideoRow } from '../helpers/video-row.js';

const dir = tempDir('hmmr-store-detections-');

function databaseWithVideo(name: string): Db {
  return databaseWithVideoRow(join(dir, name));
}

const SPEC = { videoId: 1, source: 'onnx' as const, modelName: 'm', modelSha256: 'f'.repeat(64), keypointFormat: 'coco18', params: { b: 1, a: { y: 2, x: [3, 1] } } };

function frame(index: number, people: number): DetectionFrame {
  return {
    frameIndex: index,
    timeSec: index / 25,
    sceneScore: index === 0 ? 0 : 0.01,
    people: Array.from({ length: people }, (_, p) => ({ keypoints: Float32Array.from({ length: 54 }, (_, k) => index * 100 + p * 10 + k / 7), score: 0.9 - p * 0.1, partCount: 18 - p })),
  };
}

test('canonical JSON sorts keys at every level, so equal parameters give one key', () => {
  assert.equal(canonicalJson({ b: 1, a: { y: 2, x: [3, { d: 1, c: 2 }] } }), '{"a":{"x":[3,{"c":2,"d":1}],"y":2},"b":1}');
  assert.equal(labelParamsKey('sha', { a: 1, b: 2 }), labelParamsKey('sha', { b: 2, a: 1 }));
  assert.notEqual(labelParamsKey('sha', { a: 1 }), labelParamsKey('other', { a: 1 }));
});

test('a label run is found again by (video, params key) and resumes at next_frame', () => {
  const db = databaseWithVideo('resume.db');
  const run = startLabelRun(db, { ...SPEC, framesTotal: 100 });
  assert.equal(run.status, 'running');
  assert.equal(run.nextFrame, 0);
  assert.equal(run.paramsJson, '{"a":{"x":[3,1],"y":2},"b":1}');
  commitDetectionChunk(db, run.id, 0, [frame(0, 2), frame(2, 0), frame(4, 1)], 5);
  failLabelRun(db, run.id, 'boom');
  const again = startLabelRun(db, { ...SPEC, params: { a: { x: [3, 1], y: 2 }, b: 1 } });
  assert.equal(again.id, run.id);
  assert.equal(again.nextFrame, 5);
  assert.equal(getLabelRun(db, run.id)!.status, 'running');
  assert.equal(getLabelRun(db, run.id)!.error, null);
  const other = startLabelRun(db, { ...SPEC, params: { b: 2 } });
  assert.notEqual(other.id, run.id);
  assert.deepEqual(listLabelRuns(db, { videoId: 1 }).map((r) => r.id), [other.id, run.id]);
  finishLabelRun(db, run.id);
  const done = getLabelRun(db, run.id)!;
  assert.equal(done.status, 'done');
  assert.equal(done.framesTotal, 3);
  assert.equal(startLabelRun(db, SPEC).status, 'done', 'a finished run is returned as it is');
  db.close();
});

test('detections read back in frame and person order with exact keypoints; empty frames are kept', () => {
  const db = databaseWithVideo('read.db');
  const run = startLabelRun(db, SPEC);
  commitDetectionChunk(db, run.id, 0, [frame(0, 2), frame(1, 0)], 2);
  commitDetectionChunk(db, run.id, 2, [frame(3, 3)], 4);
  const frames = readDetections(db, run.id);
  assert.deepEqual(frames.map((f) => [f.frameIndex, f.people.length, f.sceneScore]), [[0, 2, 0], [1, 0, 0.01], [3, 3, 0.01]]);
  assert.deepEqual(Array.from(frames[2]!.people[1]!.keypoints), Array.from(frame(3, 3).people[1]!.keypoints));
  assert.equal(frames[2]!.people[2]!.partCount, 16);
  assert.deepEqual(readDetections(db, run.id, { fromFrame: 1, toFrame: 3 }).map((f) => f.frameIndex), [1]);
  db.close();
});

test('a chunk is all or nothing: a bad frame rolls back its rows and next_frame', () => {
  const db = databaseWithVideo('atomic.db');
  const run = startLabelRun(db, SPEC);
  commitDetectionChunk(db, run.id, 0, [frame(0, 1)], 1);
  // Frame 0 again: the primary key rejects it after frame 1 was inserted in the same transaction.
  assert.throws(() => commitDetectionChunk(db, run.id, 1, [frame(1, 2), frame(0, 1)], 2));
  assert.equal(getLabelRun(db, run.id)!.nextFrame, 1);
  assert.equal(countDetectionFrames(db, run.id), 1);
  assert.equal((db.prepare('SELECT count(*) AS n FROM detections').get() as { n: number }).n, 1);
  db.close();
});

test('two writers on one run: the second is refused instead of duplicating frames', () => {
  const db = databaseWithVideo('race.db');
  const run = startLabelRun(db, SPEC);
  commitDetectionChunk(db, run.id, 0, [frame(0, 1), frame(1, 1)], 2);
  assert.throws(() => commitDetectionChunk(db, run.id, 0, [frame(0, 1)], 1), (error: unknown) => error instanceof DatabaseError && /advanced by another process/.test(error.reason));
  assert.equal(countDetectionFrames(db, run.id), 2);
  db.close();
});
