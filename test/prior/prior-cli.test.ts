import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { replacePoseBankClip } from '../../src/store/pose-bank.js';
import { generatorPoseClips } from '../../src/synth/pose-clips.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-prior-cli-');
const prior = join(dir, 'prior');
const db = join(dir, 'absent.db');
const small = ['--clips', '10', '--layers', '2', '--hidden', '8', '--batch-size', '32', '--backend', 'cpu', '--db', db, '--json'];

/** The PNG decoded by ffmpeg (not by hmmr's code) to packed RGB24. */
function decodePng(path: string): Buffer {
  return execFileSync(ffmpegPath(), ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
}

test('hmmr prior train writes a prior, refuses to overwrite it, and --resume continues it', async () => {
  const first = await runCli(['prior', 'train', '--out', prior, '--steps', '6', ...small]);
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout) as { startStep: number; training: { step: number; source: string; trainPoses: number; heldOutPoses: number; heldOutNll: number } };
  assert.equal(summary.training.step, 6);
  // No database file: the motion generator, 10 clips of 100 frames, the tenth held out.
  assert.match(summary.training.source, /^motion generator/);
  assert.equal(summary.training.trainPoses, 900);
  assert.equal(summary.training.heldOutPoses, 100);
  assert.ok(Number.isFinite(summary.training.heldOutNll));
  assert.ok(!existsSync(db), 'auto source must not create a database');

  const again = await runCli(['prior', 'train', '--out', prior, '--steps', '6', ...small]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr.trim(), /^hmmr: .*already holds a pose prior: add --resume/);

  const resumed = await runCli(['prior', 'train', '--out', prior, '--steps', '9', '--resume', ...small]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const next = JSON.parse(resumed.stdout) as { startStep: number; training: { step: number } };
  assert.deepEqual([next.startStep, next.training.step], [6, 9]);
  assert.deepEqual(readdirSync(prior).sort(), ['prior.json', 'weights-0000009.bin'], 'the older weights file is removed after the manifest moves on');
});

test('hmmr prior sample renders a PNG grid in which ffmpeg finds a skeleton, facing the camera, in every panel', async () => {
  const out = join(dir, 'grid.png');
  const result = await runCli(['prior', 'sample', '--prior', prior, '--out', out, '--count', '4', '--seed', '3', '--backend', 'cpu', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { width, height, columns } = JSON.parse(result.stdout) as { width: number; height: number; columns: number };
  // Four 150 × 200 panels, two per row.
  assert.deepEqual([width, height, columns], [300, 400, 2]);
  const pixels = decodePng(out);
  assert.equal(pixels.length, width * height * 3);
  const RIGHT = [240, 90, 60];
  const LEFT = [60, 150, 240];
  const BACKGROUND = [28, 28, 32];
  const is = (i: number, color: number[]) => pixels[i] === color[0] && pixels[i + 1] === color[1] && pixels[i + 2] === color[2];
  let background = 0;
  for (let i = 0; i < pixels.length; i += 3) if (is(i, BACKGROUND)) background++;
  assert.ok(background > 0.7 * width * height, `the background fills most of the grid (${background} px)`);
  for (let panel = 0; panel < 4; panel++) {
    const [left, top] = [(panel % 2) * 150, Math.floor(panel / 2) * 200];
    const sides = { right: { count: 0, x: 0 }, left: { count: 0, x: 0 } };
    for (let y = top; y < top + 200; y++) {
      for (let x = left; x < left + 150; x++) {
        const i = (y * width + x) * 3;
        const side = is(i, RIGHT) ? sides.right : is(i, LEFT) ? sides.left : undefined;
        if (side) {
          side.count++;
          side.x += x - left;
        }
      }
    }
    assert.ok(sides.right.count > 100 && sides.left.count > 100, `panel ${panel}: ${sides.right.count} right-limb and ${sides.left.count} left-limb pixels`);
    // Seen from the front, the body's right limbs are on the image's left.
    assert.ok(sides.right.x / sides.right.count < sides.left.x / sides.left.count, `panel ${panel}: right limbs must be drawn left of the left limbs`);
  }
});

test('hmmr prior sample: a missing or corrupt prior is a one-line error naming the file', async () => {
  const missing = await runCli(['prior', 'sample', '--prior', join(dir, 'nope'), '--out', join(dir, 'x.png'), '--backend', 'cpu']);
  assert.notEqual(missing.code, 0);
  assert.equal(missing.stderr.trim(), `hmmr: ${join(dir, 'nope', 'prior.json')}: no pose prior here (train one with hmmr prior train --out <dir>)`);

  const weights = join(prior, 'weights-0000009.bin');
  const bytes = readFileSync(weights);
  bytes[100] = bytes[100]! ^ 0xff;
  writeFileSync(weights, bytes);
  const corrupt = await runCli(['prior', 'sample', '--prior', prior, '--out', join(dir, 'y.png'), '--backend', 'cpu']);
  assert.notEqual(corrupt.code, 0);
  assert.equal(corrupt.stderr.trim(), `hmmr: ${weights}: sha256 does not match the manifest (corrupt prior)`);
  assert.ok(!existsSync(join(dir, 'y.png')));
});

test("hmmr prior train reads the database's pose bank when it has one (source auto)", async () => {
  const bankDb = join(dir, 'bank.db');
  const db = openDatabase(bankDb);
  generatorPoseClips(3, 20, 25, 9).forEach((clip, i) => replacePoseBankClip(db, { source: `amass/test/${i}`, fps: 25, poses: clip.poses }));
  db.close();
  const result = await runCli(['prior', 'train', '--out', join(dir, 'bank-prior'), '--steps', '2', ...small.slice(0, -3), '--db', bankDb, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { training } = JSON.parse(result.stdout) as { training: { source: string; trainPoses: number; heldOutPoses: number } };
  assert.equal(training.source, `pose_bank of ${bankDb} (3 clips)`);
  // Fewer than ten clips: none held out, all 3 × 20 frames train.
  assert.deepEqual([training.trainPoses, training.heldOutPoses], [60, 0]);
});
