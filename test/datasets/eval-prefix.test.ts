import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { CheckpointEvaluation } from '../../src/eval/evaluate-checkpoint.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fixture } from './fixture-paths.js';

const dir = tempDir('hmmr-eval-prefix-');
const mixed = join(dir, 'mixed.db');
const run = join(dir, 'run');

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `${args.join(' ')}\n${result.stderr}`);
  return result.stdout;
}

async function evaluate(db: string, prefix?: string): Promise<CheckpointEvaluation> {
  const extra = prefix === undefined ? [] : ['--prefix', prefix];
  return JSON.parse(await cli(['eval', '--db', db, '--checkpoint', run, '--no-dynamics', '--backend', 'wasm', '--json', ...extra])) as CheckpointEvaluation;
}

let synthOnly: CheckpointEvaluation;

before(async () => {
  // Synthetic MoCap (25 fps) trains a checkpoint; its test split is scored before 3DPW (30 fps) joins it.
  await cli(['synth', '--db', mixed, '--out', join(dir, 'synth'), '--sequences', '4', '--frames', '24', '--test-fraction', '0.5', '--seed', '3', '--backend', 'cpu']);
  await cli(['train', '--db', mixed, '--out', run, '--config', 'tiny', '--steps', '2', '--backend', 'wasm', '--quiet']);
  synthOnly = await evaluate(mixed);
  await cli(['--db', mixed, 'import', '3dpw', fixture('3dpw'), '--split', 'test']);
});

test('hmmr eval --checkpoint on a split mixing frame rates fails and names the way out', async () => {
  const result = await runCli(['eval', '--db', mixed, '--checkpoint', run, '--no-dynamics', '--backend', 'wasm']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /fps 30 differs from the split's 25 \(select one dataset by name prefix\)/);
});

test('hmmr eval --prefix scores one dataset of the split exactly as a database holding only it', async () => {
  const synth = await evaluate(mixed, 'synth-s3-');
  assert.equal(synth.namePrefix, 'synth-s3-');
  assert.deepEqual(synth.report, synthOnly.report);

  const threeDpw = await evaluate(mixed, '3dpw/');
  // The fixture: one sequence, two actors, 4 frames each, one frame with campose_valid 0.
  assert.equal(threeDpw.report.sequenceCount, 2);
  assert.equal(threeDpw.report.frameCount, 8);
  assert.equal(threeDpw.report.frames3dCounted, 7);
  assert.match(threeDpw.caveat ?? '', /approximate joints: 2 of 2 sequences/);
  const alone = join(dir, 'alone.db');
  await cli(['--db', alone, 'import', '3dpw', fixture('3dpw'), '--split', 'test']);
  assert.deepEqual(threeDpw.report, (await evaluate(alone)).report);

  const text = await cli(['eval', '--db', mixed, '--checkpoint', run, '--no-dynamics', '--backend', 'wasm', '--prefix', '3dpw/']);
  assert.match(text, /test split, tubes named 3dpw\/\*/);
  const none = await runCli(['eval', '--db', mixed, '--checkpoint', run, '--no-dynamics', '--backend', 'wasm', '--prefix', 'h36m/']);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /no mocap3d tubes named h36m\/\* in the test split/);
});
