import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { parseRedisUrl } from '../../src/queue/redis-address.js';
import { readQueueStatus } from '../../src/queue/queue-status.js';
import { openDatabase } from '../../src/store/database.js';
import { listLabelRuns, readDetections, type LabelRun, type StoredPoseFrame } from '../../src/store/detections.js';
import { listTubes } from '../../src/store/tubes.js';
import { listVideos } from '../../src/store/videos.js';
import { projectPath } from '../../src/util/project-root.js';
import { makeVideo } from '../helpers/make-video.js';
import { RedisServer, redisUnavailable } from '../helpers/redis-server.js';
import { cliInvocation, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Distributed labelling end to end: a real redis-server, real `hmmr worker` and `hmmr label --queue`
 * processes, the shipped clip, and the store compared with what a plain `hmmr label` stores.
 * Small settings keep it cheap on 2 cores: the fast model at 256 px, 1 frame per second (16 frames),
 * 4-frame chunks (4 jobs) in network batches of 2.
 */
const skip = redisUnavailable();
const FIXTURE = projectPath('media', 'S02_tabletennis.mp4');
const LABEL = ['--quality', 'fast', '--fps', '1', '--input-height', '256', '--batch', '2', '--chunk-frames', '4'];
/** Workers give up a dead worker's chunk after 1.5 s without a lock renewal (the default is 30 s). */
const WORKER = ['--quality', 'fast', '--lock-duration', '1500'];
const dir = tempDir('hmmr-queue-');
let redis: RedisServer;
let reference: StoredStore;
let nextDb = 1;

interface StoredStore {
  run: LabelRun;
  frames: StoredPoseFrame[];
  tubes: { firstFrame: number; frameCount: number }[];
}

function stored(dbPath: string, videoPath = FIXTURE): StoredStore {
  const db = openDatabase(dbPath);
  try {
    const video = listVideos(db).find((v) => v.path === videoPath)!;
    const run = listLabelRuns(db, { videoId: video.id })[0]!;
    const tubes = listTubes(db, { videoId: video.id }).map(({ firstFrame, frameCount }) => ({ firstFrame, frameCount }));
    return { run, frames: readDetections(db, run.id), tubes };
  } finally {
    db.close();
  }
}

/**
 * The same frames, people, scores and keypoints (bit for bit: chunks are whole network batches), and
 * the same tubes. Times agree to 10 µs (a frame is 42 ms): a chunk's read seeks to its start, and
 * the frame source's times after a seek (stream time + the seek, rounded to 1 µs) differ from a read
 * from the start by a few µs, as in a resumed local run.
 */
function assertSameStore(actual: StoredStore, expected: StoredStore): void {
  assert.equal(actual.run.status, 'done');
  assert.equal(actual.run.paramsKey, expected.run.paramsKey);
  assert.deepEqual(actual.frames.map((f) => f.frameIndex), expected.frames.map((f) => f.frameIndex));
  actual.frames.forEach((frame, i) => {
    const other = expected.frames[i]!;
    assert.ok(Math.abs(frame.timeSec - other.timeSec) < 1e-5, `frame ${frame.frameIndex} time ${frame.timeSec} vs ${other.timeSec}`);
    assert.deepEqual(
      frame.people.map((p) => ({ score: p.score, partCount: p.partCount, keypoints: Array.from(p.keypoints) })),
      other.people.map((p) => ({ score: p.score, partCount: p.partCount, keypoints: Array.from(p.keypoints) })),
      `frame ${frame.frameIndex} people`,
    );
  });
  assert.deepEqual(actual.tubes, expected.tubes);
}

async function ingested(name: string, extra: string[] = []): Promise<string> {
  const db = join(dir, name);
  const result = await runCli(['--db', db, 'ingest', FIXTURE, ...extra, '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  return db;
}

/** A Redis database of its own per test, so one test's jobs never meet another's workers. */
function freshQueue(): string {
  return `${redis.url}/${nextDb++}`;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [...cliInvocation(), ...args], {
    cwd: projectPath(),
    env: { ...process.env, HMMR_PLAIN_PROGRESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stopAll(workers: Running[]): Promise<void> {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGINT');
  await Promise.all(workers.map((worker) => worker.exited));
}

/**
 * Generous on purpose: after a Redis restart the workers' reconnection backoff and a chunk of real
 * labelling on a loaded 2-core CI machine took over 60 s once (a timeout, not a wrong result).
 */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  for (const started = Date.now(); !(await condition()); await sleep(100)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

before(async () => {
  if (skip) return;
  redis = await RedisServer.start(dir);
  const db = await ingested('reference.db');
  const plain = await runCli(['--db', db, 'label', ...LABEL, '--quiet']);
  assert.equal(plain.code, 0, plain.stderr);
  reference = stored(db);
  // The reference is real labelling: the table-tennis player is found in nearly every sampled frame.
  assert.equal(reference.frames.length, 16);
  assert.ok(reference.frames.filter((f) => f.people.length > 0).length >= 14);
});

after(async () => {
  await redis?.stop();
});

test('two workers and a coordinator store what hmmr label stores, frame for frame, and the same tubes, though a third worker was killed with SIGKILL mid-chunk', { skip }, async () => {
  const db = await ingested('two-workers.db');
  const queue = freshQueue();
  const doomed = start(['worker', '--queue', queue, ...WORKER]);
  const coordinator = runCli(['--db', db, 'label', '--queue', queue, ...LABEL]);
  const workers: Running[] = [];
  try {
    // The only worker holds a chunk: it is mid-chunk. Killed, its chunk must be labelled again by another.
    await waitFor('the first worker to start a chunk', async () => (await readQueueStatus(parseRedisUrl(queue))).active > 0);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    workers.push(start(['worker', '--queue', queue, ...WORKER]), start(['worker', '--queue', queue, ...WORKER]));
    const result = await coordinator;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /16 frames labelled/);
    assertSameStore(stored(db), reference);
    // Both remaining workers took part (4 chunks of seconds each).
    await stopAll(workers);
    for (const worker of workers) assert.match(worker.output(), /chunk \S+: 4 frames/);
  } finally {
    await stopAll([doomed, ...workers]);
  }
});

test('Redis restarted empty and the coordinator killed midway, then started again: the same store; a corrupt video fails after its attempts, the others finish', { skip }, async () => {
  const corrupt = makeVideo(join(dir, 'corrupt.mp4'), { width: 64, height: 48, fps: 25, frames: 50 });
  const db = await ingested('restart.db');
  const added = await runCli(['--db', db, 'ingest', corrupt, '--quiet']);
  assert.equal(added.code, 0, added.stderr);
  // Damaged after ingest: the bytes no longer match the stored sha256 (a bad copy, a disk fault).
  writeFileSync(corrupt, Buffer.alloc(4096, 7));
  const queue = freshQueue();
  const workers = [start(['worker', '--queue', queue, ...WORKER]), start(['worker', '--queue', queue, ...WORKER])];
  try {
    const first = start(['--db', db, 'label', '--queue', queue, ...LABEL]);
    const committed = () => {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (reader.prepare("SELECT max(next_frame) AS n FROM label_runs").get() as { n: number | null }).n ?? 0;
      } finally {
        reader.close();
      }
    };
    await waitFor('the coordinator to commit a chunk', () => committed() > 0);
    // Redis restarts and comes back empty: the workers reconnect, the coordinator enqueues what is missing.
    await redis.stop();
    await redis.restart();
    const before = committed();
    await waitFor('a commit after the Redis restart', () => committed() > before);
    first.child.kill('SIGKILL');
    await first.exited;
    assert.ok(stored(db).run.status === 'running', 'killed midway');

    const second = await runCli(['--db', db, 'label', '--queue', queue, ...LABEL]);
    assert.equal(second.code, 3, `one input failed: ${second.stderr}`);
    assert.match(second.stderr, new RegExp(`${corrupt}: frames 0–end failed 3 time\\(s\\): ${corrupt}: content differs from the ingested video`));
    assertSameStore(stored(db), reference);
    const failed = stored(db, corrupt).run;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /content differs from the ingested video/);

    const status = await runCli(['--db', db, 'status', '--queue', queue]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /1 failed; 2 workers/);
    assert.match(status.stdout, /failed \S+-f0-end after 3 attempts: .*content differs/);
  } finally {
    await stopAll(workers);
  }
});

test('a worker with another model version: the chunk fails at once with the reason, and the video is marked failed', { skip }, async () => {
  const db = await ingested('wrong-model.db');
  const descriptor = JSON.parse(readFileSync(projectPath('models', 'tfpose_mobilenet_v2_small.json'), 'utf8')) as { decode: { peakThreshold: number } };
  descriptor.decode.peakThreshold = 0.2;
  const changed = join(dir, 'changed-descriptor.json');
  writeFileSync(changed, JSON.stringify(descriptor));
  const queue = freshQueue();
  const worker = start(['worker', '--queue', queue, '--model', projectPath('models', 'tfpose_mobilenet_v2_small.onnx'), '--descriptor', changed, '--lock-duration', '1500']);
  try {
    const result = await runCli(['--db', db, 'label', '--queue', queue, ...LABEL]);
    assert.equal(result.code, 3, result.stderr);
    // UnrecoverableError: one attempt, not three.
    assert.match(result.stderr, new RegExp(`frames 0–73 failed 1 time\\(s\\): ${changed}: this worker's model descriptor or version differs from the coordinator's`));
    assert.equal(stored(db).run.status, 'failed');
  } finally {
    await stopAll([worker]);
  }
});
