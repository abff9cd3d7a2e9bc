import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectShotChanges } from '../../src/tracker/shot-changes.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { readFrames } from '../../src/video/frame-source.js';
import { tempDir } from '../helpers/temp-dir.js';

const cutsOf = (scores: (number | null)[]) =>
  detectShotChanges(scores)
    .map((cut, i) => (cut ? i : -1))
    .filter((i) => i >= 0);

test('a spike over a calm background is a cut; the first frame never is', () => {
  const scores = Array.from({ length: 60 }, (_, i) => 0.02 + 0.005 * Math.sin(i));
  scores[0] = 0.9;
  scores[30] = 0.4;
  assert.deepEqual(cutsOf(scores), [30]);
});

test('fast camera motion (uniformly high scores) is not a cut, but a cut inside it is', () => {
  const scores = Array.from({ length: 60 }, (_, i) => 0.15 + 0.03 * Math.sin(i));
  assert.deepEqual(cutsOf(scores), []);
  scores[40] = 0.8;
  assert.deepEqual(cutsOf(scores), [40]);
});

test('small relative jumps in a static scene are not cuts, and unknown scores are ignored', () => {
  const scores: (number | null)[] = Array.from({ length: 40 }, () => 0.001);
  scores[10] = 0.05; // 50 × the median, but below the absolute floor
  scores[20] = null;
  assert.deepEqual(cutsOf(scores), []);
  scores[25] = 0.3;
  assert.deepEqual(cutsOf(scores), [25]);
});

test('the frame source\'s scene scores put a cut exactly where two generated shots meet', async () => {
  const path = join(tempDir('hmmr-cuts-'), 'two-shots.mp4');
  // 2 s of a moving test pattern, then 2 s of colour bars: one hard cut at frame 50.
  execFileSync(ffmpegPath(), ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=2', '-f', 'lavfi',
    '-i', 'smptehdbars=size=160x120:rate=25:duration=2', '-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path]);
  const scores: number[] = [];
  for await (const frame of readFrames(path)) scores.push(frame.sceneScore);
  assert.equal(scores.length, 100);
  assert.deepEqual(cutsOf(scores), [50]);
});
