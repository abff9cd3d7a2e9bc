import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../src/store/database.js';
import { listLabelRuns, readDetections, type StoredPoseFrame } from '../../src/store/detections.js';
import { listTubes } from '../../src/store/tubes.js';
import { projectPath } from '../../src/util/project-root.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { cliInvocation, runCli } from '../helpers/run-cli.js';
import { assertSameDetections } from '../helpers/same-detections.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURE = projectPath('media', 'S02_tabletennis.mp4');
const dir = tempDir('hmmr-label-faults-');
// The accurate model (label's default): its ~3× longer inference keeps the first of two processes
// labelling long enough for the second to start while it holds the lease.
const LABEL = ['--quality', 'accurate', '--fps', '4', '--chunk-frames', '8', '--quiet'];
let reference: { frames: StoredPoseFrame[]; tubes: { name: string; firstFrame: number; frameCount: number }[] };

async function ingested(name: string, video = FIXTURE): Promise<string> {
  const db = join(dir, name);
  const result = await runCli(['ingest', video, '--db', db, '--quiet']);
  assert.equal(result.code, 0, result.stderr);
  return db;
}

function snapshot(dbPath: string) {
  const db = openDatabase(dbPath, { readonly: true });
  const runs = listLabelRuns(db);
  const frames = runs.length === 1 ? readDetections(db, runs[0]!.id) : [];
  const tubes = listTubes(db).map(({ name, firstFrame, frameCount }) => ({ name, firstFrame, frameCount }));
  const trackRuns = (db.prepare('SELECT count(*) AS n FROM track_runs').get() as { n: number }).n;
  db.close();
  return { runs, frames, tubes, trackRuns };
}

before(async () => {
  const db = await ingested('reference.db');
  const result = await runCli(['label', '--db', db, ...LABEL]);
  assert.equal(result.code, 0, result.stderr);
  const { frames, tubes } = snapshot(db);
  reference = { frames, tubes };
  assert.equal(frames.length, 64);
  assert.ok(tubes.length > 0);
});

test('two hmmr label processes on one database: the second skips the video the first is labelling; both exit 0 and the store equals one run', async () => {
  const db = await ingested('two.db');
  const args = ['label', '--db', db, ...LABEL];
  const first = spawn(process.execPath, [...cliInvocation(), ...args], { cwd: projectPath(), stdio: ['ignore', 'ignore', 'pipe'] });
  let firstErr = '';
  first.stderr.setEncoding('utf8').on('data', (text: string) => (firstErr += text));
  const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  // Start the second once the first has committed its first chunk: it is mid-video, holding the lease.
  const watcher = openDatabase(db);
  let committed = 0;
  while (committed === 0 && first.exitCode === null) {
    await sleep(25);
    committed = (watcher.prepare('SELECT coalesce(max(next_frame), 0) AS n FROM label_runs').get() as { n: number }).n;
  }
  watcher.close();
  assert.ok(committed > 0 && first.exitCode === null, `the first process ended before its first commit: ${firstErr}`);

  const second = await runCli([...args.filter((arg) => arg !== '--quiet'), '--json']);
  assert.equal(second.code, 0, second.stderr);
  const secondVideos = (JSON.parse(second.stdout) as { videos: { status: string; framesLabelled: number }[] }).videos;
  assert.deepEqual(secondVideos.map((v) => [v.status, v.framesLabelled]), [['busy', 0]], 'the second paid for no inference');
  assert.match(second.stderr, /being labelled by another process/);
  assert.equal(await firstExit, 0, firstErr);

  const after = snapshot(db);
  assert.equal(after.runs.length, 1);
  assert.equal(after.runs[0]!.status, 'done');
  assert.equal(after.trackRuns, 1);
  assertSameDetections(after.frames, reference.frames);
  assert.deepEqual(after.tubes, reference.tubes);
});

test('a video whose tail is damaged keeps its decoded frames: tracked into tubes, marked partial with the error, exit 3; reruns and track do not fail it', async () => {
  // Moov first, so cutting the file damages the tail's pictures but not the index (as an interrupted copy would).
  const video = join(dir, 'damaged.mp4');
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-i', FIXTURE, '-c', 'copy', '-movflags', '+faststart', video]);
  const db = await ingested('damaged.db', video);
  const whole = readFileSync(video);
  writeFileSync(video, whole.subarray(0, Math.floor(whole.length * 0.6)));

  const labelled = await runCli(['label', '--db', db, '--quality', 'fast', '--fps', '8', '--chunk-frames', '16']);
  assert.equal(labelled.code, 3, labelled.stderr);
  assert.match(labelled.stderr, /^hmmr: .*damaged\.mp4: decoding stopped at frame \d+ of 381/m);
  assert.match(labelled.stdout, /frames labelled, partial/);
  assert.doesNotMatch(labelled.stderr, /no scene-cut signal/, 'decoded video has the frame-difference signal');
  const after = snapshot(db);
  const run = after.runs[0]!;
  assert.deepEqual([run.status, run.partial], ['done', true]);
  assert.match(run.error ?? '', /decoding stopped at frame (\d+) of 381/);
  const stoppedAt = Number(/frame (\d+) of/.exec(run.error!)![1]);
  // Every frame before the damage (8 of every 24) is labelled: from frame 0 to just before where decoding stopped.
  assert.ok(stoppedAt > 150 && stoppedAt < 300, `stopped at ${stoppedAt}`);
  assert.equal(after.frames[0]!.frameIndex, 0);
  assert.ok(after.frames.at(-1)!.frameIndex < stoppedAt && after.frames.at(-1)!.frameIndex >= stoppedAt - 3);
  assert.equal(after.frames.length, Math.floor((after.frames.at(-1)!.frameIndex * 8) / 24) + 1);
  assert.ok(after.tubes.length >= 1 && after.tubes[0]!.frameCount >= 40, `tubes: ${JSON.stringify(after.tubes)}`);

  const status = await runCli(['status', '--db', db]);
  assert.match(status.stdout, /partial .*damaged\.mp4.*decoding stopped at frame/);
  const again = await runCli(['label', '--db', db, '--quality', 'fast', '--fps', '8', '--chunk-frames', '16']);
  assert.equal(again.code, 3, again.stderr);
  assert.match(again.stdout, /already labelled \(partial/);
  const retracked = await runCli(['track', '--db', db]);
  assert.equal(retracked.code, 0, retracked.stderr);
  assert.deepEqual(snapshot(db).tubes, after.tubes);
});
