import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { StatusReport } from '../../src/ingest/status.js';
import { ffprobeTruth, makeAudioOnly, makeVideo } from '../helpers/make-video.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

async function status(db: string): Promise<StatusReport> {
  const result = await runCli(['status', '--json', '--db', db]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function snapshot(db: string): unknown[] {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare('SELECT * FROM videos ORDER BY id').all();
  } finally {
    handle.close();
  }
}

const root = tempDir();
const good = join(root, 'good');
mkdirSync(join(good, 'nested', 'deeper'), { recursive: true });
const goodFiles = {
  h264: makeVideo(join(good, 'h264 clip.mp4'), { width: 96, height: 64, fps: 25, frames: 20 }),
  avi: makeVideo(join(good, 'nested', 'mpeg4.avi'), { codec: 'mpeg4', fps: 30, frames: 15 }),
  webm: makeVideo(join(good, 'nested', 'vp9.webm'), { codec: 'libvpx-vp9', fps: 24, frames: 8 }),
  mkv: makeVideo(join(good, 'nested', 'deeper', 'ffv1 ünïcødé.mkv'), { codec: 'ffv1', fps: 15, frames: 9 }),
  mov: makeVideo(join(good, 'mjpeg.mov'), { codec: 'mjpeg', fps: 10, frames: 6 }),
  rotated: makeVideo(join(good, 'rotated.mp4'), { width: 64, height: 48, rotateDeg: 90, frames: 5 }),
};
writeFileSync(join(good, 'readme.txt'), 'not a video, and not named like one');

test('ingest registers every video with metadata matching ffprobe', async () => {
  const db = join(root, 'meta.db');
  const result = await runCli(['ingest', good, '--db', db, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout);
  assert.equal(summary.added, 6);
  const report = await status(db);
  assert.equal(report.videos.length, 6);
  for (const path of Object.values(goodFiles)) {
    const video = report.videos.find((v) => v.path === path);
    assert.ok(video, `missing ${path}`);
    const truth = ffprobeTruth(path);
    const rotated = path === goodFiles.rotated;
    assert.equal(video.width, rotated ? truth.height : truth.width);
    assert.equal(video.height, rotated ? truth.width : truth.height);
    const [num, den] = truth.rFrameRate.split('/').map(Number);
    assert.ok(Math.abs(video.fps! - num! / den!) < 1e-9);
    assert.equal(video.frameCount, truth.frames);
    assert.ok(Math.abs(video.durationSec! - truth.durationSec) < 0.05, `${path}: ${video.durationSec} vs ${truth.durationSec}`);
    assert.match(video.sha256!, /^[0-9a-f]{64}$/);
    assert.equal(video.status, 'ingested');
  }
});

test('re-ingest adds nothing; a copy under another name becomes an alias', async () => {
  const db = join(root, 'idem.db');
  assert.equal((await runCli(['ingest', good, '--db', db])).code, 0);
  const before = snapshot(db);
  const again = await runCli(['ingest', good, '--db', db, '--json']);
  assert.equal(again.code, 0);
  assert.equal(JSON.parse(again.stdout).unchanged, 6);
  assert.deepEqual(snapshot(db), before);

  const copy = join(root, 'copy of h264.mp4');
  copyFileSync(goodFiles.h264, copy);
  const alias = await runCli(['ingest', copy, '--db', db, '--json']);
  assert.equal(JSON.parse(alias.stdout).alias, 1);
  const report = await status(db);
  assert.equal(report.videos.length, 6);
  assert.deepEqual(report.videos.find((v) => v.path === goodFiles.h264)!.aliases, [copy]);
});

test('bad inputs: one clear line each, recorded as failed, exit 3, stored videos untouched', async () => {
  const db = join(root, 'bad.db');
  assert.equal((await runCli(['ingest', good, '--db', db])).code, 0);
  const before = snapshot(db);

  const bad = join(root, 'bad');
  mkdirSync(join(bad, 'folder.mp4'), { recursive: true });
  writeFileSync(join(bad, 'empty.mp4'), '');
  writeFileSync(join(bad, 'text.mp4'), 'hello, I am text\n');
  const whole = readFileSync(goodFiles.h264);
  writeFileSync(join(bad, 'truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
  const fastStart = readFileSync(makeVideo(join(root, 'faststart.mp4'), { width: 160, height: 120, frames: 50, extraArgs: ['-movflags', '+faststart', '-g', '5'] }));
  writeFileSync(join(bad, 'truncated faststart.mp4'), fastStart.subarray(0, Math.floor(fastStart.length * 0.6)));
  makeAudioOnly(join(bad, 'audio only.mp4'));
  symlinkSync(join(bad, 'missing-target.mp4'), join(bad, 'dangling.mp4'));
  const unreadable = join(bad, 'unreadable.mp4');
  copyFileSync(goodFiles.h264, unreadable);
  chmodSync(unreadable, 0o000);
  const runningAsRoot = process.getuid?.() === 0;
  makeVideo(join(bad, 'fine ünïcødé name.mp4'), { frames: 4 });

  const result = await runCli(['ingest', bad, '--db', db, '--json']);
  assert.equal(result.code, 3, result.stderr);
  const expectations: [string, RegExp][] = [
    ['folder.mp4', /is a directory/],
    ['empty.mp4', /empty file/],
    ['text.mp4', /Invalid data/i],
    ['truncated.mp4', /moov atom not found|Invalid data/i],
    ['truncated faststart.mp4', /truncated: only \d+ of 50 frames/],
    ['audio only.mp4', /no video stream/],
    ['dangling.mp4', /broken symbolic link/],
  ];
  if (!runningAsRoot) expectations.push(['unreadable.mp4', /permission denied/]);
  const lines = result.stderr.split('\n').filter((line) => line.startsWith('hmmr: '));
  for (const [name, reason] of expectations) {
    const line = lines.find((l) => l.includes(`${join(bad, name)}: `));
    assert.ok(line, `no error line for ${name} in:\n${result.stderr}`);
    assert.match(line, reason);
    assert.ok(!line.includes('\n'));
  }
  assert.equal(lines.length, expectations.length, lines.join('\n'));

  const report = await status(db);
  for (const [name, reason] of expectations) {
    const failed = report.videos.find((v) => v.path === join(bad, name));
    assert.ok(failed && failed.status === 'failed' && failed.id === null, name);
    assert.match(failed.error!, reason);
  }
  assert.ok(report.videos.some((v) => v.path === join(bad, 'fine ünïcødé name.mp4') && v.status === 'ingested'));
  const after = snapshot(db).slice(0, before.length);
  assert.deepEqual(after, before);
});

test('two concurrent ingests into one database neither corrupt it nor duplicate videos', async () => {
  const db = join(root, 'concurrent.db');
  const [a, b] = await Promise.all([runCli(['ingest', good, '--db', db]), runCli(['ingest', good, '--db', db])]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const handle = new Database(db, { readonly: true });
  try {
    assert.equal((handle.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    assert.equal((handle.prepare('SELECT count(*) AS n FROM videos').get() as { n: number }).n, 6);
    assert.equal((handle.prepare('SELECT count(*) AS n FROM video_paths').get() as { n: number }).n, 6);
  } finally {
    handle.close();
  }
});

test('usage errors exit 1 with a message', async () => {
  const result = await runCli(['ingest']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Not enough non-option arguments|paths/);
});
