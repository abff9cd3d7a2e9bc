/**
 * Fault test: each long-running command is killed with SIGKILL at a random moment (seeded), then
 * run again to completion; the store and checkpoints must equal those of an uninterrupted run.
 * Kill times are drawn over the reference run's own duration (measured here, under whatever load
 * the machine has), so they land in start-up, mid-work and commit phases alike.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { writeOpenPoseFrames } from '../../src/pose2d/export-openpose.js';
import { openDatabase } from '../../src/store/database.js';
import { listLabelRuns, readDetections } from '../../src/store/detections.js';
import { latestCheckpointDir, readCheckpoint } from '../../src/train/checkpoint.js';
import { projectPath } from '../../src/util/project-root.js';
import { makeVideo } from '../helpers/make-video.js';
import { cliInvocation, runCli } from '../helpers/run-cli.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { assertSameDetections } from '../helpers/same-detections.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticStream, walker } from '../tracker/synthetic-poses.js';

const dir = tempDir('hmmr-sigkill-');

/** Runs hmmr to completion; returns how long it took. */
async function completes(args: string[]): Promise<number> {
  const started = performance.now();
  const result = await runCli(args);
  assert.ok(result.code === 0, `hmmr ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return performance.now() - started;
}

/** Starts hmmr and kills it with SIGKILL after `delayMs` (unless it has finished by then). */
function killedAfter(args: string[], delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [...cliInvocation(), ...args], { cwd: projectPath(), stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  return new Promise((resolve) => child.on('exit', () => (clearTimeout(timer), resolve())));
}

/** `count` kill times from a seeded PRNG, spread over [0.1, 1] of the reference duration. */
function killTimes(seed: number, count: number, referenceMs: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.round((0.1 + 0.9 * random()) * referenceMs));
}

function query<T>(dbPath: string, sql: string): T[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('ingest', () => {
  const folder = join(dir, 'videos');
  mkdirSync(folder);
  for (let i = 0; i < 4; i++) makeVideo(join(folder, `clip${i}.mp4`), { frames: 8 + i, fps: 25, filter: `hue=h=${i * 60}` });
  const snapshot = (db: string) => ({
    videos: query(db, 'SELECT sha256, path, size_bytes, codec, width, height, fps, frame_count, duration_sec FROM videos ORDER BY sha256'),
    paths: query(db, 'SELECT path, size_bytes, mtime_ms, is_alias FROM video_paths ORDER BY path'),
    failures: query(db, 'SELECT path FROM ingest_failures'),
  });
  let referenceMs = 0;
  let reference: ReturnType<typeof snapshot>;
  before(async () => {
    const db = join(dir, 'ingest-reference.db');
    referenceMs = await completes(['ingest', folder, '--db', db, '--quiet']);
    reference = snapshot(db);
    assert.equal(reference.videos.length, 4);
  });
  test('killed with SIGKILL at 3 random points, then rerun: the same videos and paths as one uninterrupted ingest', async () => {
    for (const [seed, delayMs] of killTimes(12, 3, referenceMs).entries()) {
      const db = join(dir, `ingest-${seed}.db`);
      await killedAfter(['ingest', folder, '--db', db, '--quiet'], delayMs);
      await completes(['ingest', folder, '--db', db, '--quiet']);
      assert.deepEqual(snapshot(db), reference, `killed after ${delayMs} ms`);
    }
  });
});

describe('label', () => {
  const fixture = projectPath('media', 'S02_tabletennis.mp4');
  const label = (db: string) => ['label', '--db', db, '--quality', 'fast', '--fps', '2', '--input-height', '184', '--chunk-frames', '4', '--quiet'];
  const snapshot = (db: string) => {
    const handle = openDatabase(db, { readonly: true });
    try {
      const runs = listLabelRuns(handle);
      assert.equal(runs.length, 1);
      return {
        status: runs[0]!.status,
        frames: readDetections(handle, runs[0]!.id),
        tubes: handle.prepare('SELECT name, first_frame, frame_count FROM tubes ORDER BY name').all(),
      };
    } finally {
      handle.close();
    }
  };
  let referenceMs = 0;
  let reference: ReturnType<typeof snapshot>;
  let ingested: string;
  before(async () => {
    ingested = join(dir, 'label-ingested.db');
    await completes(['ingest', fixture, '--db', ingested, '--quiet']);
    const db = join(dir, 'label-reference.db');
    copyFileSync(ingested, db);
    referenceMs = await completes(label(db));
    reference = snapshot(db);
    assert.equal(reference.frames.length, 32);
  });
  test('killed with SIGKILL at 2 random points, then rerun: the same detections and tubes as one uninterrupted run', async () => {
    for (const [seed, delayMs] of killTimes(34, 2, referenceMs).entries()) {
      const db = join(dir, `label-${seed}.db`);
      copyFileSync(ingested, db);
      await killedAfter(label(db), delayMs);
      await completes(label(db));
      const after = snapshot(db);
      assert.equal(after.status, 'done');
      assert.deepEqual(after.tubes, reference.tubes, `killed after ${delayMs} ms`);
      assertSameDetections(after.frames, reference.frames, `killed after ${delayMs} ms: `);
    }
  });
});

describe('track', () => {
  const snapshot = (db: string) => ({
    trackRuns: query(db, 'SELECT count(*) AS n FROM track_runs'),
    tubes: query(db, 'SELECT name, track_id, first_frame, frame_count, content_sha256 FROM tubes ORDER BY name'),
    frames: query(db, 'SELECT count(*) AS n FROM tube_frames'),
  });
  const track = (db: string) => ['track', '--db', db, '--min-tube', '30', '--max-tube', '40', '--quiet'];
  let referenceMs = 0;
  let reference: ReturnType<typeof snapshot>;
  let imported: string;
  before(async () => {
    const frames = 120;
    const video = makeVideo(join(dir, 'walkers.mp4'), { frames });
    const stream = syntheticStream({
      frames,
      format: loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat,
      seed: 5,
      noisePx: 2,
      people: [walker(1, [100, 100], [3, 0], 300, 0, frames), walker(2, [800, 120], [-3, 0], 280, 0, frames)],
    });
    const json = join(dir, 'walkers-json');
    writeOpenPoseFrames(stream.map((f) => f.frame), 'walkers', json);
    imported = join(dir, 'track-imported.db');
    await completes(['ingest', video, '--db', imported, '--quiet']);
    await completes(['import', 'openpose', json, '--video', video, '--db', imported, '--quiet']);
    const db = join(dir, 'track-reference.db');
    copyFileSync(imported, db);
    referenceMs = await completes(track(db));
    reference = snapshot(db);
    assert.ok(reference.tubes.length >= 4);
  });
  test('killed with SIGKILL at 2 random points, then rerun: the same tubes as one uninterrupted run', async () => {
    for (const [seed, delayMs] of killTimes(56, 2, referenceMs).entries()) {
      const db = join(dir, `track-${seed}.db`);
      copyFileSync(imported, db);
      await killedAfter(track(db), delayMs);
      await completes(track(db));
      assert.deepEqual(snapshot(db), reference, `killed after ${delayMs} ms`);
    }
  });
});

describe('train', () => {
  const config = join(dir, 'fault-config.json');
  const db = join(dir, 'train.db');
  const STEPS = 9;
  const train = (out: string, resume: boolean) => ['train', '--db', db, '--out', out, '--config', config, '--steps', String(STEPS), '--threads', '1', '--backend', 'wasm', '--quiet', ...(resume ? ['--resume'] : [])];
  let referenceMs = 0;
  before(async () => {
    writeFileSync(config, JSON.stringify({ extends: 'tiny', schedule: { checkpointEvery: 3, logEvery: 1, keepCheckpoints: 2 } }));
    await completes(['synth', '--db', db, '--out', join(dir, 'synth'), '--sequences', '3', '--frames', '30', '--seed', '2', '--backend', 'wasm', '--quiet']);
    referenceMs = await completes(train(join(dir, 'train-reference'), false));
  });
  test('killed with SIGKILL at 2 random points, then resumed: the same final weights as one uninterrupted run', async () => {
    const reference = readCheckpoint(join(dir, 'train-reference'), { withOptimizer: true });
    assert.equal(reference.step, STEPS);
    for (const [seed, delayMs] of killTimes(78, 2, referenceMs).entries()) {
      const out = join(dir, `train-${seed}`);
      await killedAfter(train(out, false), delayMs);
      // As a user would: resume when a checkpoint was written, else start again.
      let hasCheckpoint = false;
      try {
        hasCheckpoint = latestCheckpointDir(out) !== undefined;
      } catch {
        hasCheckpoint = false;
      }
      await completes(train(out, hasCheckpoint));
      const after = readCheckpoint(out, { withOptimizer: true });
      assert.equal(after.step, STEPS, `killed after ${delayMs} ms`);
      for (const [name, values] of reference.encoder.values) assert.deepEqual(after.encoder.values.get(name), values, `killed after ${delayMs} ms: ${name}`);
      assert.deepEqual(after.rngState, reference.rngState);
    }
  });
});
