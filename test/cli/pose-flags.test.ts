import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectPath } from '../../src/util/project-root.js';
import { ffmpegPath } from '../../src/video/ffmpeg-binaries.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';

test('--quality is offered by label, demo and predict; --scales by label', async () => {
  for (const [command, flags] of [['label', ['--quality', '--scales']], ['demo', ['--quality']], ['predict', ['--quality']]] as const) {
    const result = await runCli([command, '--help']);
    assert.equal(result.code, 0, result.stderr);
    for (const flag of flags) assert.ok(result.stdout.includes(flag), `${command} --help lacks ${flag}`);
  }
});

test('bad pose flags are one-line usage errors (exit 1), before anything is opened or stored', async () => {
  const db = join(tempDir('hmmr-pose-flags-'), 'never.db');
  const cases: [string[], RegExp][] = [
    [['label', '--db', db, '--scales', '1,1.5'], /--scales: '1,1.5' is not a comma-separated list of scales in \(0, 1\]/],
    [['label', '--db', db, '--scales', '0.75,0.5'], /--scales: '0.75,0.5' must include 1/],
    [['predict', '--db', db, '--checkpoint', 'nowhere', '--quality', 'fast'], /--quality picks the pose model for --image/],
    [['predict', '--db', db, '--checkpoint', 'nowhere', '--model', 'x.onnx'], /--model picks the pose model for --image/],
    [['predict', '--db', db, '--image', 'x.png', '--out', join(db, '..', 'x.json'), '--quality', 'fast', '--model', 'x.onnx'], /--quality picks a shipped model; use it without --model/],
    [['predict', '--db', db, '--image', 'x.png', '--out', join(db, '..', 'x.json'), '--refine-orientation', '--refine-window', '-1'], /--refine-window must be a whole number of frames ≥ 0, not -1/],
    [['eval', '--db', db, '--refine-pose', '--refine-pose-steps', '0'], /--refine-pose-steps must be a whole number ≥ 1, not 0/],
    [['predict', '--db', db, '--checkpoint', 'nowhere', '--refine-pose-steps', '2.5'], /--refine-pose-steps must be a whole number ≥ 1, not 2.5/],
    [['demo', '--out', join(db, '..', 'demo'), '--quality', 'medium'], /quality/],
    [['label', '--db', db, '--session-threads', '0'], /--session-threads must be a positive integer, not 0/],
    [['worker', '--db', db, '--queue', 'redis://127.0.0.1:1', '--session-threads', '1.5'], /--session-threads must be a positive integer, not 1.5/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  assert.ok(!existsSync(db), 'no database was created');
});

test('predict --image --model uses that network: the accurate model named by file finds the same people as --quality accurate', async () => {
  const dir = tempDir('hmmr-predict-model-');
  const photo = join(dir, 'player.png');
  execFileSync(ffmpegPath(), ['-loglevel', 'error', '-y', '-ss', '8', '-i', projectPath('media', 'S02_tabletennis.mp4'), '-frames:v', '1', photo]);
  const people = async (flags: string[], out: string) => {
    const result = await runCli(['predict', '--db', join(dir, 'unused.db'), '--image', photo, '--out', join(dir, out), '--backend', 'wasm', ...flags]);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(readFileSync(join(dir, out), 'utf8')) as { people: { keypoints: number[][] }[] }).people;
  };
  const named = await people(['--model', projectPath('models', 'human_pose_estimation_0001.onnx')], 'named.json');
  const accurate = await people(['--quality', 'accurate'], 'accurate.json');
  const fast = await people(['--quality', 'fast'], 'fast.json');
  assert.ok(named.length >= 1);
  assert.deepEqual(named.map((person) => person.keypoints), accurate.map((person) => person.keypoints));
  assert.notDeepEqual(named.map((person) => person.keypoints), fast.map((person) => person.keypoints), 'the other network gives other keypoints');

  // A missing or corrupt network is one line naming the file; no prediction file is written.
  const corrupt = join(dir, 'corrupt.onnx');
  writeFileSync(corrupt, 'not a network');
  for (const [model, message] of [[join(dir, 'missing.onnx'), /missing\.onnx: model file not found/], [corrupt, /corrupt\.onnx: not a loadable ONNX model/]] as const) {
    const out = join(dir, 'bad.json');
    const result = await runCli(['predict', '--db', join(dir, 'unused.db'), '--image', photo, '--out', out, '--backend', 'wasm', '--model', model, '--descriptor', projectPath('models', 'human_pose_estimation_0001.json')]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(out));
  }
});
