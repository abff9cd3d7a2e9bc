import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestPaths } from '../../src/ingest/ingest.js';
import { DEFAULT_VIDEO_EXTENSIONS } from '../../src/ingest/walk.js';
import { resolveDecodeOptions } from '../../src/pose2d/decode-options.js';
import { DEFAULT_DESCRIPTOR_PATH, descriptorModelPath, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { openPoseFileName } from '../../src/pose2d/export-openpose.js';
import { labelVideo, type LabelVideoOptions } from '../../src/pipeline/label-video-run.js';
import type { PoseSession } from '../../src/pose2d/session.js';
import { openWorkerPoseSession } from '../../src/pose2d/worker-session.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { getLabelRun, listLabelRuns, readDetections, type StoredPoseFrame } from '../../src/store/detections.js';
import { listVideos } from '../../src/store/videos.js';
import { projectPath } from '../../src/util/project-root.js';
import { cliInvocation, runCli } from '../helpers/run-cli.js';
import { assertSameDetections } from '../helpers/same-detections.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURE = projectPath('media', 'S02_tabletennis.mp4');
const FPS = 4;
const dir = tempDir('hmmr-label-');
const descriptor = loadDescriptor(DEFAULT_DESCRIPTOR_PATH);
let session: PoseSession;
let reference: StoredPoseFrame[];
const referenceDb = join(dir, 'reference.db');

const OPTIONS: LabelVideoOptions = { inputHeight: 368, fps: FPS, batchSize: 4, chunkFrames: 8 };

async function ingestedDb(name: string): Promise<{ db: Db; path: string }> {
  const path = join(dir, name);
  const db = openDatabase(path);
  await ingestPaths(db, [FIXTURE], { extensions: DEFAULT_VIDEO_EXTENSIONS, concurrency: 1 });
  return { db, path };
}

before(async () => {
  session = await openWorkerPoseSession(descriptor, descriptorModelPath(descriptor)!);
  const { db } = await ingestedDb('reference.db');
  const result = await labelVideo(db, listVideos(db)[0]!, session, OPTIONS);
  assert.equal(result.status, 'done');
  reference = readDetections(db, result.runId);
  db.close();
});

after(async () => {
  await session?.close();
});

test('an uninterrupted run stores every sampled frame once, with the parameters recorded', () => {
  const db = openDatabase(referenceDb);
  const [run] = listLabelRuns(db);
  db.close();
  // 15.9 s at 24 fps sampled at 4 fps.
  assert.equal(reference.length, 64);
  assert.ok(reference.filter((f) => f.people.length === 1 && f.people[0]!.partCount >= 12).length >= 45, 'the player is found on most frames');
  const params = JSON.parse(run!.paramsJson) as Record<string, unknown>;
  assert.equal(params.modelSha256, descriptor.model.sha256);
  assert.equal(params.inputHeight, 368);
  assert.equal(params.fps, FPS);
  assert.deepEqual(params.decode, resolveDecodeOptions(descriptor.decode), "the descriptor's decoding defaults");
  assert.equal(run!.status, 'done');
  assert.equal(run!.framesTotal, 64);
});

test('a run aborted after some chunks resumes to exactly the rows of an uninterrupted run', async () => {
  const { db } = await ingestedDb('aborted.db');
  const video = listVideos(db)[0]!;
  const controller = new AbortController();
  let ticked = 0;
  const progress = { tick: (n = 1) => (ticked += n) >= 20 && controller.abort(), setTotal() {}, done() {} };
  const first = await labelVideo(db, video, session, { ...OPTIONS, signal: controller.signal, progress });
  assert.equal(first.status, 'interrupted');
  const stopped = getLabelRun(db, first.runId)!;
  assert.equal(stopped.status, 'running');
  assert.ok(stopped.nextFrame > 0 && first.framesLabelled >= 20 && first.framesLabelled < 64, `stopped after ${first.framesLabelled} frames`);
  assert.equal(readDetections(db, first.runId).length, first.framesLabelled, 'everything read before the abort was committed');

  const second = await labelVideo(db, video, session, OPTIONS);
  assert.equal(second.runId, first.runId);
  assert.equal(second.status, 'done');
  assert.equal(first.framesLabelled + second.framesLabelled, 64);
  assertSameDetections(readDetections(db, first.runId), reference);
  assert.equal((await labelVideo(db, video, session, OPTIONS)).status, 'already-done');
  db.close();
});

test('hmmr label killed with SIGKILL mid-run resumes to exactly the rows of an uninterrupted run', async () => {
  const { db, path } = await ingestedDb('killed.db');
  db.close();
  // Batches of 3 (64 = 21 × 3 + 1): a partial last batch, and batches composed unlike the reference run's.
  const args = ['label', '--db', path, '--quality', 'fast', '--fps', String(FPS), '--chunk-frames', '8', '--batch', '3', '--quiet'];
  const child = spawn(process.execPath, [...cliInvocation(), ...args], { cwd: projectPath(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let exitedEarly = false;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  void exited.then(() => (exitedEarly = true));
  const watcher = openDatabase(path);
  let committed = 0;
  while (committed === 0 && !exitedEarly) {
    await sleep(25);
    committed = (watcher.prepare('SELECT coalesce(max(next_frame), 0) AS n FROM label_runs').get() as { n: number }).n;
  }
  assert.ok(!exitedEarly, `hmmr label ended before its first commit: ${stderr}`);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const run = listLabelRuns(watcher)[0]!;
  assert.equal(run.status, 'running');
  const partial = readDetections(watcher, run.id).length;
  assert.ok(partial > 0 && partial < 64, `killed after ${partial} committed frames`);
  watcher.close();

  const resumed = await runCli(args);
  assert.equal(resumed.code, 0, resumed.stderr);
  const check = openDatabase(path);
  assert.equal(listLabelRuns(check).length, 1, 'resumed the same run');
  assertSameDetections(readDetections(check, run.id), reference);
  check.close();
});

test('a garbage model file is a clear error and nothing is stored', async () => {
  const { db, path } = await ingestedDb('garbage.db');
  db.close();
  const model = join(dir, 'garbage.onnx');
  writeFileSync(model, 'definitely not an onnx protobuf'.repeat(20));
  const result = await runCli(['label', '--db', path, '--model', model]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`^hmmr: ${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a loadable ONNX model`, 'm'));
  const check = openDatabase(path);
  assert.equal((check.prepare('SELECT count(*) AS n FROM label_runs').get() as { n: number }).n, 0);
  check.close();
});

test('hmmr export --format openpose writes one OpenPose JSON file per labelled frame', async () => {
  const out = join(dir, 'openpose');
  const result = await runCli(['export', '--db', referenceDb, '--format', 'openpose', '--out', out, '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as { files: number }).files, 64);
  const files = readdirSync(out).sort();
  assert.deepEqual(files, reference.map((f) => openPoseFileName('S02_tabletennis', f.frameIndex)));
  assert.ok(existsSync(join(out, 'S02_tabletennis_000000000006_keypoints.json')));
  const frame = reference.find((f) => f.people.length > 0)!;
  const json = JSON.parse(readFileSync(join(out, openPoseFileName('S02_tabletennis', frame.frameIndex)), 'utf8')) as {
    version: number;
    people: { person_id: number[]; pose_keypoints_2d: number[] }[];
  };
  assert.equal(json.version, 1.3);
  assert.equal(json.people.length, frame.people.length);
  assert.deepEqual(json.people[0]!.person_id, [-1]);
  assert.equal(json.people[0]!.pose_keypoints_2d.length, 54);
  json.people[0]!.pose_keypoints_2d.forEach((value, k) => assert.ok(Math.abs(value - frame.people[0]!.keypoints[k]!) <= 5e-4));
});
