import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/database.js';
import { readTubeGroundTruth } from '../../src/store/ground-truth.js';
import { readPoseBank } from '../../src/store/pose-bank.js';
import { listTubes } from '../../src/store/tubes.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-synth-cli-');

test('hmmr synth writes tubes and gt.json that hmmr eval accepts; re-running a seed replaces its tubes', async () => {
  const db = join(dir, 'synth.db');
  const out = join(dir, 'out');
  const args = ['synth', '--out', out, '--db', db, '--sequences', '3', '--frames', '12', '--seed', '4', '--backend', 'cpu', '--json'];
  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout) as { sequences: { name: string; split: string; frames: number }[]; gtFiles: Record<string, string> };
  assert.equal(summary.sequences.length, 3);
  assert.deepEqual(summary.sequences.map((s) => s.split).sort(), ['test', 'train', 'train']);
  assert.ok(existsSync(join(out, 'gt.json')) && existsSync(join(out, 'gt-train.json')));

  const evaluated = await runCli(['eval', '--pred', join(out, 'gt.json'), '--gt', join(out, 'gt.json'), '--json']);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout) as { rows: { key: string; perSequence: number }[] };
  assert.equal(report.rows.find((row) => row.key === 'mpjpe')!.perSequence, 0);
  assert.equal(report.rows.find((row) => row.key === 'pck')!.perSequence, 100);

  const again = await runCli(args);
  assert.equal(again.code, 0, again.stderr);
  const store = openDatabase(db, { readonly: true });
  try {
    const tubes = listTubes(store, { tier: 'mocap3d' });
    assert.deepEqual(tubes.map((tube) => tube.name).sort(), summary.sequences.map((s) => s.name).sort(), 'same seed replaced, not added');
    assert.deepEqual(tubes.map((tube) => tube.frameCount), [12, 12, 12]);
  } finally {
    store.close();
  }
});

test('hmmr synth rejects impossible settings before doing anything', async () => {
  const db = join(dir, 'bad.db');
  for (const [flags, message] of [
    [['--frames', '2'], /--frames must be an integer ≥ 3/],
    [['--sequences', '0'], /--sequences must be an integer ≥ 1/],
    [['--test-fraction', '1.5'], /--test-fraction must be between 0 and 1/],
    [['--train-views', '0'], /--train-views must be an integer ≥ 1/],
    [['--body-model', join(dir, 'missing.npz')], /missing\.npz/],
  ] as const) {
    const result = await runCli(['synth', '--out', join(dir, 'bad'), '--db', db, '--backend', 'cpu', ...flags]);
    assert.equal(result.code, 1, flags.join(' '));
    assert.match(result.stderr, message);
  }
  assert.ok(!existsSync(join(dir, 'bad')));
});

test('hmmr synth --motions --tier pseudo2d: only those motions, stored as 2D-only tubes; a smaller set of a seed is a prefix of a larger one; --tier pose-bank stores the same poses as clips', async () => {
  const db = join(dir, 'pseudo2d.db');
  const run = async (sequences: number) => {
    const args = ['synth', '--out', join(dir, `p2d-${sequences}`), '--db', db, '--sequences', String(sequences), '--frames', '10', '--seed', '9', '--test-fraction', '0'];
    const result = await runCli([...args, '--motions', 'squat', 'golf-swing', '--tier', 'pseudo2d', '--backend', 'cpu', '--json']);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as { sequences: { name: string; motion: string }[] };
  };
  const small = await run(2);
  const large = await run(5);
  assert.deepEqual(large.sequences.map((s) => s.motion), ['squat', 'golf-swing', 'squat', 'golf-swing', 'squat']);
  const store = openDatabase(db, { readonly: true });
  try {
    assert.equal(listTubes(store, { tier: 'mocap3d' }).length, 0);
    const tubes = listTubes(store, { tier: 'pseudo2d' });
    assert.deepEqual(tubes.map((tube) => tube.name).sort(), large.sequences.map((s) => s.name).sort(), 'the rerun replaced the seed\'s tubes');
    assert.deepEqual(large.sequences.slice(0, 2).map((s) => s.name), small.sequences.map((s) => s.name));
  } finally {
    store.close();
  }

  // --tier pose-bank: the same sequences' poses as pose-bank clips, the tubes left as they were.
  const bank = await runCli(['synth', '--out', join(dir, 'bank'), '--db', db, '--sequences', '2', '--frames', '10', '--seed', '9', '--motions', 'squat', 'golf-swing', '--tier', 'pose-bank', '--backend', 'cpu']);
  assert.equal(bank.code, 0, bank.stderr);
  assert.match(bank.stdout, /2 sequences × 10 frames stored as pose-bank clips/);
  const after = openDatabase(db, { readonly: true });
  try {
    const clips = readPoseBank(after);
    assert.deepEqual(clips.map((clip) => clip.source), small.sequences.map((s) => s.name));
    const tubes = listTubes(after, { tier: 'pseudo2d' });
    assert.equal(tubes.length, 5, 'the seed\'s tubes are untouched');
    for (const clip of clips) {
      const truth = readTubeGroundTruth(after, tubes.find((tube) => tube.name === clip.source)!.id);
      assert.deepEqual(Array.from(clip.poses), truth.flatMap((frame) => Array.from(frame.pose!)), clip.source);
    }
  } finally {
    after.close();
  }
  assert.ok(!existsSync(join(dir, 'bank')), 'a pose bank has no eval files');

  const unknown = await runCli(['synth', '--out', join(dir, 'p2d-bad'), '--db', db, '--motions', 'cartwheel', '--backend', 'cpu']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /cartwheel/);
});
