import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatabaseError } from '../../src/errors.js';
import type { Db } from '../../src/store/database.js';
import { commitDetectionChunk, failLabelRun, finishLabelRun, getLabelRun, type DetectionFrame } from '../../src/store/detections.js';
import { claimLabelRun, currentHolder, releaseLabelLease, renewLabelLease, type LabelLease } from '../../src/store/label-lease.js';
import { tempDir } from '../helpers/temp-dir.js';
import { databaseWithVideoRow } from '../helpers/video-row.js';

const dir = tempDir('hmmr-store-lease-');

function databaseWithVideo(name: string): Db {
  return databaseWithVideoRow(join(dir, name));
}

const SPEC = { videoId: 1, source: 'onnx' as const, modelName: 'm', modelSha256: 'f'.repeat(64), keypointFormat: 'coco18', params: { a: 1 } };
// Two owners in this (live) process, as two `hmmr label` processes on one host would be.
const A: LabelLease = { owner: `${hostname()}:${process.pid}:aaaa`, ttlMs: 1000 };
const B: LabelLease = { owner: `${hostname()}:${process.pid}:bbbb`, ttlMs: 1000 };
const NOW = 1_000_000;

function frame(index: number): DetectionFrame {
  return { frameIndex: index, timeSec: index / 25, sceneScore: 0, people: [] };
}

test('a held lease turns a second labeller away; an expired one is taken over, and the old holder can no longer write or fail the run', () => {
  const db = databaseWithVideo('lease.db');
  const first = claimLabelRun(db, SPEC, A, NOW);
  assert.equal(first.claimed, true);
  const second = claimLabelRun(db, SPEC, B, NOW + 500);
  assert.deepEqual({ claimed: second.claimed, heldBy: second.claimed ? undefined : second.heldBy, run: second.run.id }, { claimed: false, heldBy: A.owner, run: first.run.id });

  // A's commits are its heartbeats: the lease now lasts to NOW + 900 + ttl (set from the clock).
  commitDetectionChunk(db, first.run.id, 0, [frame(0), frame(1)], 2, A);
  assert.equal(currentHolder(db, first.run.id), A.owner);
  assert.ok(renewLabelLease(db, first.run.id, A, NOW + 900));
  assert.equal(claimLabelRun(db, SPEC, B, NOW + 1800).claimed, false, 'renewed at +900: still held at +1800');

  // A stops renewing (hung): after expiry B takes the run over and resumes where A was.
  const takeover = claimLabelRun(db, SPEC, B, NOW + 2000);
  assert.equal(takeover.claimed, true);
  assert.equal(takeover.run.nextFrame, 2);
  assert.throws(() => commitDetectionChunk(db, first.run.id, 2, [frame(2)], 3, A), (error: unknown) => error instanceof DatabaseError && /taken over/.test(error.reason));
  assert.equal(renewLabelLease(db, first.run.id, A), false);
  failLabelRun(db, first.run.id, 'A gave up', A);
  releaseLabelLease(db, first.run.id, A);
  const afterA = getLabelRun(db, first.run.id)!;
  assert.equal(afterA.status, 'running', "the old holder's failure does not fail the run B is labelling");
  assert.equal(currentHolder(db, first.run.id, NOW + 2100), B.owner);
  commitDetectionChunk(db, first.run.id, 2, [frame(2)], 3, B);
  finishLabelRun(db, first.run.id);
  assert.equal(currentHolder(db, first.run.id), undefined, 'a finished run holds no lease');
  assert.equal(claimLabelRun(db, SPEC, A).run.status, 'done');
  db.close();
});

test('the lease of a process of this host that no longer exists is free at once (resuming after kill -9 never waits)', () => {
  const db = databaseWithVideo('dead-owner.db');
  const exited = spawnSync(process.execPath, ['-e', '0']);
  assert.equal(exited.status, 0);
  const dead: LabelLease = { owner: `${hostname()}:${exited.pid}:dead`, ttlMs: 3_600_000 };
  const run = claimLabelRun(db, SPEC, dead).run;
  assert.equal(currentHolder(db, run.id), undefined);
  assert.equal(claimLabelRun(db, SPEC, A).claimed, true);
  // A live owner on another host is trusted until its lease expires.
  const remote: LabelLease = { owner: 'some-other-host:1:cafe', ttlMs: 3_600_000 };
  releaseLabelLease(db, run.id, A);
  claimLabelRun(db, SPEC, remote);
  assert.equal(claimLabelRun(db, SPEC, B).claimed, false);
  db.close();
});
