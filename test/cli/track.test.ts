import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_DESCRIPTOR_PATH, loadDescriptor } from '../../src/pose2d/descriptor.js';
import { writeOpenPoseFrames } from '../../src/pose2d/export-openpose.js';
import { makeVideo } from '../helpers/make-video.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticStream, walker } from '../tracker/synthetic-poses.js';

const dir = tempDir('hmmr-track-cli-');

test('hmmr import openpose → track → export: tubes, flags, exit codes and messages', async () => {
  const frames = 60;
  const video = makeVideo(join(dir, 'two.mp4'), { width: 64, height: 48, fps: 25, frames });
  const stream = syntheticStream({
    frames,
    format: loadDescriptor(DEFAULT_DESCRIPTOR_PATH).keypointFormat,
    seed: 8,
    noisePx: 1,
    people: [walker(1, [100, 100], [4, 0], 300, 0, frames), walker(2, [700, 120], [-4, 0], 280, 0, frames)],
  });
  const json = join(dir, 'json');
  writeOpenPoseFrames(stream.map((f) => f.frame), 'two', json);
  const db = ['--db', join(dir, 'cli.db')];

  assert.equal((await runCli(['ingest', video, ...db])).code, 0);
  const imported = await runCli(['import', 'openpose', json, '--video', video, ...db]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported label run 1: 60 frames, 120 coco18 detections/);
  assert.match(imported.stdout, /2 tracks → 2 tubes \(60, 60 frames\)/);
  assert.match(imported.stdout, /note: these detections carry no scene-cut signal \(imported\): shot changes are not detected/);

  const retracked = await runCli(['track', '--min-tube', '61', '--json', ...db]);
  assert.equal(retracked.code, 0, retracked.stderr);
  const result = JSON.parse(retracked.stdout) as { videos: { tracks: number; tubes: unknown[] }[] };
  assert.deepEqual(result.videos.map((v) => [v.tracks, v.tubes.length]), [[2, 0]]);

  assert.equal((await runCli(['track', ...db])).code, 0);
  const exported = await runCli(['export', '--format', 'json', '--out', join(dir, 'out'), ...db]);
  assert.equal(exported.code, 0, exported.stderr);
  const tubes = JSON.parse(readFileSync(join(dir, 'out', 'two.tubes.json'), 'utf8')) as { tubes: { name: string }[] };
  assert.deepEqual(tubes.tubes.map((t) => t.name).sort(), ['two/track1/part0', 'two/track2/part0']);

  const badFlag = await runCli(['track', '--max-gap', '-1', ...db]);
  assert.equal(badFlag.code, 1);
  assert.match(badFlag.stderr, /--max-gap must be an integer ≥ 0/);
  const unknownVideo = await runCli(['import', 'openpose', json, '--video', join(dir, 'missing.mp4'), ...db]);
  assert.equal(unknownVideo.code, 1);
  assert.match(unknownVideo.stderr, /is not in the database; run hmmr ingest/);
});
