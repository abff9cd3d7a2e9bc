import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { readCheckpoint, readCheckpointInfo } from '../../src/train/checkpoint.js';
import { lockRunFolder, RUN_LOCK_FILE } from '../../src/train/run-lock.js';
import { projectPath } from '../../src/util/project-root.js';
import { cliInvocation, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-train-cli-');
const db = join(dir, 't.db');

before(async () => {
  const synth = await runCli(['synth', '--db', db, '--out', join(dir, 'synth'), '--sequences', '3', '--frames', '30', '--seed', '2', '--backend', 'wasm']);
  assert.equal(synth.code, 0, synth.stderr);
});

test('hmmr train prints the backend, Ctrl-C saves a checkpoint and exits resumable, --resume finishes the run', async () => {
  const out = join(dir, 'run');
  const args = [...cliInvocation(), 'train', '--db', db, '--out', out, '--config', 'tiny', '--steps', '1000', '--threads', '1'];
  const child = spawn(process.execPath, args, { cwd: projectPath(), env: { ...process.env, HMMR_PLAIN_PROGRESS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // Interrupt once the first metrics line (step 10 of the tiny schedule) is on disk.
  const metrics = join(out, 'metrics.jsonl');
  // Once: a second Ctrl-C means "quit now" to the CLI.
  const timer = setInterval(() => {
    if (!existsSync(metrics)) return;
    clearInterval(timer);
    child.kill('SIGINT');
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /backend: wasm/);
  assert.match(stdout, /interrupted at step (\d+) of 1000/);
  assert.match(stdout, /resume with: hmmr train --out .* --resume/);
  const stoppedAt = Number(/interrupted at step (\d+)/.exec(stdout)![1]);
  assert.equal(readCheckpointInfo(out).step, stoppedAt);

  const resumed = await runCli(['train', '--db', db, '--out', out, '--resume', '--steps', String(stoppedAt + 5), '--threads', '1', '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout) as { startStep: number; endStep: number; interrupted: boolean };
  assert.deepEqual([summary.startStep, summary.endStep, summary.interrupted], [stoppedAt, stoppedAt + 5, false]);
  const steps = readFileSync(metrics, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { step: number }).step);
  assert.deepEqual(steps, [...new Set(steps)].sort((a, b) => a - b), 'one line per logged step, in order');
  assert.equal(steps.at(-1), stoppedAt + 5);
});

test('hmmr train refuses a bad config file with the file and the key', async () => {
  const config = join(dir, 'bad.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(config, JSON.stringify({ extends: 'tiny', model: { widht: 8 } }));
  const result = await runCli(['train', '--db', db, '--out', join(dir, 'bad-run'), '--config', config, '--steps', '1']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`hmmr: ${config}: unknown key 'model.widht'`));
});

test('two hmmr train on one --out: the second stops at once with a clear error, the first\'s folder untouched', async () => {
  const out = join(dir, 'locked-run');
  const release = lockRunFolder(out);
  try {
    const second = await runCli(['train', '--db', db, '--out', out, '--config', 'tiny', '--steps', '1']);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`^hmmr: ${out}: another hmmr train is writing to this run folder: process ${process.pid} `, 'm'));
    assert.deepEqual(readdirSync(out), [RUN_LOCK_FILE]);
  } finally {
    release();
  }
});

test('hmmr train --init starts a fresh run from a checkpoint\'s weights; a different model or --resume is refused', async () => {
  const source = join(dir, 'init-source');
  const first = await runCli(['train', '--db', db, '--out', source, '--config', 'tiny', '--steps', '3', '--threads', '1', '--quiet']);
  assert.equal(first.code, 0, first.stderr);
  // With both learning rates at 0 the fine-tune's weights can only be the ones it started from.
  const frozen = join(dir, 'frozen.json');
  writeFileSync(frozen, JSON.stringify({ extends: 'tiny', optim: { encoderLr: 0, discriminatorLr: 0 } }));
  const tuned = join(dir, 'init-tuned');
  const second = await runCli(['train', '--db', db, '--out', tuned, '--init', source, '--config', frozen, '--steps', '2', '--threads', '1', '--json']);
  assert.equal(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout) as { startStep: number; endStep: number };
  assert.deepEqual([summary.startStep, summary.endStep], [0, 2], 'a fresh run: step 0 to 2');
  const before = readCheckpoint(source, { withOptimizer: false });
  const after = readCheckpoint(tuned, { withOptimizer: false });
  for (const side of ['encoder', 'discriminator'] as const) {
    assert.equal(after[side].values.size, before[side].values.size);
    for (const [name, values] of before[side].values) assert.deepEqual(after[side].values.get(name), values, `${side}/${name}`);
  }
  const initial = await runCli(['train', '--db', db, '--out', join(dir, 'init-fresh'), '--config', 'tiny', '--steps', '1', '--threads', '1', '--seed', '9', '--quiet']);
  assert.equal(initial.code, 0, initial.stderr);
  assert.notDeepEqual(readCheckpoint(join(dir, 'init-fresh'), { withOptimizer: false }).encoder.values, before.encoder.values, 'without --init the weights are another seed\'s');

  const mismatch = await runCli(['train', '--db', db, '--out', join(dir, 'init-bad'), '--init', source, '--config', 'cpu', '--steps', '1']);
  assert.notEqual(mismatch.code, 0);
  assert.match(mismatch.stderr, /init-source.*--init: its model \('tiny'/);
  const both = await runCli(['train', '--db', db, '--out', tuned, '--init', source, '--resume', '--steps', '3']);
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /--init starts a new run/);

  // Garbage as starting weights: one line naming the file, and the new run folder holds no checkpoint.
  const garbage = join(dir, 'garbage-ckpt');
  mkdirSync(garbage);
  writeFileSync(join(garbage, 'manifest.json'), '{ not json');
  const bad = await runCli(['train', '--db', db, '--out', join(dir, 'init-garbage'), '--init', garbage, '--steps', '1']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /garbage-ckpt.*manifest/);
  assert.ok(!existsSync(join(dir, 'init-garbage', 'latest.json')), 'no checkpoint written');
  assert.deepEqual(readCheckpoint(source, { withOptimizer: false }).encoder.values, before.encoder.values, 'the source run is untouched');
});
